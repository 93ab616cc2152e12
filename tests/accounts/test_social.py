"""Social and OpenID Connect logins (issue 18): providers by configuration, verified addresses only,
no account takeover by e-mail, connected accounts on the account page, in the export, gone with the account."""

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import User
from comments.models import Comment
from config.providers import authorize_origins, social_providers
from tests.factories import UserFactory
from tests.social import ENVIRONMENT

pytestmark = pytest.mark.django_db


def logged_in_as(client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def sign_up(client, oidc, *, display_name="Jeanne Dupont", **claims):
    """A new reader: the provider, then the sign-up form (the public name to choose)."""
    response = oidc.log_in(client, **claims)
    assert response.status_code == 302
    assert response.url == reverse("socialaccount_signup")
    form = client.get(response.url).context["form"]
    return client.post(reverse("socialaccount_signup"), {"display_name": display_name, "email": form["email"].value()})


class TestConfiguration:
    def test_no_keys_no_provider(self):
        assert social_providers({}) == {}

    def test_each_provider_from_its_keys(self):
        providers = social_providers(
            {
                "SOCIALACCOUNT_GITHUB_CLIENT_ID": "gh",
                "SOCIALACCOUNT_GITHUB_SECRET": "s1",
                "SOCIALACCOUNT_MICROSOFT_CLIENT_ID": "ms",
                "SOCIALACCOUNT_MICROSOFT_SECRET": "s2",
                "SOCIALACCOUNT_OIDC": "keycloak, franceconnect",
                **{
                    f"SOCIALACCOUNT_OIDC_KEYCLOAK_{k}": v
                    for k, v in [
                        ("NAME", "Entreprise"),
                        ("SERVER_URL", "https://k"),
                        ("CLIENT_ID", "c"),
                        ("SECRET", "s"),
                    ]
                },  # noqa: E501
                **{
                    f"SOCIALACCOUNT_OIDC_FRANCECONNECT_{k}": v
                    for k, v in [
                        ("NAME", "FranceConnect"),
                        ("SERVER_URL", "https://f"),
                        ("CLIENT_ID", "c"),
                        ("SECRET", "s"),
                    ]
                },  # noqa: E501
            }
        )
        assert set(providers) == {"github", "microsoft", "openid_connect"}
        assert providers["github"]["APPS"] == [{"client_id": "gh", "secret": "s1"}]
        assert providers["microsoft"]["APPS"][0]["settings"] == {"tenant": "common"}
        assert [app["provider_id"] for app in providers["openid_connect"]["APPS"]] == ["keycloak", "franceconnect"]
        assert not any("VERIFIED_EMAIL" in str(p) or "verified_email" in str(p) for p in providers.values())

    def test_the_csp_lets_the_buttons_reach_the_configured_providers_only(self):
        assert authorize_origins({}) == []
        providers = social_providers(
            {"SOCIALACCOUNT_GITHUB_CLIENT_ID": "gh", "SOCIALACCOUNT_GITHUB_SECRET": "s", **ENVIRONMENT}
        )
        assert authorize_origins(providers) == ["https://github.com", "https://sso.example.org"]

    def test_the_login_page_s_csp_names_the_provider(self, client, oidc):
        assert (
            "form-action 'self' https://sso.example.org;"
            in client.get(reverse("account_login"))["Content-Security-Policy"]
        )

    @pytest.mark.parametrize(
        "environ",
        [
            {"SOCIALACCOUNT_GOOGLE_CLIENT_ID": "g"},
            {"SOCIALACCOUNT_OIDC": "keycloak", "SOCIALACCOUNT_OIDC_KEYCLOAK_CLIENT_ID": "c"},
        ],
    )
    def test_half_a_configuration_refuses_to_start(self, environ):
        with pytest.raises(ImproperlyConfigured):
            social_providers(environ)

    def test_with_none_configured_the_pages_are_as_before(self, client, settings):
        settings.SOCIALACCOUNT_PROVIDERS = {}
        for name in ("account_login", "account_signup"):
            html = client.get(reverse(name)).text
            assert "/comptes/oidc/" not in html and "/comptes/github/" not in html
            assert "Maison SSO" not in html

    def test_a_configured_provider_shows_on_the_login_and_sign_up_pages(self, client, oidc):
        for name in ("account_login", "account_signup"):
            html = client.get(reverse(name)).text
            assert "Maison SSO" in html
            assert reverse("openid_connect_login", kwargs={"provider_id": "maison"}) in html


class TestVerifiedAddressesOnly:
    def test_an_address_the_provider_verified_may_comment_at_once(self, client, oidc):
        response = sign_up(client, oidc, email="jeanne@example.org", email_verified=True, name="Jeanne D.")
        assert response.status_code == 302
        user = logged_in_as(client)
        assert user.email == "jeanne@example.org" and user.display_name == "Jeanne Dupont"
        assert user.has_verified_email()
        assert SocialAccount.objects.get(user=user).provider == "maison"

    def test_the_provider_s_name_is_only_proposed(self, client, oidc):
        oidc.log_in(client, email="jeanne@example.org", email_verified=True, name="Jeanne Martin-Dupont")
        form = client.get(reverse("socialaccount_signup")).context["form"]
        assert form["display_name"].value() == "Jeanne Martin-Dupont"

    def test_an_address_the_provider_did_not_verify_must_be_confirmed(self, client, oidc):
        response = sign_up(client, oidc, email="paul@example.org", email_verified=False)
        assert response.status_code == 302
        assert response.url == reverse("account_email_verification_sent")
        assert logged_in_as(client) is None
        user = User.objects.get(email="paul@example.org")
        assert not user.has_verified_email()
        assert [m.to for m in mail.outbox] == [["paul@example.org"]]

    def test_no_email_verified_claim_counts_as_unverified(self, client, oidc):
        sign_up(client, oidc, email="paul@example.org")
        assert not User.objects.get(email="paul@example.org").has_verified_email()


class TestNoTakeoverByEmail:
    def test_a_verified_address_joins_its_existing_account(self, client, oidc, reader):
        response = oidc.log_in(client, email=reader.email.upper(), email_verified=True)
        assert response.status_code == 302
        assert logged_in_as(client) == reader
        assert SocialAccount.objects.get(provider="maison").user == reader
        assert User.objects.count() == 1

    def test_an_unverified_address_does_not_join_the_account_that_has_it(self, client, oidc, reader):
        response = oidc.log_in(client, email=reader.email, email_verified=False)
        assert logged_in_as(client) is None
        assert not SocialAccount.objects.exists()
        assert response.url == reverse("socialaccount_signup")
        # Going on with that address creates nothing and reveals nothing: the owner is told by e-mail
        # (allauth's answer to account enumeration); to connect, log in to that account first.
        client.post(reverse("socialaccount_signup"), {"display_name": "Intrus", "email": reader.email})
        assert logged_in_as(client) is None
        assert User.objects.count() == 1 and not SocialAccount.objects.exists()
        assert [m.to for m in mail.outbox] == [[reader.email]]
        reader.refresh_from_db()
        assert reader.has_usable_password()

    def test_the_sign_up_page_says_how_to_connect_an_account_of_one_s_own(self, client, oidc, reader):
        oidc.log_in(client, email=reader.email, email_verified=False)
        html = client.get(reverse("socialaccount_signup")).text
        # Shown to every reader who comes from a provider, so it tells nobody whether the address has an account.
        assert f'href="{reverse("account_login")}?next={reverse("socialaccount_connections")}"' in html
        assert "ajoutez-y Maison SSO depuis « Comptes connectés »" in html

    def test_logged_in_the_reader_connects_the_provider_from_the_account_page(self, client, oidc, reader):
        client.force_login(reader)
        start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "maison"}), {"process": "connect"})
        assert start.status_code == 302
        oidc.claims = {"sub": "sujet-9", "email": "autre@example.org", "email_verified": False}
        state = parse_qs(urlsplit(start.url).query)["state"][0]
        client.get(reverse("openid_connect_callback", kwargs={"provider_id": "maison"}), {"code": "c", "state": state})
        assert SocialAccount.objects.get(uid="sujet-9").user == reader
        assert not EmailAddress.objects.filter(email="autre@example.org", verified=True).exists()


