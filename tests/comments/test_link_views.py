import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from comments.links import moderation_url, unsubscribe_url
from comments.models import Comment, ModerationEvent, UsedModerationLink
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return urlsplit(url).path


def link(comment, moderator, action="approve") -> str:
    return path_of(moderation_url(comment=comment, moderator=moderator, action=action))


def decisions(comment):
    return comment.events.exclude(action=ModerationEvent.Action.SUBMITTED)


def tampered(path: str) -> str:
    """The same path with one character of the token changed."""
    token = path.rstrip("/").rsplit("/", 1)[1]
    position = len(token) // 2
    flipped = "B" if token[position] != "B" else "C"
    return path.replace(token, token[:position] + flipped + token[position + 1 :])


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def post_with_csrf(client, path, data=None):
    """What a browser does: open the page, then send its form with the CSRF token."""
    page = client.get(path)
    assert page.status_code == 200
    token = client.cookies["csrftoken"].value
    return client.post(path, {"csrfmiddlewaretoken": token, **(data or {})})


class TestModerationLinkConfirmation:
    def test_get_shows_the_comment_and_changes_nothing(self, client, moderator, pending_comment):
        path = link(pending_comment, moderator)

        response = client.get(path)

        assert response.status_code == 200
        content = response.content.decode()
        assert "Mon avis, en attente." in content
        assert "Les banques et les réseaux sociaux" in content
        assert "Claire Lectrice" in content
        assert ">Approuver</button>" in content
        assert "csrfmiddlewaretoken" in content
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING
        assert not decisions(pending_comment).exists()
        assert not UsedModerationLink.objects.exists()

    def test_the_reject_page_offers_a_reason_and_the_spam_page_its_button(self, client, moderator, pending_comment):
        reject = client.get(link(pending_comment, moderator, "reject")).content.decode()
        spam = client.get(link(pending_comment, moderator, "spam")).content.decode()

        assert '<textarea name="reason"' in reject and ">Refuser</button>" in reject
        assert ">Marquer comme indésirable</button>" in spam and "<textarea" not in spam

    def test_hold_reasons_are_shown(self, client, moderator, post, reader):
        comment = CommentFactory(
            post=post, author=reader, hold_reasons=[{"code": "blocked_word", "params": {"word": "casino"}}]
        )

        assert "mot bloqué : casino" in client.get(link(comment, moderator)).content.decode()


class TestModerationLinkDecision:
    def test_post_approves_as_the_moderator_the_link_was_sent_to(self, csrf_client, moderator, pending_comment):
        response = post_with_csrf(csrf_client, link(pending_comment, moderator))

        assert response.status_code == 200
        assert "Commentaire approuvé" in response.content.decode()
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.APPROVED
        assert pending_comment.moderated_by == moderator
        [event] = decisions(pending_comment)
        assert (event.action, event.actor) == (ModerationEvent.Action.APPROVED, moderator)
        assert UsedModerationLink.objects.count() == 1

    def test_post_rejects_with_the_reason_given(self, client, moderator, pending_comment):
        response = client.post(link(pending_comment, moderator, "reject"), {"reason": "Hors sujet."})

        assert response.status_code == 200
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.REJECTED
        assert pending_comment.decision_reason == "Hors sujet."

    def test_post_marks_spam(self, client, moderator, pending_comment):
        client.post(link(pending_comment, moderator, "spam"))

        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.SPAM

    def test_a_used_link_cannot_act_again(self, client, moderator, pending_comment):
        path = link(pending_comment, moderator, "reject")
        assert client.post(path).status_code == 200

        again = client.post(path)
        reopened = client.get(path)

        assert again.status_code == 410
        assert "Lien déjà utilisé" in again.content.decode()
        assert reopened.status_code == 410
        assert decisions(pending_comment).count() == 1

    def test_another_link_for_a_comment_already_decided_changes_nothing(self, client, moderator, pending_comment):
        approve, spam = link(pending_comment, moderator, "approve"), link(pending_comment, moderator, "spam")
        client.post(approve)

        response = client.post(spam)

        assert response.status_code == 409
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.APPROVED
        assert UsedModerationLink.objects.count() == 1

    def test_a_forged_post_without_csrf_token_is_refused(self, csrf_client, moderator, pending_comment):
        response = csrf_client.post(link(pending_comment, moderator))

        assert response.status_code == 403
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING
        assert not UsedModerationLink.objects.exists()


