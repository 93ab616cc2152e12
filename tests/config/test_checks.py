from django.core import checks
from django.utils.csp import CSP

from config.checks import check_content_security_policy

CSP_MIDDLEWARE = "django.middleware.csp.ContentSecurityPolicyMiddleware"


def error_ids():
    return [error.id for error in check_content_security_policy(None)]


class TestContentSecurityPolicyCheck:
    def test_the_project_settings_pass(self):
        assert error_ids() == []

    def test_registered_with_the_security_checks(self, settings):
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != CSP_MIDDLEWARE]
        assert "config.E001" in [error.id for error in checks.run_checks(tags=[checks.Tags.security])]

    def test_middleware_missing(self, settings):
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != CSP_MIDDLEWARE]
        assert error_ids() == ["config.E001"]

    def test_essential_directives_missing(self, settings):
        settings.SECURE_CSP = {"default-src": [CSP.SELF], "script-src": [CSP.SELF], "frame-ancestors": []}
        errors = check_content_security_policy(None)
        assert [error.id for error in errors] == ["config.E002"]
        assert errors[0].msg == "SECURE_CSP lacks object-src, base-uri, frame-ancestors."

    def test_no_policy_at_all(self, settings):
        settings.SECURE_CSP = {}
        assert error_ids() == ["config.E002"]

    def test_unsafe_scripts(self, settings):
        settings.SECURE_CSP = {**settings.SECURE_CSP, "script-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
        assert error_ids() == ["config.E003"]
