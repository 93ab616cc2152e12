"""The project's system checks: the Content-Security-Policy must stay in force.

Registered by config/apps.py; they run with every manage.py command, the test
suite and `check --deploy`, so a policy weakened by a settings edit stops the build.
"""

from django.conf import settings
from django.core.checks import Error
from django.utils.csp import CSP

CSP_MIDDLEWARE = "django.middleware.csp.ContentSecurityPolicyMiddleware"
REQUIRED_DIRECTIVES = ("script-src", "object-src", "base-uri", "frame-ancestors")
UNSAFE_SCRIPT_SOURCES = (CSP.UNSAFE_INLINE, CSP.UNSAFE_EVAL)


def check_content_security_policy(app_configs, **kwargs) -> list[Error]:
    errors = []
    if CSP_MIDDLEWARE not in settings.MIDDLEWARE:
        errors.append(
            Error(
                "The Content-Security-Policy middleware is not installed.",
                hint=f"Add {CSP_MIDDLEWARE!r} to MIDDLEWARE, after SecurityMiddleware.",
                id="config.E001",
            )
        )
    policy = settings.SECURE_CSP or {}
    missing = [directive for directive in REQUIRED_DIRECTIVES if not policy.get(directive)]
    if missing:
        errors.append(
            Error(
                f"SECURE_CSP lacks {', '.join(missing)}.",
                hint="Each of " + ", ".join(REQUIRED_DIRECTIVES) + " must be set (see config/settings.py).",
                id="config.E002",
            )
        )
    script_src = policy.get("script-src") or []
    if unsafe := [source for source in UNSAFE_SCRIPT_SOURCES if source in script_src]:
        errors.append(
            Error(
                f"SECURE_CSP's script-src allows {' and '.join(unsafe)}.",
                hint="Load scripts from static files, or give an inline one the request's nonce.",
                id="config.E003",
            )
        )
    return errors
