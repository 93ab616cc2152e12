import os
import uuid
from datetime import timedelta

import pytest
import redis
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, HoldReason, KnownDomain, ModerationEvent
from comments.services import (
    CommentAlreadyDecided,
    CommentNotAllowed,
    CommentRateLimited,
    comment_approve,
    comment_approve_and_trust,
    comment_delete,
    comment_edit,
    comment_mark_spam,
    comment_reject,
    comment_report,
    comment_submit,
)
from tests.factories import CommentFactory, ModeratorFactory, PostFactory, UserFactory

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


class TestRefusals:
    def test_banned_author_is_refused(self, post, reader):
        reader.banned_at = timezone.now()
        reader.save()
        with pytest.raises(CommentNotAllowed, match="plus autorisé"):
            comment_submit(post=post, author=reader, body="Bonjour")

    def test_suspended_author_is_refused_until_the_date(self, post, reader):
        reader.suspended_until = timezone.now() + timedelta(days=2)
        reader.save()
        with pytest.raises(CommentNotAllowed, match="suspendu jusqu’au"):
            comment_submit(post=post, author=reader, body="Bonjour")
        reader.suspended_until = timezone.now() - timedelta(minutes=1)
        reader.save()
        assert comment_submit(post=post, author=reader, body="Bonjour").pk

    def test_comments_close_n_days_after_publication(self, reader, settings):
        settings.COMMENTS_CLOSE_AFTER_DAYS = 30
        old = PostFactory(published_at=timezone.now() - timedelta(days=31))
        recent = PostFactory(published_at=timezone.now() - timedelta(days=29))
        with pytest.raises(CommentNotAllowed, match="se ferment 30 jours après"):
            comment_submit(post=old, author=reader, body="Bonjour")
        assert comment_submit(post=recent, author=reader, body="Bonjour").pk


class TestRateLimit:
    def test_per_minute_limit_counts_in_the_cache(self, post, reader, settings):
        settings.COMMENTS_RATE_PER_MINUTE = 2
        comment_submit(post=post, author=reader, body="Un")
        comment_submit(post=post, author=reader, body="Deux")
        with pytest.raises(CommentRateLimited, match="2 par minute"):
            comment_submit(post=post, author=reader, body="Trois")
        assert Comment.objects.count() == 2

    def test_the_limit_is_per_author(self, post, reader, settings):
        settings.COMMENTS_RATE_PER_MINUTE = 1
        comment_submit(post=post, author=reader, body="Un")
        assert comment_submit(post=post, author=UserFactory(), body="Un").pk

    def test_moderators_answer_readers_one_after_the_other(self, post, moderator, settings):
        settings.COMMENTS_RATE_PER_MINUTE = 1
        for n in range(4):  # from the desk, `e` on one card after the other
            assert comment_submit(post=post, author=moderator, body=f"Réponse {n}").is_approved

    def test_staff_without_the_moderation_permission_are_limited(self, post, settings):
        settings.COMMENTS_RATE_PER_MINUTE = 1
        staff = UserFactory(is_staff=True)
        comment_submit(post=post, author=staff, body="Un")
        with pytest.raises(CommentRateLimited):
            comment_submit(post=post, author=staff, body="Deux")

    def test_a_resubmitted_form_does_not_count_twice(self, post, reader, settings):
        settings.COMMENTS_RATE_PER_MINUTE = 1
        key = uuid.uuid4()
        comment_submit(post=post, author=reader, body="Un", submission_key=key)
        assert comment_submit(post=post, author=reader, body="Un", submission_key=key).pk


