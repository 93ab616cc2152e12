import pytest
from django.contrib.auth.models import AnonymousUser

from comments.models import Comment
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


class TestBodyHtml:
    def test_body_html_is_made_at_write_time(self, post):
        comment = CommentFactory(post=post, body="Lien : https://example.org <b>x</b>")
        stored = Comment.objects.get(pk=comment.pk)
        assert 'rel="nofollow ugc noopener"' in stored.body_html
        assert "&lt;b&gt;" in stored.body_html
