"""Passkeys (allauth's WebAuthn): the pages and the sign-up's stages. The ceremony itself runs in Chromium
with a virtual authenticator (tests/e2e/test_passkeys.py)."""

import pytest
from allauth.account.internal.stagekit import LOGIN_SESSION_KEY
from allauth.account.models import Login
from allauth.account.stages import LoginStageController
from allauth.mfa.models import Authenticator
from allauth.mfa.stages import AuthenticateStage
from allauth.mfa.webauthn.stages import PasskeySignupStage
from django.contrib.sessions.backends.cache import SessionStore
from django.core import mail
from django.urls import reverse

from accounts.adapter import AccountAdapter
from accounts.models import User
from accounts.passkey_signup import MADE_IN_THIS_LOGIN, SecondFactorStage

pytestmark = pytest.mark.django_db


class TestPasskeyPages:
    def test_the_login_page_offers_a_passkey(self, client):
        html = client.get(reverse("account_login")).text
        assert 'id="passkey_login"' in html
        assert 'action="/comptes/2fa/webauthn/login/"' in html

    def test_the_sign_up_page_offers_a_passkey(self, client):
        html = client.get(reverse("account_signup")).text
        assert reverse("account_signup_by_passkey") in html

    def test_the_passkey_sign_up_asks_no_password_and_hides_the_honeypot(self, client):
        response = client.get(reverse("account_signup_by_passkey"))
        form = response.context["form"]
        assert "password1" not in form.fields
        assert {"display_name", "email", "site_web"} <= set(form.fields)
        assert '<div class="hp" aria-hidden="true">' in response.text

    def test_the_account_page_lists_passkeys(self, client, reader):
        client.force_login(reader)
        assert "Aucune clé d’accès pour l’instant." in client.get(reverse("mfa_index")).text
        assert "Aucune clé d’accès pour l’instant." in client.get(reverse("mfa_list_webauthn")).text


class TestPasskeySignupStages:
    def test_the_passkey_is_made_before_the_address_is_checked(self):
        stages = AccountAdapter().get_login_stages()
        passkey, verification = AccountAdapter.PASSKEY_SIGNUP_STAGE, AccountAdapter.EMAIL_VERIFICATION_STAGE
        assert stages.index(passkey) == stages.index(verification) - 1
        assert stages.count(passkey) == 1

    def test_a_passkey_sign_up_creates_no_password_then_asks_for_the_passkey(self, client):
        response = client.post(
            reverse("account_signup_by_passkey"), {"display_name": "Jeanne Dupont", "email": "jeanne@example.org"}
        )
        assert response.status_code == 302
        assert response.url == reverse("mfa_signup_webauthn")
        user = User.objects.get()
        assert not user.has_usable_password()
        assert not user.has_verified_email()
        assert mail.outbox == []  # the link comes once the passkey exists
        assert "_auth_user_id" not in client.session
        page = client.get(response.url)
        assert page.status_code == 200
        assert "creation_options" in page.text
        assert not Authenticator.objects.exists()


def second_factor_asked(rf, user, login_state: dict) -> bool:
    """Whether the second-factor stage of a login carrying `login_state` sends the reader to the passkey."""
    request = rf.get("/")
    request.session = SessionStore()
    login = Login(user=user, email_verification="mandatory")
    login.state = login_state
    stage = LoginStageController(request, login).get_stage(AuthenticateStage.key)
    assert isinstance(stage, SecondFactorStage)
    response, go_on = stage.handle()
    assert go_on
    return response is not None and response.url == reverse("mfa_authenticate")


class TestThePasskeyMadeAtSignupIsNotAskedAgain:
    """The login that made the passkey resumes on confirmation without it (accounts/passkey_signup.py);
    every other login of an account with a passkey asks for it, as allauth does."""

    @pytest.fixture
    def with_passkey(self, reader):
        Authenticator.objects.create(user=reader, type=Authenticator.Type.WEBAUTHN, data={"name": "Téléphone"})
        return reader

    def test_the_adapter_uses_causerie_s_second_factor_stage_under_allauth_s_key(self):
        stages = AccountAdapter().get_login_stages()
        assert "accounts.passkey_signup.SecondFactorStage" in stages
        assert AccountAdapter.SECOND_FACTOR_STAGE not in stages
        assert SecondFactorStage.key == AuthenticateStage.key

    def test_the_login_that_made_the_passkey_goes_on(self, rf, with_passkey):
        state = {"stages": {PasskeySignupStage.key: {"handled": True, "data": {MADE_IN_THIS_LOGIN: True}}}}
        assert not second_factor_asked(rf, with_passkey, state)

    def test_any_other_login_is_asked_for_the_passkey(self, rf, with_passkey):
        assert second_factor_asked(rf, with_passkey, {})
        # A passkey sign-up that did not make its passkey (allauth's own mark only) proves nothing.
        assert second_factor_asked(rf, with_passkey, {"passkey_signup": True})

    def test_a_refused_registration_leaves_no_mark(self, client):
        client.post(reverse("account_signup_by_passkey"), {"display_name": "Jeanne Dupont", "email": "j@example.org"})
        response = client.post(reverse("mfa_signup_webauthn"), {"name": "Clé", "credential": '{"id": "faux"}'})
        assert response.status_code == 200 and response.context["form"].errors
        assert not Authenticator.objects.exists()
        assert MADE_IN_THIS_LOGIN not in str(client.session[LOGIN_SESSION_KEY])


class TestPasskeyLimits:
    def test_passkey_logins_from_one_ip_are_limited(self, client):
        url = reverse("mfa_login_webauthn")
        answers = [client.post(url, {"credential": "{}"}, REMOTE_ADDR="203.0.113.7").status_code for _ in range(11)]
        assert 429 not in answers[:10]
        assert answers[10] == 429
        assert client.post(url, {"credential": "{}"}, REMOTE_ADDR="198.51.100.20").status_code != 429


class TestMalformedCredentials:
    """A forged passkey payload gets the form's error, never a 500 (fido2's KeyError, uncaught by allauth)."""

    PAYLOADS = ['{"id": "x"}', '{"id": "x", "rawId": "x"}', '{"id": "x", "rawId": "x", "response": {}}', "[]"]

    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_the_passkey_login(self, client, payload):
        response = client.post(reverse("mfa_login_webauthn"), {"credential": payload})
        assert response.status_code in (200, 302)
        assert "_auth_user_id" not in client.session

    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_the_sign_up_s_passkey(self, client, payload):
        client.post(reverse("account_signup_by_passkey"), {"display_name": "Jeanne Dupont", "email": "j@example.org"})
        response = client.post(reverse("mfa_signup_webauthn"), {"name": "Clé", "credential": payload})
        assert response.status_code == 200 and response.context["form"].errors
        assert not Authenticator.objects.exists()

    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_adding_a_passkey(self, client, reader, payload):
        # The password given again just now: the form itself answers.
        client.force_login(reader)
        client.post(reverse("account_reauthenticate"), {"password": "motdepasse-solide-42"})
        response = client.post(reverse("mfa_add_webauthn"), {"name": "Clé", "credential": payload})
        assert response.status_code == 200 and response.context["form"].errors
        assert not Authenticator.objects.exists()