class TestRateLimitOnRedis:
    """The same limits counted with one pipelined round trip, on a real Redis (skipped without one)."""

    @pytest.fixture
    def redis_cache(self, settings):
        from django.core.cache import caches

        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12"),
                "KEY_PREFIX": f"test-perf-{uuid.uuid4().hex[:8]}",
            },
        }
        backend = caches["default"]
        try:
            backend.set("ping", 1)
        except Exception:  # noqa: BLE001 — no Redis here
            pytest.skip("no Redis server")
        yield backend
        backend.clear()

    def test_limit_and_expiry(self, post, reader, settings, redis_cache):
        settings.COMMENTS_RATE_PER_MINUTE = 2
        comment_submit(post=post, author=reader, body="Un")
        comment_submit(post=post, author=reader, body="Deux")
        with pytest.raises(CommentRateLimited, match="2 par minute"):
            comment_submit(post=post, author=reader, body="Trois")
        client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
        keys = client.keys(f"{redis_cache.key_prefix}*rate:comment:{reader.pk}:*")
        assert len(keys) == 2
        assert all(0 < client.ttl(key) <= 3605 for key in keys)
        assert sorted(int(client.get(key)) for key in keys) == [3, 3]
        assert comment_submit(post=post, author=UserFactory(), body="Un").pk  # per author


class TestTaskQueuedWithTheComment:
    def test_database_tasks_commit_with_the_comment(self, post, reader, settings, django_capture_on_commit_callbacks):
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        settings.COMMENTS_MODERATOR_NOTIFICATIONS = "each"
        from django_tasks_db.models import DBTaskResult

        with django_capture_on_commit_callbacks() as callbacks:
            comment = comment_submit(post=post, author=reader, body="Bonjour")
        assert not callbacks  # queued inside the comment's transaction
        assert DBTaskResult.objects.filter(args_kwargs__kwargs__comment_id=comment.pk).exists()


class TestHoneypotAndReasons:
    def test_honeypot_stores_spam_quietly(self, post, reader):
        comment = comment_submit(post=post, author=reader, body="Achetez", honeypot=True)
        assert comment.status == Comment.Status.SPAM
        assert comment.hold_reasons.get().code == "honeypot"

    def test_reasons_are_stored_with_the_comment(self, post, reader):
        comment = comment_submit(post=post, author=reader, body="IBAN FR1420041010050500013M02606")
        assert ("iban", "IBAN détecté") in [(r.code, r.message) for r in comment.hold_reasons.all()]

    def test_personal_data_is_masked_for_readers_even_after_approval(self, post, reader, moderator):
        comment = comment_submit(post=post, author=reader, body="IBAN FR1420041010050500013M02606")
        approved = comment_approve(comment=comment, moderator=moderator)
        assert "FR14 **** … 2606" in approved.body_html
        assert "20041010050500013" not in approved.body_html

    def test_moderator_may_approve_unmasked_on_purpose(self, post, reader, moderator):
        comment = comment_submit(post=post, author=reader, body="IBAN FR1420041010050500013M02606")
        approved = comment_approve(comment=comment, moderator=moderator, unmasked=True)
        assert "FR1420041010050500013M02606" in approved.body_html


