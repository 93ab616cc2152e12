"""The confirmation e-mail's link carries where the reader was going, for a browser without the sign-up's session."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGNUP = {
    "display_name": "Jeanne Dupont",
    "email": "jeanne@example.org",
    "password1": "un-mot-de-passe-long-2026",
    "password2": "un-mot-de-passe-long-2026",
}
GOING_TO = "/billets/un-billet/#commenter"


def link(message) -> str:
    return re.search(r"https?://\S+/comptes/confirm-email/\S+", message.body).group(0)


def signed_up(client, going_to) -> str:
    client.post(reverse("account_signup"), {**SIGNUP, "next": going_to})
    return link(mail.outbox[-1])


class TestConfirmationLink:
    def test_the_link_goes_on_to_the_login_page_then_where_the_reader_was_going(self, client):
        url = signed_up(client, GOING_TO)
        login = parse_qs(urlsplit(url).query)["next"][0]
        assert login == f"{reverse('account_login')}?next=%2Fbillets%2Fun-billet%2F%23commenter"

    @pytest.mark.parametrize("going_to", ["", "https://ailleurs.example/piege", "//ailleurs.example/"])
    def test_no_destination_or_another_sites_gives_the_plain_link(self, client, going_to):
        assert "?" not in signed_up(client, going_to)

    def test_confirmed_in_the_same_browser_the_reader_is_logged_in_and_back_at_the_form(self, client):
        url = signed_up(client, GOING_TO)
        response = client.post(urlsplit(url).path, {"next": parse_qs(urlsplit(url).query)["next"][0]})
        assert response.status_code == 302
        assert response.url == GOING_TO
        assert "_auth_user_id" in client.session

    def test_confirmed_elsewhere_nobody_is_logged_in_and_the_login_page_keeps_the_way(self, client):
        url = signed_up(client, GOING_TO)
        elsewhere = Client()
        page = elsewhere.get(url)
        assert page.status_code == 200
        assert 'name="next"' in page.content.decode()  # the confirmation form carries it on
        response = elsewhere.post(urlsplit(url).path, {"next": parse_qs(urlsplit(url).query)["next"][0]})
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        assert "_auth_user_id" not in elsewhere.session
        logged = elsewhere.post(response.url, {"login": SIGNUP["email"], "password": SIGNUP["password1"]})
        assert logged.url == GOING_TO

    def test_confirmed_in_the_same_browser_after_the_login_timeout_the_login_page_keeps_the_way(self, client, settings):
        """The common case: the e-mail read more than ACCOUNT_LOGIN_TIMEOUT (15 min) after signing up."""
        url = signed_up(client, GOING_TO)
        settings.ACCOUNT_LOGIN_TIMEOUT = -1  # the sign-up's pending login has expired
        response = client.post(urlsplit(url).path, {"next": parse_qs(urlsplit(url).query)["next"][0]})
        assert response.url.startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session
        logged = client.post(response.url, {"login": SIGNUP["email"], "password": SIGNUP["password1"]})
        assert logged.url == GOING_TO
