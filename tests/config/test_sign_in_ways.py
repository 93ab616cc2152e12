"""`make run` says which ways in the login page offers, and how to turn a provider on."""

from io import StringIO

from django.core.management import call_command

from config.providers import social_providers
from tests.social import ENVIRONMENT


def run() -> str:
    out = StringIO()
    call_command("sign_in_ways", stdout=out)
    return out.getvalue()


def test_without_providers_it_says_how_to_add_one(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    text = run()
    assert "Ways in: password, « Recevoir un code par e-mail », passkey\n" in text
    assert "http://localhost:8000" in text  # passkeys need localhost, not 127.0.0.1
    assert "SOCIALACCOUNT_GITHUB_CLIENT_ID=" in text and "docs/deploy.md" in text


def test_configured_providers_are_listed(settings):
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(
        {**ENVIRONMENT, "SOCIALACCOUNT_GITHUB_CLIENT_ID": "a", "SOCIALACCOUNT_GITHUB_SECRET": "b"}
    )
    text = run()
    assert "passkey, GitHub, Maison SSO" in text
    assert "No provider configured" not in text