class TestTrust:
    @pytest.fixture(autouse=True)
    def _room_to_comment(self, settings):
        settings.COMMENTS_RATE_PER_MINUTE = 100

    def test_trust_mode_publishes_after_three_approvals(self, post, reader, moderator, settings):
        settings.COMMENTS_MODERATION_MODE = "trust"
        for i in range(3):
            comment_approve(comment=comment_submit(post=post, author=reader, body=f"Avis {i}"), moderator=moderator)
        fourth = comment_submit(post=post, author=reader, body="Quatrième avis")
        assert fourth.status == Comment.Status.APPROVED
        post.refresh_from_db()
        assert post.approved_comment_count == 4

    @pytest.mark.parametrize(("mode", "counts"), [("hold_all", 0), ("trust", 1)])
    def test_approvals_are_counted_only_where_the_mode_reads_them(
        self, post, reader, settings, mode, counts, django_assert_max_num_queries
    ):
        settings.COMMENTS_MODERATION_MODE = mode
        CommentFactory(author=reader, status=Comment.Status.APPROVED)  # one approval: not yet trusted
        with django_assert_max_num_queries(12) as captured:
            comment = comment_submit(post=post, author=reader, body="Un avis de plus")
        assert comment.is_pending
        assert sum("COUNT(" in query["sql"] for query in captured) == counts

    def test_a_rejection_takes_the_trust_away(self, post, reader, moderator, settings):
        settings.COMMENTS_MODERATION_MODE = "trust"
        for i in range(3):
            comment_approve(comment=comment_submit(post=post, author=reader, body=f"Avis {i}"), moderator=moderator)
        comment_reject(comment=comment_submit(post=post, author=UserFactory(), body="x"), moderator=moderator)
        assert comment_submit(post=post, author=reader, body="Encore").status == Comment.Status.APPROVED
        bad = Comment.objects.filter(author=reader).first()
        comment_mark_spam(comment=bad, moderator=moderator)
        assert comment_submit(post=post, author=reader, body="Après le spam").status == Comment.Status.PENDING

    def test_approve_and_trust_then_reject_withdraws(self, post, reader, moderator, settings):
        settings.COMMENTS_MODERATION_MODE = "trust"
        comment_approve_and_trust(comment=comment_submit(post=post, author=reader, body="Un"), moderator=moderator)
        reader.refresh_from_db()
        assert reader.trusted
        assert comment_submit(post=post, author=reader, body="Deux").status == Comment.Status.APPROVED
        comment_reject(
            comment=comment_submit(post=post, author=reader, body="https://inconnu.example"), moderator=moderator
        )
        reader.refresh_from_db()
        assert not reader.trusted

    def test_approval_makes_link_domains_known(self, post, reader, moderator):
        comment = comment_submit(post=post, author=reader, body="Voir https://nouveau.example/page")
        assert any(r.code == "unknown_domain" for r in comment.hold_reasons.all())
        comment_approve(comment=comment, moderator=moderator)
        later = comment_submit(post=post, author=UserFactory(), body="Aussi https://nouveau.example/autre")
        assert not any(r.code == "unknown_domain" for r in later.hold_reasons.all())


class TestReplies:
    def test_reply_to_an_approved_comment(self, post, reader, moderator):
        parent = comment_approve(comment=comment_submit(post=post, author=reader, body="Parent"), moderator=moderator)
        reply = comment_submit(post=post, author=UserFactory(), body="Réponse", parent_id=parent.pk)
        assert (reply.parent, reply.depth) == (parent, 1)

    def test_no_reply_to_a_pending_comment(self, post, reader, pending_comment):
        with pytest.raises(ValidationError):
            comment_submit(post=post, author=UserFactory(), body="Réponse", parent_id=pending_comment.pk)

    def test_depth_is_limited(self, post, reader, moderator, settings):
        settings.COMMENTS_MAX_DEPTH = 2
        root = comment_approve(comment=comment_submit(post=post, author=reader, body="0"), moderator=moderator)
        child = comment_approve(
            comment=comment_submit(post=post, author=UserFactory(), body="1", parent_id=root.pk), moderator=moderator
        )
        with pytest.raises(ValidationError, match="profondeur"):
            comment_submit(post=post, author=UserFactory(), body="2", parent_id=child.pk)

    def test_no_reply_across_posts(self, reader, moderator):
        parent = comment_approve(comment=CommentFactory(), moderator=moderator)
        with pytest.raises(ValidationError):
            comment_submit(post=PostFactory(), author=reader, body="x", parent_id=parent.pk)


