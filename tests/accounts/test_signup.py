import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.forms import SignupDisplayNameForm
from accounts.models import User
from accounts.signup import HoneypotSignupForm

pytestmark = pytest.mark.django_db

SIGNUP = {
    "display_name": "  Jeanne   Dupont ",
    "email": "Jeanne@Example.org",
    "password1": "un-mot-de-passe-long-2026",
    "password2": "un-mot-de-passe-long-2026",
}


def confirmation_link(message) -> str:
    return re.search(r"https?://\S+/comptes/confirm-email/\S+/", message.body).group(0)


class TestSignup:
    def test_the_page_shows_allauths_form_with_the_honeypot_and_the_display_name(self, client):
        form = client.get(reverse("account_signup")).context["form"]
        assert isinstance(form, HoneypotSignupForm)
        assert isinstance(form, SignupDisplayNameForm)  # allauth's form inherits ACCOUNT_SIGNUP_FORM_CLASS
        assert list(form.fields)[0] == "display_name"

    def test_signup_needs_a_display_name(self, client):
        response = client.post(reverse("account_signup"), {**SIGNUP, "display_name": ""})
        assert response.status_code == 200
        assert not User.objects.exists()

    def test_signup_stores_the_name_and_sends_a_french_confirmation(self, client):
        response = client.post(reverse("account_signup"), SIGNUP)
        assert response.status_code == 302
        user = User.objects.get()
        assert user.display_name == "Jeanne Dupont"
        assert user.email == "jeanne@example.org"
        assert not user.has_verified_email()
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["jeanne@example.org"]
        assert mail.outbox[0].subject == "[Causerie] Confirmez votre adresse e-mail"
        assert "« Jeanne Dupont » sur Causerie" in mail.outbox[0].body
        assert confirmation_link(mail.outbox[0])

    def test_unverified_account_cannot_log_in(self, client):
        client.post(reverse("account_signup"), SIGNUP)
        client.logout()
        response = client.post(reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]})
        assert response.status_code == 302
        assert response.url == reverse("account_email_verification_sent")
        assert "_auth_user_id" not in client.session

    def test_opening_the_link_changes_nothing_and_posting_confirms(self, client):
        client.post(reverse("account_signup"), SIGNUP)
        link = confirmation_link(mail.outbox[0])
        path = link.split("testserver", 1)[1]
        page = client.get(path)
        assert page.status_code == 200
        assert not EmailAddress.objects.get().verified
        client.post(path)
        assert EmailAddress.objects.get().verified
        assert User.objects.get().has_verified_email()

    def test_duplicate_email_creates_no_account_and_reveals_nothing(self, client, reader):
        # allauth prevents account enumeration: the form answers as for a new
        # address, and the owner of the existing account is told by e-mail.
        response = client.post(reverse("account_signup"), {**SIGNUP, "email": reader.email.upper()})
        assert response.status_code == 302
        assert User.objects.count() == 1
        assert [m.to for m in mail.outbox] == [[reader.email]]


class TestAccountPages:
    @pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
    def test_pages_are_french_and_in_the_site_layout(self, client, name):
        html = client.get(reverse(name)).content.decode()
        assert '<html lang="fr">' in html
        assert "Causerie" in html
        assert "Afin de lutter contre le spam" in html

    def test_logout_needs_a_post(self, client, reader):
        client.force_login(reader)
        client.get(reverse("account_logout"))
        assert "_auth_user_id" in client.session
        client.post(reverse("account_logout"))
        assert "_auth_user_id" not in client.session

    def test_email_management_requires_login(self, client):
        response = client.get(reverse("account_email"))
        assert response.status_code == 302
        assert reverse("account_login") in response.url


class TestLanguage:
    def test_english_lives_under_en_and_the_switch_keeps_the_page(self, client, post):
        french_url = post.get_absolute_url()
        french = client.get(french_url).content.decode()
        assert '<html lang="fr">' in french
        english_url = "/en" + french_url
        assert f'href="{english_url}" hreflang="en"' in french
        english = client.get(english_url).content.decode()
        assert '<html lang="en">' in english
        assert f'href="{french_url}" hreflang="fr"' in english

    def test_the_switch_keeps_the_query_string(self, client, post):
        html = client.get(reverse("blog:post_list") + "?page=1").content.decode()
        assert 'href="/en/?page=1" hreflang="en"' in html

    def test_the_address_not_the_browser_chooses_the_language(self, client, post):
        html = client.get(post.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
        assert '<html lang="fr">' in html
