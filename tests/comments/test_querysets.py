import pytest
from django.contrib.auth.models import AnonymousUser

from comments.models import Comment, Report
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestVisibleTo:
    def test_pending_comment_is_visible_to_its_author_only(self, pending_comment, reader):
        other = UserFactory()
        assert list(Comment.objects.visible_to(reader)) == [pending_comment]
        assert list(Comment.objects.visible_to(other)) == []
        assert list(Comment.objects.visible_to(AnonymousUser())) == []

    def test_approved_comment_is_visible_to_everyone(self, post):
        approved = CommentFactory(post=post, status=Comment.Status.APPROVED)
        assert list(Comment.objects.visible_to(AnonymousUser())) == [approved]
        assert list(Comment.objects.visible_to(UserFactory())) == [approved]

    @pytest.mark.parametrize("status", [Comment.Status.REJECTED, Comment.Status.SPAM])
    def test_rejected_and_spam_are_visible_to_nobody(self, post, reader, status):
        CommentFactory(post=post, author=reader, status=status)
        assert not Comment.objects.visible_to(reader).exists()
        assert not Comment.objects.visible_to(AnonymousUser()).exists()

    def test_approved_and_pending_filters(self, post):
        approved = CommentFactory(post=post, status=Comment.Status.APPROVED)
        pending = CommentFactory(post=post)
        assert list(Comment.objects.approved()) == [approved]
        assert list(Comment.objects.pending()) == [pending]


class TestOwnRowsOn:
    def test_the_reader_s_pending_comments_and_the_comments_they_reported_by_date(self, post, reader):
        from datetime import timedelta

        from django.utils import timezone

        now = timezone.now()
        reported = CommentFactory(post=post, status=Comment.Status.APPROVED, created_at=now - timedelta(minutes=9))
        mine = CommentFactory(post=post, author=reader, created_at=now - timedelta(minutes=5))
        reply = CommentFactory(post=post, author=reader, parent=reported, depth=1, created_at=now)
        Report.objects.create(comment=reported, reporter=reader)
        # Not theirs to see here: another reader's pending comment, their own published or refused ones,
        # their pending comment on another post, a report by someone else.
        CommentFactory(post=post)
        CommentFactory(post=post, author=reader, status=Comment.Status.APPROVED)
        CommentFactory(post=post, author=reader, status=Comment.Status.REJECTED)
        CommentFactory(author=reader)
        Report.objects.create(comment=CommentFactory(post=post, status=Comment.Status.APPROVED), reporter=UserFactory())

        assert list(Comment.objects.own_rows_on(post, reader)) == [reported, mine, reply]
        assert list(Comment.objects.own_rows_on(post, UserFactory())) == []


class TestBodyHtml:
    def test_body_html_is_made_at_write_time(self, post):
        comment = CommentFactory(post=post, body="Lien : https://example.org <b>x</b>")
        stored = Comment.objects.get(pk=comment.pk)
        assert 'rel="nofollow ugc noopener"' in stored.body_html
        assert "&lt;b&gt;" in stored.body_html