class TestEdit:
    def test_pending_comment_is_updated_in_place(self, pending_comment, reader):
        edited = comment_edit(comment=pending_comment, author=reader, body="Texte corrigé")
        assert (edited.body, edited.pending_body, edited.status) == ("Texte corrigé", "", Comment.Status.PENDING)
        assert edited.events.filter(action=ModerationEvent.Action.EDITED).exists()

    def test_approved_comment_keeps_its_text_until_the_edit_is_approved(self, pending_comment, reader, moderator):
        comment_approve(comment=pending_comment, moderator=moderator)
        edited = comment_edit(comment=pending_comment, author=reader, body="Nouvelle version")
        assert (edited.status, edited.body, edited.pending_body) == (
            Comment.Status.APPROVED,
            "Mon avis, en attente.",
            "Nouvelle version",
        )
        approved = comment_approve(comment=edited, moderator=moderator)
        assert (approved.body, approved.pending_body) == ("Nouvelle version", "")

    def test_rejecting_an_edit_keeps_the_published_text(self, pending_comment, reader, moderator):
        comment_approve(comment=pending_comment, moderator=moderator)
        comment_edit(comment=pending_comment, author=reader, body="Version injurieuse")
        decided = comment_reject(comment=pending_comment, moderator=moderator, reason="Propos injurieux")
        assert (decided.status, decided.body, decided.pending_body) == (
            Comment.Status.APPROVED,
            "Mon avis, en attente.",
            "",
        )

    def test_only_the_author_within_the_window(self, pending_comment, reader, settings):
        with pytest.raises(PermissionDenied):
            comment_edit(comment=pending_comment, author=UserFactory(), body="Pirate")
        Comment.objects.filter(pk=pending_comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
        pending_comment.refresh_from_db()
        with pytest.raises(PermissionDenied, match="15 minutes"):
            comment_edit(comment=pending_comment, author=reader, body="Trop tard")

    def test_a_one_minute_window_is_said_in_the_singular(self, pending_comment, reader, settings):
        settings.COMMENTS_EDIT_MINUTES = 1
        Comment.objects.filter(pk=pending_comment.pk).update(created_at=timezone.now() - timedelta(minutes=2))
        pending_comment.refresh_from_db()
        with pytest.raises(PermissionDenied, match="pendant 1 minute après"):
            comment_edit(comment=pending_comment, author=reader, body="Trop tard")


class TestDelete:
    def test_delete_without_replies_removes_the_row(self, pending_comment, reader):
        assert comment_delete(comment=pending_comment, author=reader) is None
        assert not Comment.objects.exists()

    def test_delete_with_replies_leaves_a_placeholder(self, post, reader, moderator):
        parent = comment_approve(comment=comment_submit(post=post, author=reader, body="Parent"), moderator=moderator)
        comment_approve(
            comment=comment_submit(post=post, author=UserFactory(), body="Réponse", parent_id=parent.pk),
            moderator=moderator,
        )
        removed = comment_delete(comment=parent, author=reader)
        assert removed.is_removed and removed.body == ""
        post.refresh_from_db()
        assert post.approved_comment_count == 1

    def test_only_the_author_deletes(self, pending_comment):
        with pytest.raises(PermissionDenied):
            comment_delete(comment=pending_comment, author=UserFactory())
        assert Comment.objects.exists()


class TestReport:
    def test_report_once_each(self, pending_comment, moderator):
        pending_comment = comment_approve(comment=pending_comment, moderator=moderator)
        reporter = UserFactory()
        comment_report(comment=pending_comment, reporter=reporter, reason="Hors sujet")
        with pytest.raises(ValidationError, match="déjà signalé"):
            comment_report(comment=pending_comment, reporter=reporter)

    def test_unverified_or_author_cannot_report(self, pending_comment, reader, moderator):
        pending_comment = comment_approve(comment=pending_comment, moderator=moderator)
        with pytest.raises(PermissionDenied):
            comment_report(comment=pending_comment, reporter=UserFactory(verified=False))
        with pytest.raises(PermissionDenied):
            comment_report(comment=pending_comment, reporter=reader)

    def test_enough_reports_send_it_back_to_the_queue_hidden(self, pending_comment, moderator, settings):
        settings.COMMENTS_REPORT_THRESHOLD = 2
        pending_comment = comment_approve(comment=pending_comment, moderator=moderator)
        comment_report(comment=pending_comment, reporter=UserFactory())
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.APPROVED
        comment_report(comment=pending_comment, reporter=UserFactory())
        pending_comment.refresh_from_db()
        assert pending_comment.status == Comment.Status.PENDING
        reasons = [(r.code, r.params, r.message) for r in pending_comment.hold_reasons.all()]
        assert reasons == [("reported", {"count": 2}, "2 signalements de lecteurs")]
        assert not Comment.objects.visible_to(AnonymousUser()).exists()
        pending_comment.post.refresh_from_db()
        assert pending_comment.post.approved_comment_count == 0
        comment_approve(comment=pending_comment, moderator=moderator)
        assert not pending_comment.reports.filter(resolved_at__isnull=True).exists()


class TestDecidingTwice:
    @pytest.mark.parametrize("service", [comment_approve, comment_reject, comment_mark_spam])
    def test_second_identical_decision_changes_nothing(self, pending_comment, moderator, service):
        service(comment=pending_comment, moderator=moderator)
        service(comment=pending_comment, moderator=ModeratorFactory())
        pending_comment.refresh_from_db()
        assert pending_comment.moderated_by == moderator
        assert pending_comment.events.exclude(action=ModerationEvent.Action.SUBMITTED).count() == 1

    def test_refusing_an_edit_records_who_and_when(self, pending_comment, reader, moderator):
        comment_approve(comment=pending_comment, moderator=moderator)
        comment_edit(comment=pending_comment, author=reader, body="Autre version")
        other = ModeratorFactory()
        decided = comment_reject(comment=pending_comment, moderator=other, reason="Non")
        assert (decided.moderated_by, decided.decision_reason) == (other, "Non")


class TestTwoModerators:
    """A moderator decides what they saw (`expected`); a decision someone took since is said, never overwritten."""

    @pytest.mark.parametrize(
        ("first", "message"),
        [
            (comment_approve, "Déjà approuvé par Claire il y a 2 min."),
            (comment_reject, "Déjà refusé par Claire il y a 2 min."),
            (comment_mark_spam, "Déjà marqué indésirable par Claire il y a 2 min."),
        ],
    )
    def test_the_second_decision_changes_nothing_and_says_who_and_when(self, pending_comment, first, message):
        claire = ModeratorFactory(display_name="Claire")
        first(comment=pending_comment, moderator=claire, expected="pending")
        Comment.objects.filter(pk=pending_comment.pk).update(moderated_at=timezone.now() - timedelta(minutes=2))

        with pytest.raises(CommentAlreadyDecided, match=message) as raised:
            comment_reject(comment=pending_comment, moderator=ModeratorFactory(), expected="pending")

        assert raised.value.comment.moderated_by == claire
        assert pending_comment.events.exclude(action=ModerationEvent.Action.SUBMITTED).count() == 1

    def test_a_comment_the_author_removed_meanwhile_is_said_so(self, pending_comment, reader, moderator):
        comment_delete(comment=pending_comment, author=reader)
        with pytest.raises(Comment.DoesNotExist):
            comment_approve(comment=pending_comment, moderator=moderator, expected="pending")

    def test_an_edit_sent_since_is_not_approved_unseen(self, pending_comment, reader, moderator):
        comment_approve(comment=pending_comment, moderator=moderator, expected="pending")
        comment_edit(comment=pending_comment, author=reader, body="Une autre version")

        with pytest.raises(CommentAlreadyDecided, match="modification en attente"):
            comment_approve(comment=pending_comment, moderator=moderator, expected="approved")
        decided = comment_approve(comment=pending_comment, moderator=moderator, expected="edit")
        assert decided.body == "Une autre version"

    def test_approve_and_trust_checks_what_was_seen(self, pending_comment, moderator):
        comment_reject(comment=pending_comment, moderator=moderator)
        with pytest.raises(CommentAlreadyDecided):
            comment_approve_and_trust(comment=pending_comment, moderator=ModeratorFactory(), expected="pending")
        pending_comment.author.refresh_from_db()
        assert not pending_comment.author.trusted

    def test_what_was_seen_is_what_is_decided(self, pending_comment, moderator):
        decided = comment_reject(comment=pending_comment, moderator=moderator, expected="pending")
        assert decided.status == Comment.Status.REJECTED
        again = comment_approve(comment=decided, moderator=moderator, expected="rejected")
        assert again.status == Comment.Status.APPROVED


@pytest.mark.django_db(transaction=True)
class TestTwoModeratorsRacing:
    """Two moderators decide the same comment at the same instant: one decision, the other told (PostgreSQL's locks)."""

    def test_one_wins_the_other_is_told(self, post, reader):
        from concurrent.futures import ThreadPoolExecutor
        from threading import Barrier

        from django.db import connection, connections

        if connection.vendor != "postgresql":
            pytest.skip("SQLite serialises writers by locking the whole file: run with DATABASE_URL=postgres://…")
        comment = CommentFactory(post=post, author=reader)
        claire, marc = ModeratorFactory(display_name="Claire"), ModeratorFactory(display_name="Marc")
        start = Barrier(2)

        def decide(service, moderator):
            try:
                start.wait()
                service(comment=comment, moderator=moderator, expected="pending")
                return "decided"
            except CommentAlreadyDecided as told:
                return str(told)
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(decide, [comment_approve, comment_reject], [claire, marc]))

        assert outcomes.count("decided") == 1
        comment.refresh_from_db()
        told = next(outcome for outcome in outcomes if outcome != "decided")
        assert told.startswith("Déjà approuvé par Claire" if comment.is_approved else "Déjà refusé par Marc")
        decisions_written = comment.events.exclude(action=ModerationEvent.Action.SUBMITTED)
        assert decisions_written.count() == 1


