"""accounts/sanctions.py: the sanction panel, its POST and the wording both admin pages share."""

from datetime import timedelta

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.utils import timezone

from accounts import sanctions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def request_by(user, method="get", data=None, path="/admin/accounts/user/1/change/"):
    request = getattr(RequestFactory(), method)(path, data or {})
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def messages_of(request):
    return [str(m) for m in request._messages]


class TestSanctionState:
    def test_good_standing_banned_and_suspended(self, reader):
        assert sanctions.sanction_state(reader) == ""
        reader.suspended_until = timezone.now() + timedelta(days=3)
        assert sanctions.sanction_state(reader).startswith("Suspendu jusqu’au ")
        reader.banned_at = timezone.now()
        assert sanctions.sanction_state(reader).startswith("Banni le ")  # a ban outranks a suspension

    def test_a_past_suspension_is_no_sanction(self, reader):
        reader.suspended_until = timezone.now() - timedelta(minutes=1)
        assert sanctions.sanction_state(reader) == ""


class TestPanel:
    def test_a_moderator_gets_the_buttons_and_where_to_come_back(self, moderator, reader):
        panel = sanctions.panel(request_by(moderator), reader, url="/sanction/")

        assert panel["url"] == "/sanction/"
        assert panel["next"] == "/admin/accounts/user/1/change/"
        assert list(panel["choices"]) == ["suspend_1", "suspend_7", "suspend_30", "ban", "lift"]
        assert not panel["protected"]

    def test_a_team_account_is_protected(self, moderator):
        assert sanctions.panel(request_by(moderator), UserFactory(is_staff=True), url="/s/")["protected"]

    def test_no_panel_without_the_permission(self, reader):
        assert sanctions.panel(request_by(UserFactory(is_staff=True)), reader, url="/s/") is None


class TestApplyPosted:
    def test_suspend_says_until_when_and_goes_back(self, moderator, reader):
        request = request_by(moderator, "post", {"sanction": "suspend_7", "reason": "insultes", "next": "/retour/"})

        response = sanctions.apply_posted(request, reader, back="/ailleurs/")

        assert response["Location"] == "/retour/"
        reader.refresh_from_db()
        assert reader.is_suspended()
        assert any(m.startswith("Claire Lectrice est suspendu jusqu’au ") for m in messages_of(request))

    def test_a_foreign_next_goes_back_to_the_default(self, moderator, reader):
        request = request_by(moderator, "post", {"sanction": "ban", "next": "https://ailleurs.example/"})

        assert sanctions.apply_posted(request, reader, back="/admin/")["Location"] == "/admin/"
        reader.refresh_from_db()
        assert reader.is_banned

    def test_a_refusal_of_the_service_is_told_and_changes_nothing(self, reader):
        request = request_by(UserFactory(is_staff=True), "post", {"sanction": "ban"})

        sanctions.apply_posted(request, reader, back="/admin/")

        reader.refresh_from_db()
        assert not reader.is_banned
        assert messages_of(request) == ["Vous n’avez pas le droit de sanctionner un compte."]
