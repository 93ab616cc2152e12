"""Social and OpenID Connect logins, each turned on by its keys in the environment (issue 18).

A provider appears on the login and sign-up pages only when its client id and secret are set;
with none set, the pages are as they were. Nothing here says an address is verified: that is
the provider's word, read by allauth from each answer (``email_verified`` in OpenID Connect,
GitHub's verified addresses; Microsoft's never counts). docs/deploy.md lists the variables.

- ``SOCIALACCOUNT_GOOGLE_CLIENT_ID`` / ``_SECRET``
- ``SOCIALACCOUNT_GITHUB_CLIENT_ID`` / ``_SECRET``
- ``SOCIALACCOUNT_MICROSOFT_CLIENT_ID`` / ``_SECRET`` (``_TENANT``: ``common`` unless set)
- ``SOCIALACCOUNT_OIDC``: comma-separated ids of OpenID Connect providers (e.g. ``keycloak``), each
  with ``SOCIALACCOUNT_OIDC_<ID>_NAME``, ``_SERVER_URL`` (the issuer), ``_CLIENT_ID``, ``_SECRET``.
"""

from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

PROVIDERS = ("google", "github", "microsoft")
# Where each provider's button sends the browser: the CSP's form-action must allow it (Chromium
# applies form-action to the redirect that follows the button's POST).
AUTHORIZE_ORIGINS = {
    "google": "https://accounts.google.com",
    "github": "https://github.com",
    "microsoft": "https://login.microsoftonline.com",
}
OIDC_FIELDS = ("NAME", "SERVER_URL", "CLIENT_ID", "SECRET")


def _app(environ: Mapping[str, str], prefix: str) -> dict | None:
    client_id = environ.get(f"{prefix}_CLIENT_ID", "").strip()
    secret = environ.get(f"{prefix}_SECRET", "").strip()
    if not client_id and not secret:
        return None
    if not (client_id and secret):
        raise ImproperlyConfigured(f"{prefix}_CLIENT_ID and {prefix}_SECRET go together: one of them is missing.")
    return {"client_id": client_id, "secret": secret}


def _oidc_app(environ: Mapping[str, str], provider_id: str) -> dict:
    prefix = f"SOCIALACCOUNT_OIDC_{provider_id.upper().replace('-', '_')}"
    missing = [f"{prefix}_{field}" for field in OIDC_FIELDS if not environ.get(f"{prefix}_{field}", "").strip()]
    if missing:
        raise ImproperlyConfigured(f"OpenID Connect provider {provider_id!r}: set {', '.join(missing)}.")
    return {
        "provider_id": provider_id,
        "name": environ[f"{prefix}_NAME"].strip(),
        "client_id": environ[f"{prefix}_CLIENT_ID"].strip(),
        "secret": environ[f"{prefix}_SECRET"].strip(),
        "settings": {"server_url": environ[f"{prefix}_SERVER_URL"].strip(), "oauth_pkce_enabled": True},
    }


def social_providers(environ: Mapping[str, str]) -> dict:
    """SOCIALACCOUNT_PROVIDERS for the providers whose keys are set (settings-based apps, no database rows)."""
    providers = {}
    for name in PROVIDERS:
        app = _app(environ, f"SOCIALACCOUNT_{name.upper()}")
        if app:
            if name == "microsoft":
                app["settings"] = {"tenant": environ.get("SOCIALACCOUNT_MICROSOFT_TENANT", "").strip() or "common"}
            providers[name] = {"APPS": [app]}
    oidc_ids = [i.strip() for i in environ.get("SOCIALACCOUNT_OIDC", "").split(",") if i.strip()]
    if oidc_ids:
        providers["openid_connect"] = {"APPS": [_oidc_app(environ, i) for i in oidc_ids]}
    return providers


def authorize_origins(providers: dict) -> list[str]:
    """The origins the configured providers' login pages live on, for the CSP's form-action.

    An OpenID Connect provider's is its issuer's origin: its authorization endpoint is taken to be
    on the same host, as with Keycloak, Authentik and the national providers.
    """
    origins = [AUTHORIZE_ORIGINS[name] for name in PROVIDERS if name in providers]
    for app in providers.get("openid_connect", {}).get("APPS", []):
        parts = urlsplit(app["settings"]["server_url"])
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return list(dict.fromkeys(origins))