class TestHoldReasons:
    """A comment's reasons, stored once as codes with their parameters, in indexed rows (the admin filters on them)."""

    @staticmethod
    def codes(comment):
        return set(HoldReason.objects.filter(comment=comment).values_list("code", flat=True))

    def test_submit_writes_a_row_per_code(self, post, reader):
        comment = comment_submit(
            post=post, author=reader, body="Voir https://a.example https://b.example https://c.example"
        )
        assert {"links", "unknown_domain"} <= self.codes(comment)
        stored = list(comment.hold_reasons.values_list("position", "code", "params"))
        assert stored[:4] == [
            (0, "links", {"count": 3, "limit": 2}),
            (1, "unknown_domain", {"domain": "a.example"}),
            (2, "unknown_domain", {"domain": "b.example"}),
            (3, "unknown_domain", {"domain": "c.example"}),
        ]

    def test_edit_replaces_the_rows(self, post, reader):
        comment = comment_submit(
            post=post, author=reader, body="Voir https://a.example https://b.example https://c.example"
        )
        comment_edit(comment=comment, author=reader, body="Plus de lien du tout")
        assert "links" not in self.codes(comment)
        assert "unknown_domain" not in self.codes(comment)
        positions = list(comment.hold_reasons.values_list("position", flat=True))
        assert positions == list(range(len(positions))) and positions

    def test_edit_of_a_published_comment_adds_edit(self, post, reader, moderator):
        comment = comment_approve(comment=comment_submit(post=post, author=reader, body="Bon"), moderator=moderator)
        assert self.codes(comment) == set()
        comment_edit(comment=comment, author=reader, body="Meilleur")
        assert "edit" in self.codes(comment)
        comment_reject(comment=comment, moderator=moderator)  # only the edit is refused
        assert self.codes(comment) == set()

    def test_approval_clears_the_rows(self, post, reader, moderator):
        comment = comment_submit(post=post, author=reader, body="Bonjour")
        assert self.codes(comment)
        comment_approve(comment=comment, moderator=moderator)
        assert self.codes(comment) == set()

    def test_requeue_after_reports_writes_reported(self, post, reader, moderator, settings):
        settings.COMMENTS_REPORT_THRESHOLD = 1
        comment = comment_approve(comment=comment_submit(post=post, author=reader, body="Bon"), moderator=moderator)
        comment_report(comment=comment, reporter=UserFactory())
        assert self.codes(comment) == {"reported"}