class TestBadModerationLinks:
    def test_an_altered_token_is_refused(self, client, moderator, pending_comment):
        path = tampered(link(pending_comment, moderator))

        get, post = client.get(path), client.post(path)

        assert get.status_code == post.status_code == 400
        assert "Lien de modération invalide" in post.content.decode()
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING

    def test_a_token_signed_for_another_purpose_is_refused(self, client, pending_comment):
        token = path_of(unsubscribe_url(pending_comment)).rstrip("/").rsplit("/", 1)[1]

        assert client.get(f"/commentaires/moderation/{token}/").status_code == 400

    def test_an_expired_link_is_refused(self, client, settings, monkeypatch, moderator, pending_comment):
        settings.COMMENTS_MODERATION_LINK_MAX_AGE_HOURS = 2
        now = time.time()
        with monkeypatch.context() as patched:
            patched.setattr(time, "time", lambda: now - 2 * 3600 - 60)  # signed two hours and a minute ago
            expired = link(pending_comment, moderator)
            patched.setattr(time, "time", lambda: now - 2 * 3600 + 60)  # a minute before it would expire
            fresh = link(pending_comment, moderator)

        response = client.post(expired)

        assert response.status_code == 410
        assert "administration" in response.content.decode()
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING
        assert client.post(fresh).status_code == 200

    def test_a_moderator_who_lost_the_right_gets_403_and_nothing_changes(self, client, moderator, pending_comment):
        path = link(pending_comment, moderator)
        moderator.groups.remove(Group.objects.get(name="Modérateurs"))

        get, post = client.get(path), client.post(path)

        assert get.status_code == post.status_code == 403
        assert "ne peut plus modérer" in post.content.decode()
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING
        assert not decisions(pending_comment).exists()
        assert not UsedModerationLink.objects.exists()

    def test_a_deactivated_moderator_gets_403(self, client, moderator, pending_comment):
        path = link(pending_comment, moderator)
        type(moderator).objects.filter(pk=moderator.pk).update(is_active=False)

        assert client.post(path).status_code == 403
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING

    def test_an_unknown_comment_is_404(self, client, moderator, pending_comment):
        path = link(pending_comment, moderator)
        Comment.objects.filter(pk=pending_comment.pk).delete()

        assert client.get(path).status_code == 404


@pytest.fixture
def subscribed(post, reader):
    return CommentFactory(post=post, author=reader, status=Comment.Status.APPROVED, notify_replies=True)


def notify_replies(comment) -> bool:
    comment.refresh_from_db()
    return comment.notify_replies


class TestUnsubscribe:
    def test_get_asks_and_changes_nothing(self, client, subscribed):
        response = client.get(path_of(unsubscribe_url(subscribed)))

        assert response.status_code == 200
        assert ">Confirmer</button>" in response.content.decode()
        assert notify_replies(subscribed) is True

    def test_the_confirmation_unsubscribes_and_can_be_repeated(self, csrf_client, subscribed):
        path = path_of(unsubscribe_url(subscribed))

        first = post_with_csrf(csrf_client, path)
        second = post_with_csrf(csrf_client, path)

        assert first.status_code == second.status_code == 200
        assert "Vous ne recevrez plus" in first.content.decode()
        assert notify_replies(subscribed) is False

    def test_one_click_unsubscribe_from_the_mail_client(self, csrf_client, subscribed):
        response = csrf_client.post(path_of(unsubscribe_url(subscribed)), {"List-Unsubscribe": "One-Click"})

        assert response.status_code == 200
        assert notify_replies(subscribed) is False

    def test_any_other_post_still_needs_the_csrf_token(self, csrf_client, subscribed):
        path = path_of(unsubscribe_url(subscribed))

        other_body = csrf_client.post(path, {"List-Unsubscribe": "One-Click", "extra": "1"})
        empty_body = csrf_client.post(path)

        assert other_body.status_code == empty_body.status_code == 403
        assert notify_replies(subscribed) is True

    def test_an_altered_token_is_refused(self, client, subscribed):
        response = client.post(tampered(path_of(unsubscribe_url(subscribed))))

        assert response.status_code == 400
        assert notify_replies(subscribed) is True

    def test_the_token_only_unsubscribes_its_own_comment(self, client, subscribed, post, reader):
        other = CommentFactory(post=post, author=reader, status=Comment.Status.APPROVED, notify_replies=True)

        client.post(path_of(unsubscribe_url(subscribed)))

        assert notify_replies(subscribed) is False
        assert notify_replies(other) is True
