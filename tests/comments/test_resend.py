"""The same text sent again (Back, then Send): the earlier comment comes back, nothing new is stored."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from comments.moderation import Policy, is_resend
from comments.selectors import sent_before
from comments.services import comment_approve, comment_mark_spam, comment_reject, comment_submit
from tests.factories import CommentFactory, PostFactory, UserFactory

POLICY = Policy(resend_window=timedelta(minutes=10))


class TestIsResend:
    """The rule itself: plain values, no database."""

    def resend(self, body, *, earlier="Très juste, merci.", status="pending", minutes=2):
        return is_resend(
            body, earlier_body=earlier, earlier_status=status, earlier_age=timedelta(minutes=minutes), policy=POLICY
        )

    def test_the_same_text_soon_after_is_a_resend(self):
        assert self.resend("Très juste, merci.")

    def test_case_accents_punctuation_and_spaces_do_not_make_it_new(self):
        assert self.resend("  TRES juste   merci ")

    def test_another_text_is_new(self):
        assert not self.resend("Très juste, merci. Et aussi…")

    def test_after_the_window_it_is_new(self):
        assert self.resend("Très juste, merci.", minutes=10)
        assert not self.resend("Très juste, merci.", minutes=11)

    @pytest.mark.parametrize(
        ("status", "expected"), [("pending", True), ("approved", True), ("rejected", False), ("spam", False)]
    )
    def test_only_a_waiting_or_published_comment_is_sent_again(self, status, expected):
        assert self.resend("Très juste, merci.", status=status) is expected

    def test_the_window_is_a_setting(self, settings):
        settings.COMMENTS_RESEND_WINDOW_MINUTES = 3
        assert Policy.from_settings().resend_window == timedelta(minutes=3)


@pytest.mark.django_db
class TestCommentSubmitResend:
    def test_the_same_text_again_returns_the_first_comment_and_stores_nothing(self, post, reader):
        first = comment_submit(post=post, author=reader, body="Une idée à creuser.")
        again = comment_submit(post=post, author=reader, body="une idée à creuser", submission_key=None)
        assert again.pk == first.pk
        assert again.resent is True
        assert first.resent is False
        assert Comment.objects.count() == 1
        assert again.events.count() == 1  # no second « submitted » row

    def test_a_new_submission_key_does_not_make_it_new(self, post, reader):
        first = comment_submit(post=post, author=reader, body="Une idée à creuser.", submission_key=uuid.uuid4())
        again = comment_submit(post=post, author=reader, body="Une idée à creuser.", submission_key=uuid.uuid4())
        assert again.pk == first.pk
        assert Comment.objects.count() == 1

    def test_a_resend_does_not_count_against_the_rate_limit(self, post, reader, settings):
        settings.COMMENTS_RATE_PER_MINUTE = 1
        comment_submit(post=post, author=reader, body="Une fois.")
        for _ in range(3):
            assert comment_submit(post=post, author=reader, body="Une fois.").resent

    def test_a_published_comment_comes_back_too(self, post, reader, moderator):
        first = comment_approve(comment=comment_submit(post=post, author=reader, body="Bravo."), moderator=moderator)
        assert comment_submit(post=post, author=reader, body="Bravo.").pk == first.pk

    @pytest.mark.parametrize("decide", [comment_reject, comment_mark_spam])
    def test_after_a_refusal_the_text_is_a_new_comment_held_as_a_duplicate(self, post, reader, moderator, decide):
        decide(comment=comment_submit(post=post, author=reader, body="Bravo."), moderator=moderator)
        again = comment_submit(post=post, author=reader, body="Bravo.")
        assert not again.resent
        assert Comment.objects.count() == 2
        assert "duplicate" in {reason.code for reason in again.hold_reasons.all()}

    def test_after_the_window_the_text_is_a_new_comment(self, post, reader):
        first = comment_submit(post=post, author=reader, body="Bravo.")
        Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=11))
        assert comment_submit(post=post, author=reader, body="Bravo.").pk != first.pk

    def test_another_post_another_place_or_another_author_is_a_new_comment(self, post, reader, moderator):
        parent = comment_approve(comment=CommentFactory(post=post, author=UserFactory()), moderator=moderator)
        first = comment_submit(post=post, author=reader, body="Bravo.")
        assert comment_submit(post=PostFactory(), author=reader, body="Bravo.").pk != first.pk
        assert comment_submit(post=post, author=reader, body="Bravo.", parent_id=parent.pk).pk != first.pk
        assert comment_submit(post=post, author=UserFactory(), body="Bravo.").pk != first.pk
        assert Comment.objects.filter(body="Bravo.").count() == 4

    def test_a_removed_comment_is_not_sent_again(self, post, reader):
        first = comment_submit(post=post, author=reader, body="Bravo.")
        Comment.objects.filter(pk=first.pk).update(removed_at=timezone.now())
        assert comment_submit(post=post, author=reader, body="Bravo.").pk != first.pk

    def test_the_same_form_sent_again_finds_its_comment_behind_twenty_newer_ones(self, post, reader):
        """The key's comment is looked up in the same query as the recent ones at the place, and comes first."""
        key = uuid.uuid4()
        first = comment_submit(post=post, author=reader, body="Le premier.", submission_key=key)
        for i in range(25):  # newer, at the same place, within the window
            CommentFactory(post=post, author=reader, body=f"Un autre avis, le {i}e.", status=Comment.Status.PENDING)
        again = comment_submit(post=post, author=reader, body="Le premier, retouché.", submission_key=key)
        assert again.pk == first.pk
        assert again.resent is True
        assert Comment.objects.count() == 26

    def test_finding_what_was_sent_before_is_one_query(self, post, reader, django_assert_num_queries):
        for i in range(25):
            CommentFactory(post=post, author=reader, body=f"Avis {i}.", status=Comment.Status.PENDING)
        for key in (uuid.uuid4(), None):
            with django_assert_num_queries(1):
                found = sent_before(
                    reader, post=post, parent_id=None, body="Avis 20.", submission_key=key, policy=POLICY
                )
            assert found.body == "Avis 20."