class TestSubmitCost:
    def test_known_parent_domain_is_found_without_reading_every_known_domain(self, post, reader, moderator):
        KnownDomain.objects.bulk_create([KnownDomain(domain=f"autre{i}.example") for i in range(50)])
        KnownDomain.objects.create(domain="www.connu.example")
        comment = comment_submit(post=post, author=reader, body="Voir https://blog.connu.example/page")
        assert not any(r.code == "unknown_domain" for r in comment.hold_reasons.all())
        other = comment_submit(post=post, author=UserFactory(), body="Voir https://inconnu.example")
        assert any(r.code == "unknown_domain" for r in other.hold_reasons.all())

    def test_submit_makes_a_fixed_number_of_queries(self, post, reader, django_assert_max_num_queries):
        for i in range(30):
            CommentFactory(post=post, author=reader, body=f"Ancien {i}")
        KnownDomain.objects.bulk_create([KnownDomain(domain=f"site{i}.example") for i in range(100)])
        with django_assert_max_num_queries(SUBMIT_BUDGET) as captured:
            comment_submit(post=post, author=reader, body="Un avis https://site3.example", submission_key=uuid.uuid4())
        print(f"\ncomment_submit: {len(captured)} queries")
        assert not any("comments_knowndomain" in q["sql"] and "IN (" not in q["sql"] for q in captured)


