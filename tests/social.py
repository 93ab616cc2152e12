"""A stand-in OpenID Connect provider for the client tests: allauth's HTTP calls to it (discovery, token,
userinfo) are answered in process, with the claims the test chooses. The browser-free half of issue 18's
OpenID Connect tests; the browser half runs against a real provider process (tests/oidc_provider/)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils.csp import CSP

from config.providers import authorize_origins, social_providers

ISSUER = "https://sso.example.org/realms/maison"
ENVIRONMENT = {
    "SOCIALACCOUNT_OIDC": "maison",
    "SOCIALACCOUNT_OIDC_MAISON_NAME": "Maison SSO",
    "SOCIALACCOUNT_OIDC_MAISON_SERVER_URL": ISSUER,
    "SOCIALACCOUNT_OIDC_MAISON_CLIENT_ID": "causerie",
    "SOCIALACCOUNT_OIDC_MAISON_SECRET": "secret-de-test",
}
DISCOVERY = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/auth",
    "token_endpoint": f"{ISSUER}/token",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "jwks_uri": f"{ISSUER}/certs",
    "token_endpoint_auth_methods_supported": ["client_secret_post"],
}


class FakeResponse:
    def __init__(self, data: dict):
        self.data = data
        self.status_code = 200
        self.headers = {"content-type": "application/json"}
        self.text = ""
        self.content = b""

    def json(self) -> dict:
        return self.data

    def raise_for_status(self) -> None:
        pass


class FakeSession:
    """What allauth's adapter.get_requests_session() returns, answering as the provider would."""

    def __init__(self, provider):
        self.provider = provider

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def get(self, url, **kwargs):
        if url.startswith(DISCOVERY["userinfo_endpoint"]):
            return FakeResponse(self.provider.claims)
        return FakeResponse(DISCOVERY)

    def request(self, method, url, **kwargs):
        assert url == DISCOVERY["token_endpoint"]
        return FakeResponse({"access_token": "jeton-d-acces", "token_type": "Bearer", "expires_in": 300})


class FakeProvider:
    def __init__(self):
        self.claims = {}

    def log_in(self, client, **claims):
        """Click the provider's button, come back with `claims` (sub, email, email_verified, name)."""
        self.claims = {"sub": "sujet-1", **claims}
        start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "maison"}))
        assert start.status_code == 302 and start.url.startswith(DISCOVERY["authorization_endpoint"])
        state = parse_qs(urlsplit(start.url).query)["state"][0]
        callback = reverse("openid_connect_callback", kwargs={"provider_id": "maison"})
        return client.get(callback, {"code": "code-a-usage-unique", "state": state})


@pytest.fixture
def oidc(settings, monkeypatch):
    """The « Maison SSO » OpenID Connect provider, configured as docs/deploy.md says, answering in process."""
    from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

    settings.SOCIALACCOUNT_PROVIDERS = social_providers(ENVIRONMENT)
    # As config/settings.py computes it from the same providers at start-up.
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [CSP.SELF, *authorize_origins(settings.SOCIALACCOUNT_PROVIDERS)],
    }
    provider = FakeProvider()
    monkeypatch.setattr(DefaultSocialAccountAdapter, "get_requests_session", lambda self: FakeSession(provider))
    return provider
