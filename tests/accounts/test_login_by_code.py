"""« Recevoir un code par e-mail »: allauth's login by code, through Causerie's mail path and rate limits."""

import re
import time
import uuid
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def request_code(client, email: str):
    return client.post(reverse("account_request_login_code"), {"email": email})


def code_in(message) -> str:
    return re.search(r"Votre code de connexion à Causerie : (\S+)", message.body).group(1)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


class TestLoginByCode:
    def test_the_login_page_offers_a_code_by_e_mail_in_french_and_english(self, client):
        assert "Recevoir un code par e-mail" in client.get(reverse("account_login")).text
        assert "Send me a sign-in code" in client.get("/en" + reverse("account_login")).text

    def test_the_code_arrives_by_e_mail_and_logs_in(self, client, reader):
        response = request_code(client, reader.email)
        assert response.status_code == 302
        assert response.url == reverse("account_confirm_login_code")
        assert [m.to for m in mail.outbox] == [[reader.email]]
        assert not logged_in(client)
        client.post(reverse("account_confirm_login_code"), {"code": code_in(mail.outbox[0])})
        assert int(client.session["_auth_user_id"]) == reader.pk

    def test_the_code_brings_the_reader_back_to_the_post(self, client, reader, post):
        back = post.get_absolute_url() + "#commenter"
        login = client.get(reverse("account_login"), {"next": back}).text
        assert f"{reverse('account_request_login_code')}?next=" in login
        query = "?" + urlencode({"next": back})
        client.post(reverse("account_request_login_code") + query, {"email": reader.email})
        response = client.post(reverse("account_confirm_login_code") + query, {"code": code_in(mail.outbox[0])})
        assert response.url == back

    def test_a_code_serves_once(self, client, reader):
        request_code(client, reader.email)
        code = code_in(mail.outbox[0])
        client.post(reverse("account_confirm_login_code"), {"code": code})
        client.post(reverse("account_logout"))
        assert not logged_in(client)
        response = client.post(reverse("account_confirm_login_code"), {"code": code})
        assert not logged_in(client)
        assert response.status_code in (302, 400, 409)  # no pending code left: back to the login page

    def test_an_expired_code_is_refused(self, client, reader, monkeypatch):
        request_code(client, reader.email)
        now = time.time()
        monkeypatch.setattr(time, "time", lambda: now + 10 * 60 + 1)  # ACCOUNT_LOGIN_BY_CODE_TIMEOUT, and a second
        response = client.post(reverse("account_confirm_login_code"), {"code": code_in(mail.outbox[0])})
        assert not logged_in(client)
        assert response.status_code in (302, 400, 409)

    def test_three_wrong_codes_end_the_attempt(self, client, reader):
        request_code(client, reader.email)
        for _ in range(3):
            client.post(reverse("account_confirm_login_code"), {"code": "AAAAAA"})
        client.post(reverse("account_confirm_login_code"), {"code": code_in(mail.outbox[0])})
        assert not logged_in(client)

    def test_an_unverified_reader_logging_in_by_code_has_the_address_verified(self, client, unverified_reader):
        assert not unverified_reader.has_verified_email()
        request_code(client, unverified_reader.email)
        client.post(reverse("account_confirm_login_code"), {"code": code_in(mail.outbox[0])})
        assert logged_in(client)
        assert unverified_reader.has_verified_email()

    def test_an_unknown_address_gets_no_code_and_the_page_reveals_nothing(self, client, reader):
        response = request_code(client, "personne@example.org")
        assert response.status_code == 302
        assert response.url == reverse("account_confirm_login_code")
        assert all("Votre code de connexion" not in m.body for m in mail.outbox)


class TestLoginCodeLimits:
    """Each request from a new session (a session with a code pending is only sent back to its form)."""

    def test_three_codes_per_address_then_refused(self, reader):
        for n in range(3):
            assert request_code(Client(REMOTE_ADDR=f"203.0.113.{n}"), reader.email).status_code == 302
        response = request_code(Client(REMOTE_ADDR="203.0.113.99"), reader.email)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert len(mail.outbox) == 3

    def test_ten_requests_per_ip_an_hour(self, reader):
        for n in range(10):
            assert request_code(Client(REMOTE_ADDR="203.0.113.7"), f"inconnu{n}@example.org").status_code == 302
        refused = request_code(Client(REMOTE_ADDR="203.0.113.7"), reader.email)
        assert refused.status_code == 200
        assert refused.context["form"].errors
        assert reader.email not in [m.to[0] for m in mail.outbox]  # the eleventh request sent nothing
        assert request_code(Client(REMOTE_ADDR="198.51.100.20"), reader.email).status_code == 302
        assert mail.outbox[-1].to == [reader.email]


class TestSanctionsHold:
    def test_a_banned_reader_logging_in_by_code_still_cannot_comment(self, client, post):
        banned = UserFactory(banned_at=timezone.now())
        request_code(client, banned.email)
        client.post(reverse("account_confirm_login_code"), {"code": code_in(mail.outbox[0])})
        assert int(client.session["_auth_user_id"]) == banned.pk
        response = client.post(
            reverse("comments:create", args=[post.pk]), {"body": "Me revoilà.", "submission_key": uuid.uuid4()}
        )
        assert response.status_code == 403
        assert not Comment.objects.exists()