# The post and the author are given; the verified e-mail, what was sent before (the submission key and the
# recent comments at the place, one query), the author's record, the block list, the known domains of the
# links, the comment, its hold-reason rows, its history row, the e-mail task; and the transaction's savepoint.
SUBMIT_BUDGET = 10


class TestQueuedAt:
    """`queued_at`: when the comment entered the queue, or came back to it (the desk's ages count from it)."""

    def test_an_edit_and_a_requeue_put_it_back_at_the_end(self, pending_comment, reader, moderator, settings):
        settings.COMMENTS_REPORT_THRESHOLD = 1
        Comment.objects.filter(pk=pending_comment.pk).update(queued_at=timezone.now() - timedelta(days=3))
        approved = comment_approve(comment=pending_comment, moderator=moderator)
        comment_report(comment=approved, reporter=UserFactory())
        pending_comment.refresh_from_db()
        assert timezone.now() - pending_comment.queued_at < timedelta(minutes=1)

        Comment.objects.filter(pk=pending_comment.pk).update(queued_at=timezone.now() - timedelta(days=3))
        comment_edit(comment=pending_comment, author=reader, body="Nouvelle version")
        pending_comment.refresh_from_db()
        assert timezone.now() - pending_comment.queued_at < timedelta(minutes=1)


def service_event(service):
    return {
        comment_approve: ModerationEvent.Action.APPROVED,
        comment_reject: ModerationEvent.Action.REJECTED,
        comment_mark_spam: ModerationEvent.Action.SPAM,
    }[service]


class TestUndo:
    """`z` on the desk: one's own last decision, taken back within the minute, recorded as a reversal."""

    @pytest.mark.parametrize("service", [comment_approve, comment_reject, comment_mark_spam])
    def test_back_to_the_queue_with_both_rows_in_the_history(self, pending_comment, moderator, service):
        from comments.services import comment_undo_decision

        service(comment=pending_comment, moderator=moderator)
        undone = comment_undo_decision(comment=pending_comment, moderator=moderator)

        assert (undone.status, undone.moderated_by, undone.decision_reason) == (Comment.Status.PENDING, None, "")
        actions = list(undone.events.values_list("action", flat=True))
        assert actions == [service_event(service), ModerationEvent.Action.REVERTED]
        assert [reason.code for reason in undone.hold_reasons.all()] == ["undone"]
        undone.post.refresh_from_db()
        assert undone.post.approved_comment_count == 0

    def test_only_ones_own_and_only_within_the_minute(self, pending_comment, moderator):
        from comments.services import comment_undo_decision

        with pytest.raises(ValidationError, match="Rien à annuler"):
            comment_undo_decision(comment=pending_comment, moderator=moderator)
        comment_approve(comment=pending_comment, moderator=moderator)
        with pytest.raises(ValidationError, match="Rien à annuler"):
            comment_undo_decision(comment=pending_comment, moderator=ModeratorFactory())
        ModerationEvent.objects.filter(comment=pending_comment).update(created_at=timezone.now() - timedelta(minutes=2))
        with pytest.raises(ValidationError, match="Trop tard"):
            comment_undo_decision(comment=pending_comment, moderator=moderator)
        pending_comment.refresh_from_db()
        assert pending_comment.is_approved
