import pytest
from django.core import mail
from django.urls import reverse

from accounts.adapter import is_refused_email_domain
from accounts.models import User

pytestmark = pytest.mark.django_db


def signup(client, n=0, **extra):
    data = {
        "display_name": f"Nouvelle Lectrice {n}",
        "email": f"nouvelle{n}@example.org",
        "password1": "un-mot-de-passe-long-2026",
        "password2": "un-mot-de-passe-long-2026",
        **extra,
    }
    return client.post(reverse("account_signup"), data, REMOTE_ADDR="203.0.113.7")


class TestRateLimits:
    def test_the_keys_allauth_reads(self, settings):
        assert set(settings.ACCOUNT_RATE_LIMITS) == {
            "signup",
            "login",
            "login_failed",
            "confirm_email",
            "reset_password",
            "request_login_code",
            "social_callback",
        }
        assert "/key" in settings.ACCOUNT_RATE_LIMITS["login_failed"]  # per address
        assert "/ip" in settings.ACCOUNT_RATE_LIMITS["signup"]  # per IP

    def test_signups_from_one_ip_are_limited(self, client):
        for n in range(5):
            assert signup(client, n).status_code == 302
            client.logout()
        response = signup(client, 99)
        assert response.status_code == 429
        assert User.objects.count() == 5

    def test_another_ip_may_still_sign_up(self, client):
        for n in range(5):
            signup(client, n)
            client.logout()
        response = client.post(
            reverse("account_signup"),
            {
                "display_name": "Autre Réseau",
                "email": "autre@example.org",
                "password1": "un-mot-de-passe-long-2026",
                "password2": "un-mot-de-passe-long-2026",
            },
            REMOTE_ADDR="198.51.100.20",
        )
        assert response.status_code == 302

    def test_failed_logins_for_one_address_are_limited(self, client, reader):
        for _ in range(5):
            client.post(reverse("account_login"), {"login": reader.email, "password": "faux"})
        response = client.post(reverse("account_login"), {"login": reader.email, "password": "motdepasse-solide-42"})
        assert "_auth_user_id" not in client.session
        assert response.status_code in (200, 429)

    def test_password_reset_for_one_address_is_limited(self, client, reader):
        for _ in range(3):
            client.post(reverse("account_reset_password"), {"email": reader.email})
        assert len(mail.outbox) == 3
        client.post(reverse("account_reset_password"), {"email": reader.email})
        assert len(mail.outbox) == 3


class TestHoneypot:
    def test_the_field_is_on_the_form_hidden_by_the_stylesheet(self, client):
        html = client.get(reverse("account_signup")).content.decode()
        assert 'name="site_web"' in html
        assert '<div class="hp" aria-hidden="true">' in html
        assert "style=" not in html

    def test_filled_means_no_account_no_mail_and_the_same_answer(self, client):
        real = signup(client, 1)
        client.logout()
        mail.outbox.clear()
        bot = signup(client, 2, site_web="http://spam.example")
        assert bot.status_code == real.status_code == 302
        assert bot.url == real.url
        assert not User.objects.filter(email="nouvelle2@example.org").exists()
        assert mail.outbox == []


class TestRefusedDomains:
    @pytest.mark.parametrize(
        ("email", "refused"),
        [
            ("a@jetable.example", True),
            ("a@mx.jetable.example", True),  # sub-domain
            ("a@JETABLE.EXAMPLE", True),
            ("a@pasjetable.example", False),  # not a sub-domain, only a longer name
            ("a@example.org", False),
        ],
    )
    def test_matching(self, settings, email, refused):
        settings.ACCOUNTS_REFUSED_EMAIL_DOMAINS = ["jetable.example"]
        assert is_refused_email_domain(email) is refused

    def test_signup_refused_with_a_clear_message(self, client, settings):
        settings.ACCOUNTS_REFUSED_EMAIL_DOMAINS = ["jetable.example"]
        response = signup(client, 3, email="quelquun@mail.jetable.example")
        assert response.status_code == 200
        assert "Les adresses de ce fournisseur ne sont pas acceptées ici" in response.content.decode()
        assert not User.objects.exists()
        assert mail.outbox == []

    def test_empty_by_default(self, settings):
        assert settings.ACCOUNTS_REFUSED_EMAIL_DOMAINS == []