class TestConnectedAccounts:
    def connect(self, user, uid="sujet-1"):
        return SocialAccount.objects.create(user=user, provider="maison", uid=uid, extra_data={"email": user.email})

    def test_listed_on_the_account_page(self, client, oidc, reader):
        self.connect(reader)
        client.force_login(reader)
        assert "Maison SSO" in client.get(reverse("socialaccount_connections")).text
        assert reverse("socialaccount_connections") in client.get(reverse("accounts:profile_edit")).text

    def test_disconnect(self, client, oidc, reader):
        account = self.connect(reader)
        client.force_login(reader)
        client.post(reverse("socialaccount_connections"), {"account": account.pk})
        assert not SocialAccount.objects.exists()

    def test_never_the_last_way_in(self, client, oidc):
        user = UserFactory(password="")
        user.set_unusable_password()
        user.save()
        account = self.connect(user)
        client.force_login(user)
        response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
        assert response.context["form"].errors  # no password: this provider is the last way in
        assert SocialAccount.objects.filter(pk=account.pk).exists()

    def test_in_the_export(self, oidc, reader):
        self.connect(reader)
        connected = services.user_export_data(user=reader)["account"]["connected_accounts"]
        assert connected == [{"provider": "maison", "uid": "sujet-1", "date_joined": connected[0]["date_joined"]}]

    def test_removed_by_the_erase(self, oidc, reader):
        self.connect(reader)
        services.user_delete(user=reader, keep_comments=False)
        assert not SocialAccount.objects.exists()


class TestSanctionsHold:
    def test_a_banned_reader_coming_by_a_provider_still_cannot_comment(self, client, oidc, post):
        banned = UserFactory(banned_at=timezone.now())
        oidc.log_in(client, email=banned.email, email_verified=True)
        assert logged_in_as(client) == banned
        response = client.post(
            reverse("comments:create", args=[post.pk]), {"body": "Me revoilà.", "submission_key": uuid.uuid4()}
        )
        assert response.status_code == 403
        assert not Comment.objects.exists()


class TestCallbackLimit:
    def test_callbacks_from_one_ip_are_limited(self, oidc):
        url = reverse("openid_connect_callback", kwargs={"provider_id": "maison"})
        answers = [
            Client(REMOTE_ADDR="203.0.113.7").get(url, {"code": "x", "state": "y"}).status_code for _ in range(21)
        ]
        assert 429 not in answers[:20]
        assert answers[20] == 429
        assert Client(REMOTE_ADDR="198.51.100.20").get(url, {"code": "x", "state": "y"}).status_code != 429

    def test_other_pages_are_not_counted(self, client):
        for _ in range(25):
            assert client.get(reverse("account_login")).status_code == 200
