import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from blog.models import Post
from comments.models import Comment, ModerationEvent
from comments.services import (
    CommentNotAllowed,
    comment_approve,
    comment_mark_spam,
    comment_reject,
    comment_submit,
)
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestCommentSubmit:
    def test_new_comment_is_pending_with_a_submitted_event(self, post, reader):
        comment = comment_submit(post=post, author=reader, body="  Très juste.  ")
        assert comment.status == Comment.Status.PENDING
        assert comment.body == "Très juste."
        event = comment.events.get()
        assert event.action == ModerationEvent.Action.SUBMITTED
        assert event.actor == reader
        assert "modération" in event.reason

    def test_anonymous_reader_is_refused(self, post):
        with pytest.raises(CommentNotAllowed):
            comment_submit(post=post, author=AnonymousUser(), body="Bonjour")
        assert not Comment.objects.exists()

    def test_unverified_reader_is_refused_by_the_service_itself(self, post, unverified_reader):
        with pytest.raises(CommentNotAllowed, match="Confirmez votre adresse"):
            comment_submit(post=post, author=unverified_reader, body="Bonjour")
        assert not Comment.objects.exists()

    def test_inactive_account_is_refused(self, post):
        with pytest.raises(CommentNotAllowed):
            comment_submit(post=post, author=UserFactory(is_active=False), body="Bonjour")

    def test_closed_post_is_refused(self, reader):
        closed = PostFactory(comments_open=False)
        with pytest.raises(CommentNotAllowed, match="fermés"):
            comment_submit(post=closed, author=reader, body="Bonjour")

    def test_draft_post_is_refused(self, reader):
        draft = PostFactory(status=Post.Status.DRAFT)
        with pytest.raises(CommentNotAllowed):
            comment_submit(post=draft, author=reader, body="Bonjour")

    def test_blank_body_is_refused(self, post, reader):
        with pytest.raises(ValidationError):
            comment_submit(post=post, author=reader, body="   \n ")

    def test_same_submission_key_stores_one_comment(self, post, reader):
        key = uuid.uuid4()
        first = comment_submit(post=post, author=reader, body="Une fois", submission_key=key)
        second = comment_submit(post=post, author=reader, body="Une fois", submission_key=key)
        assert first.pk == second.pk
        assert Comment.objects.count() == 1

    def test_same_key_from_another_author_is_another_comment(self, post, reader):
        key = uuid.uuid4()
        comment_submit(post=post, author=reader, body="A", submission_key=key)
        comment_submit(post=post, author=UserFactory(), body="B", submission_key=key)
        assert Comment.objects.count() == 2


class TestDecisions:
    @pytest.mark.parametrize(
        ("service", "status", "action"),
        [
            (comment_approve, Comment.Status.APPROVED, ModerationEvent.Action.APPROVED),
            (comment_reject, Comment.Status.REJECTED, ModerationEvent.Action.REJECTED),
            (comment_mark_spam, Comment.Status.SPAM, ModerationEvent.Action.SPAM),
        ],
    )
    def test_decision_records_status_who_when_and_history(self, pending_comment, moderator, service, status, action):
        decided = service(comment=pending_comment, moderator=moderator, reason="motif")
        decided.refresh_from_db()
        assert decided.status == status
        assert decided.moderated_by == moderator
        assert decided.moderated_at is not None
        last = decided.events.last()
        assert (last.action, last.actor, last.reason) == (action, moderator, "motif")

    @pytest.mark.parametrize("service", [comment_approve, comment_reject, comment_mark_spam])
    def test_a_reader_cannot_moderate(self, pending_comment, reader, service):
        with pytest.raises(PermissionDenied):
            service(comment=pending_comment, moderator=reader)
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING

    def test_staff_without_the_moderation_permission_cannot_moderate(self, pending_comment):
        staff = UserFactory(is_staff=True)
        with pytest.raises(PermissionDenied):
            comment_approve(comment=pending_comment, moderator=staff)

    def test_approval_updates_the_posts_approved_count(self, pending_comment, moderator):
        post = pending_comment.post
        comment_approve(comment=pending_comment, moderator=moderator)
        post.refresh_from_db()
        assert post.approved_comment_count == 1
        comment_reject(comment=pending_comment, moderator=moderator)
        post.refresh_from_db()
        assert post.approved_comment_count == 0
