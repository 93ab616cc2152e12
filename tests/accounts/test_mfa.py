"""Two-factor authentication (allauth.mfa, TOTP) and the admin closed to staff without it."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core.cache import cache
from django.urls import reverse

from tests.totp import totp_code as current_code

pytestmark = pytest.mark.django_db
PASSWORD = "motdepasse-solide-42"  # tests/factories.py


@pytest.fixture
def require_mfa(settings):
    settings.ACCOUNTS_STAFF_REQUIRE_MFA = True


def activate_totp(client) -> str:
    """Through the pages, as a person would: password again, then the code of the new secret."""
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302 and reverse("account_reauthenticate") in page.url:
        client.post(page.url, {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    cache.clear()  # a code is accepted once: the login below may fall in the same 30 seconds
    return secret


class TestSettings:
    def test_types(self, settings):
        assert settings.MFA_SUPPORTED_TYPES == ["totp", "webauthn", "recovery_codes"]
        assert settings.MFA_PASSKEY_LOGIN_ENABLED

    def test_admin_login_goes_through_allauth(self, client):
        response = client.get("/admin/login/")
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))

    def test_the_admins_own_password_form_is_gone(self, client, moderator):
        response = client.post("/admin/login/", {"username": moderator.email, "password": PASSWORD})
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session


class TestStaffWithoutMFA:
    def test_sent_to_set_it_up(self, client, moderator, require_mfa):
        client.force_login(moderator)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")
        page = client.get(response.url, follow=True)
        assert "L’administration demande la double authentification" in page.content.decode()

    def test_every_admin_page(self, client, moderator, require_mfa):
        client.force_login(moderator)
        assert client.get(reverse("admin:comments_comment_changelist")).status_code == 302

    def test_off_by_default_in_development(self, client, moderator, settings):
        settings.ACCOUNTS_STAFF_REQUIRE_MFA = False
        client.force_login(moderator)
        assert client.get(reverse("admin:index")).status_code == 200

    def test_readers_pages_are_untouched(self, client, moderator, require_mfa, post):
        client.force_login(moderator)
        assert client.get(post.get_absolute_url()).status_code == 200


class TestTOTPFlow:
    def test_activate_then_log_in_with_the_code(self, client, moderator, require_mfa):
        client.force_login(moderator)
        secret = activate_totp(client)
        assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).exists()
        assert client.get(reverse("admin:index")).status_code == 200

        client.logout()
        response = client.get("/admin/")
        login_url = client.get(response.url).url  # /admin/login/?next=/admin/ -> allauth's login
        response = client.post(login_url, {"login": moderator.email, "password": PASSWORD})
        assert response.status_code == 302
        assert response.url.startswith(reverse("mfa_authenticate"))
        assert "_auth_user_id" not in client.session  # the password alone is not enough

        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert wrong.status_code == 200
        assert "_auth_user_id" not in client.session

        response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(moderator.pk)
        assert client.get(reverse("admin:index")).status_code == 200

    def test_a_code_works_once(self, client, moderator, require_mfa):
        client.force_login(moderator)
        secret = activate_totp(client)
        client.logout()
        client.post(reverse("account_login"), {"login": moderator.email, "password": PASSWORD})
        code = current_code(secret)
        client.post(reverse("mfa_authenticate"), {"code": code})
        client.logout()
        client.post(reverse("account_login"), {"login": moderator.email, "password": PASSWORD})
        client.post(reverse("mfa_authenticate"), {"code": code})
        assert "_auth_user_id" not in client.session

    def test_recovery_codes_are_offered(self, client, moderator):
        client.force_login(moderator)
        activate_totp(client)
        assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.RECOVERY_CODES).exists()

    def test_pages_are_in_french_in_the_sites_layout(self, client, moderator):
        client.force_login(moderator)
        activate_totp(client)
        html = client.get(reverse("mfa_index")).content.decode()
        assert 'class="site-header"' in html
        assert "Double authentification" in html
