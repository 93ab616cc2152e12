"""The registry of moderation decisions tells the truth, and every place that offers a decision reads it."""

import inspect
from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from comments import decisions, services, tasks
from comments.admin_decide import DecisionForm
from comments.links import moderation_url, read_moderation_token
from comments.models import Comment, ModerationEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATUS_OF_EVENT = {
    ModerationEvent.Action.APPROVED: Comment.Status.APPROVED,
    ModerationEvent.Action.REJECTED: Comment.Status.REJECTED,
    ModerationEvent.Action.SPAM: Comment.Status.SPAM,
}
NAMES = [decision.name for decision in decisions.DECISIONS]


class TestRegistry:
    def test_names_are_unique_and_so_are_the_bulk_actions(self):
        assert len(set(NAMES)) == len(NAMES) == len(decisions.BY_NAME)
        bulk_names = [decision.bulk_name for decision in decisions.DECISIONS]
        assert len(set(bulk_names)) == len(bulk_names)

    @pytest.mark.parametrize("name", NAMES)
    def test_the_service_exists_and_accepts_what_the_decision_passes(self, name):
        decision = decisions.BY_NAME[name]
        parameters = inspect.signature(getattr(services, decision.service)).parameters
        passed = {"comment", "moderator", "expected", *decision.options, *(["reason"] if decision.takes_reason else [])}
        assert passed <= set(parameters)
        assert all(parameters[key].kind is inspect.Parameter.KEYWORD_ONLY for key in passed)

    @pytest.mark.parametrize("name", NAMES)
    def test_taking_a_decision_writes_the_event_it_declares(self, name, moderator, pending_comment):
        decision = decisions.BY_NAME[name]

        decided = decision.take(comment=pending_comment, moderator=moderator, reason="motif")

        assert decided.status == STATUS_OF_EVENT[decision.event]
        assert decided.events.filter(action=decision.event, actor=moderator).exists()
        if decision.takes_reason:
            assert decided.decision_reason == "motif"

    @pytest.mark.parametrize("name", NAMES)
    def test_the_permission_is_checked_for_every_decision(self, name, pending_comment):
        decision = decisions.BY_NAME[name]
        assert decision.permission == decisions.MODERATE_PERMISSION

        with pytest.raises(PermissionDenied):
            decision.take(comment=pending_comment, moderator=UserFactory(is_staff=True))
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING

    def test_the_refusals_are_the_decisions_that_do_not_approve(self):
        assert {d.name for d in decisions.DECISIONS if d.is_refusal} == {"reject", "spam"}


class TestTheAdminReadsTheRegistry:
    def test_every_decision_is_a_bulk_action_with_its_label(self, moderator):
        request = RequestFactory().get("/")
        request.user = moderator
        actions = admin.site.get_model_admin(Comment).get_actions(request)

        offered = {name: str(action.description) for name, action in actions.items()}
        assert offered == {d.bulk_name: str(d.bulk_label) for d in decisions.DECISIONS}

    def test_every_decision_can_be_posted_and_is_a_button_of_the_panel(self, client, moderator, pending_comment):
        assert [value for value, _label in DecisionForm.base_fields["decision"].choices] == NAMES
        client.force_login(moderator)
        html = client.get(reverse("admin:comments_comment_change", args=[pending_comment.pk])).content.decode()

        for decision in decisions.DECISIONS:
            assert f'name="decision" value="{decision.name}"' in html
            assert f">{decision.label}</button>" in html

    def test_the_rows_offer_the_row_decisions(self, client, moderator, pending_comment):
        client.force_login(moderator)
        html = client.get(reverse("admin:comments_comment_changelist")).content.decode()

        for decision in decisions.DECISIONS:
            assert (f'name="decision" value="{decision.name}"' in html) == decision.on_rows


class TestTheLinksReadTheRegistry:
    def test_the_e_mail_offers_one_link_per_link_decision(self, moderator, pending_comment, mailoutbox):
        tasks.send_held_comment_notice.call(comment_id=pending_comment.pk)

        [message] = mailoutbox
        links = [word for word in message.body.split() if "/moderation/" in word]
        actions = [read_moderation_token(urlsplit(url).path.split("/")[-2]).action for url in links]
        assert actions == list(decisions.BY_LINK)
        for decision in decisions.BY_LINK.values():
            assert f"{decision.link.button} :" in message.body

    def test_only_the_link_decisions_can_be_signed(self, moderator, pending_comment):
        for decision in decisions.DECISIONS:
            if decision.link is None:
                with pytest.raises(ValueError, match="Unknown moderation action"):
                    moderation_url(comment=pending_comment, moderator=moderator, action=decision.name)
            else:
                assert moderation_url(comment=pending_comment, moderator=moderator, action=decision.name)

    def test_a_decision_added_to_the_registry_works_by_link_with_nothing_else_changed(
        self, client, moderator, pending_comment, monkeypatch
    ):
        approve = decisions.BY_NAME["approve"]
        unmasked = decisions.BY_NAME["approve_unmasked"]
        added = replace(unmasked, link=replace(approve.link, title="Publier tel quel ?", button="Publier tel quel"))
        monkeypatch.setitem(decisions.BY_LINK, added.name, added)
        path = urlsplit(moderation_url(comment=pending_comment, moderator=moderator, action=added.name)).path

        page = client.get(path).content.decode()
        response = client.post(path)

        assert "Publier tel quel ?" in page and ">Publier tel quel</button>" in page
        assert response.status_code == 200
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.APPROVED
        assert pending_comment.show_unmasked


class TestTheTasksReadTheRegistry:
    def test_the_latest_decision_is_the_latest_of_the_registry_s_events(self, moderator, pending_comment):
        services.comment_reject(comment=pending_comment, moderator=moderator, reason="non")
        ModerationEvent.objects.create(comment=pending_comment, action=ModerationEvent.Action.REPORTED)

        assert tasks.latest_decision(pending_comment).action == ModerationEvent.Action.REJECTED
        assert set(decisions.EVENTS) < set(ModerationEvent.Action)  # a report or an edit is no decision

    def test_the_moderators_are_those_with_the_registry_s_permission(self, moderator):
        UserFactory(is_staff=True)

        assert list(tasks.moderators()) == [moderator]
