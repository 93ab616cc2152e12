import email.policy
from datetime import timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.tasks.signals import task_finished
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments import decisions, notifications, selectors, services, tasks
from comments.links import read_moderation_token
from comments.models import Comment
from tests.factories import CommentFactory, ModeratorFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

HELD = {"code": "links", "params": {"count": 3, "limit": 2}}  # « 3 liens (limite : 2) »


@pytest.fixture(autouse=True)
def _tasks_must_succeed():
    """The immediate backend swallows a task's exception; make a failing task fail the test."""
    failures = []

    def collect(sender, task_result, **kwargs):
        if task_result.status == "FAILED":
            failures.append(task_result.errors[-1].traceback)

    task_finished.connect(collect)
    yield
    task_finished.disconnect(collect)
    assert not failures, failures[0]


@pytest.fixture
def held_comment(post, reader):
    return CommentFactory(post=post, author=reader, body="Appelez le 06 12 34 56 78.", hold_reasons=[HELD])


def recipients(outbox):
    return sorted(address for message in outbox for address in message.to)


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def sent_to(outbox, user):
    return [message for message in outbox if message.to == [user.email]]


class TestHeldCommentNotice:
    def test_each_moderator_gets_one_mail_and_nobody_else(self, settings, moderator, held_comment, mailoutbox):
        settings.COMMENTS_MODERATOR_NOTIFICATIONS = "each"
        superuser = UserFactory(is_superuser=True, is_staff=True)
        direct = UserFactory()
        direct.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
        ModeratorFactory(is_active=False)
        UserFactory(is_staff=True)  # staff, but no moderation permission
        UserFactory(is_superuser=True, is_active=False)

        notifications.notify_comment_held(held_comment)

        assert recipients(mailoutbox) == sorted([moderator.email, superuser.email, direct.email])
        assert held_comment.author.email not in recipients(mailoutbox)

    def test_the_mail_leads_to_the_comments_card_on_the_desk(self, moderator, held_comment, mailoutbox):
        notifications.notify_comment_held(held_comment)
        desk = f"/admin/comments/comment/desk/#card-{held_comment.pk}"
        assert desk in mailoutbox[0].body
        assert desk in mailoutbox[0].alternatives[0][0]

    def test_the_mail_shows_post_author_text_reasons_and_three_links(
        self, settings, moderator, held_comment, mailoutbox
    ):
        notifications.notify_comment_held(held_comment)

        [message] = mailoutbox
        assert "Commentaire à modérer" in message.subject
        assert "Les banques et les réseaux sociaux" in message.subject
        assert "Claire Lectrice" in message.body
        assert "Appelez le 06 12 34 56 78." in message.body  # unmasked: it is for moderators
        assert "3 liens (limite : 2)" in message.body
        links = [word for word in message.body.split() if "/moderation/" in word]
        assert len(links) == 3
        decoded = [read_moderation_token(urlsplit(url).path.split("/")[-2]) for url in links]
        assert [link.action for link in decoded] == ["approve", "reject", "spam"]
        assert {link.moderator_id for link in decoded} == {moderator.pk}
        assert {link.comment_id for link in decoded} == {held_comment.pk}
        assert all(url.startswith(f"{settings.SITE_URL}/commentaires/moderation/") for url in links)

    def test_html_part_escapes_the_comment_text(self, moderator, post, reader, mailoutbox):
        comment = CommentFactory(post=post, author=reader, body="<script>alert('x')</script> & <b>gras</b>")

        notifications.notify_comment_held(comment)

        [message] = mailoutbox
        html = html_of(message)
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
        assert "&lt;b&gt;gras&lt;/b&gt;" in html
        assert "<script>alert('x')</script>" in message.body  # the text part is plain text

    @pytest.mark.parametrize("mode", ["digest", "off"])
    def test_digest_and_off_modes_send_nothing_now(self, settings, mode, moderator, held_comment, mailoutbox):
        settings.COMMENTS_MODERATOR_NOTIFICATIONS = mode

        notifications.notify_comment_held(held_comment)

        assert mailoutbox == []

    def test_a_comment_decided_before_the_worker_runs_is_not_announced(self, moderator, held_comment, mailoutbox):
        Comment.objects.filter(pk=held_comment.pk).update(status=Comment.Status.APPROVED)

        assert tasks.send_held_comment_notice.call(comment_id=held_comment.pk) == 0
        assert mailoutbox == []

    def test_an_edit_of_a_published_comment_shows_the_new_text(self, moderator, post, reader, mailoutbox):
        comment = CommentFactory(
            post=post, author=reader, status=Comment.Status.APPROVED, body="Ancien texte.", pending_body="Texte revu."
        )

        notifications.notify_comment_held(comment)

        [message] = mailoutbox
        assert "Modification à modérer" in message.subject
        assert "Texte revu." in message.body

    def test_the_service_notifies_after_commit(
        self, moderator, post, reader, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_submit(post=post, author=reader, body="Un avis mesuré sur les banques.")

        assert recipients(mailoutbox) == [moderator.email]


class TestLanguage:
    def test_french_by_default(self, moderator, held_comment, mailoutbox):
        notifications.notify_comment_held(held_comment)

        [message] = mailoutbox
        assert message.extra_headers["Content-Language"] == "fr"
        assert '<html lang="fr">' in html_of(message)
        assert "Bonjour" in message.body

    def test_english_for_a_user_who_chose_it(self, held_comment, mailoutbox):
        english = ModeratorFactory(language="en")
        french = ModeratorFactory(language="fr")

        notifications.notify_comment_held(held_comment)

        [to_english] = sent_to(mailoutbox, english)
        [to_french] = sent_to(mailoutbox, french)
        assert to_english.extra_headers["Content-Language"] == "en"
        assert '<html lang="en">' in html_of(to_english)
        assert '<html lang="fr">' in html_of(to_french)


class TestDecisionNotice:
    def test_approval_tells_the_author_with_a_link_to_the_comment(
        self, settings, moderator, pending_comment, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_approve(comment=pending_comment, moderator=moderator)

        [message] = sent_to(mailoutbox, pending_comment.author)
        assert "est publié" in message.subject
        url = f"{settings.SITE_URL}{pending_comment.post.get_absolute_url()}#comment-{pending_comment.pk}"
        assert url in message.body
        assert f'href="{url}"' in html_of(message)

    def test_refusal_tells_the_author_why(
        self, moderator, pending_comment, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_reject(comment=pending_comment, moderator=moderator, reason="Hors sujet & agressif")

        [message] = mailoutbox
        assert message.to == [pending_comment.author.email]
        assert "n’a pas été publié" in message.subject
        assert "Hors sujet & agressif" in message.body
        assert "Hors sujet &amp; agressif" in html_of(message)

    def test_a_refused_edit_says_the_published_text_stays(
        self, moderator, post, reader, mailoutbox, django_capture_on_commit_callbacks
    ):
        comment = CommentFactory(post=post, author=reader, status=Comment.Status.APPROVED, pending_body="Nouveau.")
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_reject(comment=comment, moderator=moderator, reason="")

        [message] = mailoutbox
        assert "Votre modification" in message.subject
        assert "reste en ligne" in message.body

    def test_spam_tells_nobody(self, moderator, pending_comment, mailoutbox, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            decided = services.comment_mark_spam(comment=pending_comment, moderator=moderator)
        notifications.notify_comment_decided(decided)

        assert mailoutbox == []

    def test_an_inactive_author_is_not_mailed(
        self, moderator, pending_comment, mailoutbox, django_capture_on_commit_callbacks
    ):
        type(pending_comment.author).objects.filter(pk=pending_comment.author_id).update(is_active=False)
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_reject(comment=pending_comment, moderator=moderator)

        assert mailoutbox == []

    def test_only_the_latest_decision_is_announced(self, moderator, pending_comment, mailoutbox):
        services.comment_approve(comment=pending_comment, moderator=moderator)
        first = tasks.latest_decision(pending_comment)
        services.comment_reject(comment=pending_comment, moderator=moderator)

        assert tasks.send_decision_notice.call(comment_id=pending_comment.pk, event_id=first.pk) == 0
        notifications.notify_comment_decided(pending_comment)
        [message] = mailoutbox
        assert "n’a pas été publié" in message.subject


@pytest.fixture
def thread(post, reader):
    """An approved comment by the reader, who asked to hear about replies, and a pending reply by someone else."""
    parent = CommentFactory(post=post, author=reader, status=Comment.Status.APPROVED, notify_replies=True)
    replier = UserFactory(display_name="Rémi Répond")
    reply = CommentFactory(
        post=post, author=replier, parent=parent, depth=1, body="Je ne suis pas d’accord <b>du tout</b>."
    )
    return parent, reply


class TestReplyNotice:
    def test_the_parent_author_hears_of_an_approved_reply(
        self, settings, moderator, thread, mailoutbox, django_capture_on_commit_callbacks
    ):
        parent, reply = thread
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_approve(comment=reply, moderator=moderator)

        [message] = sent_to(mailoutbox, parent.author)
        assert "Nouvelle réponse" in message.subject
        assert "Rémi Répond" in message.body
        assert f"#comment-{reply.pk}" in message.body
        unsubscribe = message.extra_headers["List-Unsubscribe"]
        assert unsubscribe.startswith(f"<{settings.SITE_URL}/") and "/desabonnement/" in unsubscribe
        assert unsubscribe.strip("<>") in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # As sent over SMTP, on one line and not RFC 2047-encoded, or mail clients ignore it.
        raw = message.message(policy=email.policy.SMTP).as_bytes()
        assert f"\r\nList-Unsubscribe: {unsubscribe}\r\n".encode() in raw
        assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
        assert "&lt;b&gt;du tout&lt;/b&gt;" in html_of(message)

    def test_a_reply_by_the_same_author_does_not_notify(self, moderator, post, reader, mailoutbox):
        parent = CommentFactory(post=post, author=reader, status=Comment.Status.APPROVED, notify_replies=True)
        reply = CommentFactory(post=post, author=reader, parent=parent, depth=1, status=Comment.Status.APPROVED)

        notifications.notify_reply_approved(reply)

        assert sent_to(mailoutbox, reader) == []

    def test_no_mail_when_the_parent_did_not_subscribe(self, moderator, thread, mailoutbox):
        parent, reply = thread
        Comment.objects.filter(pk=parent.pk).update(notify_replies=False)
        Comment.objects.filter(pk=reply.pk).update(status=Comment.Status.APPROVED)
        reply.refresh_from_db()

        notifications.notify_reply_approved(reply)

        assert mailoutbox == []

    def test_a_pending_reply_does_not_notify(self, thread, mailoutbox):
        parent, reply = thread

        notifications.notify_reply_approved(reply)
        tasks.send_reply_notice.call(reply_id=reply.pk)

        assert mailoutbox == []

    def test_approving_an_edit_of_the_reply_does_not_notify_again(
        self, moderator, thread, mailoutbox, django_capture_on_commit_callbacks
    ):
        parent, reply = thread
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_approve(comment=reply, moderator=moderator)
        assert len(sent_to(mailoutbox, parent.author)) == 1
        Comment.objects.filter(pk=reply.pk).update(pending_body="Je nuance.")

        with django_capture_on_commit_callbacks(execute=True):
            services.comment_approve(comment=reply, moderator=moderator)

        assert len(sent_to(mailoutbox, parent.author)) == 1


class TestPostAuthorNotice:
    def test_the_post_author_hears_of_an_approved_comment(
        self, moderator, pending_comment, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_approve(comment=pending_comment, moderator=moderator)

        [message] = sent_to(mailoutbox, pending_comment.post.author)
        assert "Nouveau commentaire" in message.subject
        assert "Claire Lectrice" in message.body
        assert "Mon avis, en attente." in message.body

    def test_not_when_the_author_turned_it_off(self, pending_comment, mailoutbox):
        type(pending_comment.author).objects.filter(pk=pending_comment.post.author_id).update(
            notify_post_comments=False
        )
        Comment.objects.filter(pk=pending_comment.pk).update(status=Comment.Status.APPROVED)
        pending_comment.refresh_from_db()

        notifications.notify_post_author(pending_comment)

        assert mailoutbox == []

    def test_not_for_the_authors_own_comment(self, mailoutbox):
        post = PostFactory()
        comment = CommentFactory(post=post, author=post.author, status=Comment.Status.APPROVED)

        notifications.notify_post_author(comment)

        assert mailoutbox == []

    def test_not_for_a_comment_still_pending(self, pending_comment, mailoutbox):
        notifications.notify_post_author(pending_comment)
        tasks.send_post_comment_notice.call(comment_id=pending_comment.pk)

        assert mailoutbox == []


class TestDigest:
    def test_one_mail_per_moderator_listing_the_queue_oldest_first(self, settings, moderator, post, reader, mailoutbox):
        settings.COMMENTS_MODERATOR_NOTIFICATIONS = "digest"
        other = ModeratorFactory()
        UserFactory(is_staff=True)  # not a moderator
        older = CommentFactory(post=post, author=reader, body="Le plus ancien.", hold_reasons=[HELD])
        newer = CommentFactory(post=post, author=reader, body="Le plus récent.")
        Comment.objects.filter(pk=older.pk).update(created_at=newer.created_at - timedelta(hours=2))
        CommentFactory(post=post, author=reader, body="Déjà publié.", status=Comment.Status.APPROVED)
        CommentFactory(post=post, author=reader, body="Déjà refusé.", status=Comment.Status.REJECTED)

        call_command("send_moderation_digest", verbosity=0, stdout=StringIO())

        assert recipients(mailoutbox) == sorted([moderator.email, other.email])
        body = sent_to(mailoutbox, moderator)[0].body
        assert "2 commentaires à modérer" in sent_to(mailoutbox, moderator)[0].subject
        assert body.index("Le plus ancien.") < body.index("Le plus récent.")
        assert "3 liens (limite : 2)" in body
        assert "Déjà publié." not in body and "Déjà refusé." not in body
        links = [word for word in body.split() if "/moderation/" in word]
        assert len(links) == 6
        assert {read_moderation_token(urlsplit(url).path.split("/")[-2]).moderator_id for url in links} == {
            moderator.pk
        }

    def test_a_long_queue_lists_the_oldest_and_counts_the_rest(
        self, settings, monkeypatch, moderator, post, reader, mailoutbox
    ):
        settings.COMMENTS_MODERATOR_NOTIFICATIONS = "digest"
        monkeypatch.setattr(tasks, "DIGEST_LIMIT", 2)
        for n in range(3):
            CommentFactory(post=post, author=reader, body=f"En file numéro {n}.")

        call_command("send_moderation_digest", stdout=StringIO())

        [message] = mailoutbox
        assert "3 commentaires à modérer" in message.subject
        assert "En file numéro 1." in message.body and "En file numéro 2." not in message.body
        assert "… et 1 autre dans la file de modération" in message.body

    def test_an_edit_waiting_on_a_published_comment_is_listed(self, settings, moderator, post, reader, mailoutbox):
        settings.COMMENTS_MODERATOR_NOTIFICATIONS = "digest"
        CommentFactory(
            post=post, author=reader, status=Comment.Status.APPROVED, body="Publié.", pending_body="Texte modifié."
        )

        call_command("send_moderation_digest", stdout=StringIO())

        [message] = mailoutbox
        assert "Texte modifié." in message.body

    def test_nothing_when_the_queue_is_empty(self, settings, moderator, post, reader, mailoutbox):
        settings.COMMENTS_MODERATOR_NOTIFICATIONS = "digest"
        CommentFactory(post=post, author=reader, status=Comment.Status.APPROVED)

        call_command("send_moderation_digest", verbosity=0, stdout=StringIO())

        assert mailoutbox == []

    def test_not_sent_in_each_mode_unless_forced(self, settings, moderator, held_comment, mailoutbox):
        settings.COMMENTS_MODERATOR_NOTIFICATIONS = "each"
        out = StringIO()

        call_command("send_moderation_digest", stdout=out)
        assert mailoutbox == []

        call_command("send_moderation_digest", "--force", stdout=out)
        assert recipients(mailoutbox) == [moderator.email]


class TestThroughTheWorker:
    def test_a_notification_is_queued_and_sent_only_by_the_db_worker(
        self, settings, monkeypatch, moderator, held_comment
    ):
        # The worker recycles its database connections between tasks; inside the
        # test's transaction that would close the connection the test runs in.
        monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

        notifications.notify_comment_held(held_comment)

        assert mail.outbox == []  # nothing rendered or sent on the request path
        task = DBTaskResult.objects.get()
        assert task.task_path == "comments.tasks.send_held_comment_notice"
        assert task.args_kwargs["kwargs"] == {"comment_id": held_comment.pk}
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        assert [m.to for m in mail.outbox] == [[moderator.email]]
        assert DBTaskResult.objects.get().status == "SUCCESSFUL"


class TestOnceTheDecisionStands:
    """A decision's e-mails leave once it can no longer be taken back; a decision undone in the minute told nobody."""

    @pytest.fixture(autouse=True)
    def _database_worker(self, settings, monkeypatch):
        monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    @staticmethod
    def run_the_worker_once_the_minute_is_over():
        """The worker as it runs a minute later: the deferred tasks are due."""
        DBTaskResult.objects.filter(run_after__year__lt=9999).update(  # 9999: django_tasks_db's « at once »
            run_after=timezone.now() - timedelta(seconds=1)
        )
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    def test_the_e_mails_of_an_approval_wait_for_the_undo_window(
        self, moderator, thread, mailoutbox, django_capture_on_commit_callbacks
    ):
        parent, reply = thread
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_approve(comment=reply, moderator=moderator)
        waiting = DBTaskResult.objects.order_by("task_path")
        assert [task.task_path.rsplit(".", 1)[1] for task in waiting] == [
            "send_decision_notice",
            "send_post_comment_notice",
            "send_reply_notice",
        ]
        for task in waiting:
            assert timedelta(seconds=55) < task.run_after - timezone.now() <= decisions.UNDO_WINDOW

        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        assert mailoutbox == []  # not yet: the moderator may still take it back
        self.run_the_worker_once_the_minute_is_over()
        assert recipients(mailoutbox) == sorted([reply.author.email, parent.author.email, reply.post.author.email])

    @pytest.mark.parametrize("take", ["approve", "reject"])
    def test_a_decision_taken_back_in_the_minute_told_nobody(
        self, take, moderator, thread, mailoutbox, django_capture_on_commit_callbacks
    ):
        _parent, reply = thread
        with django_capture_on_commit_callbacks(execute=True):  # each its own request, its own commit
            getattr(services, f"comment_{take}")(comment=reply, moderator=moderator)
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_undo_decision(comment=reply, moderator=moderator)
        assert DBTaskResult.objects.count() == (3 if take == "approve" else 1)
        self.run_the_worker_once_the_minute_is_over()
        assert mailoutbox == []
        assert DBTaskResult.objects.exclude(status="SUCCESSFUL").count() == 0  # they ran, and found nothing to say

    def test_approved_taken_back_approved_again_each_e_mail_once(
        self, moderator, thread, mailoutbox, django_capture_on_commit_callbacks
    ):
        parent, reply = thread
        for step in (services.comment_approve, services.comment_undo_decision, services.comment_approve):
            with django_capture_on_commit_callbacks(execute=True):  # each its own request, its own commit
                step(comment=reply, moderator=moderator)
        self.run_the_worker_once_the_minute_is_over()
        assert recipients(mailoutbox) == sorted([reply.author.email, parent.author.email, reply.post.author.email])

    def test_a_comment_published_at_once_is_told_at_once(self, settings, post, mailoutbox):
        settings.COMMENTS_MODERATION_MODE = "trust"
        trusted = UserFactory(trusted=True)
        post_author = post.author
        comment = CommentFactory(post=post, author=trusted, status=Comment.Status.APPROVED)
        notifications.notify_comment_published(comment, decided=False, first_publication=True)
        [task] = DBTaskResult.objects.all()
        assert task.task_path.endswith("send_post_comment_notice") and task.run_after.year == 9999  # at once
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        assert recipients(mailoutbox) == [post_author.email]


class TestKeptApprovals:
    def test_an_approval_taken_back_does_not_count(self, moderator, pending_comment):
        assert selectors.kept_approvals(pending_comment) == 0
        services.comment_approve(comment=pending_comment, moderator=moderator)
        services.comment_undo_decision(comment=pending_comment, moderator=moderator)
        assert selectors.kept_approvals(pending_comment) == 0
        services.comment_approve(comment=pending_comment, moderator=moderator)
        assert selectors.kept_approvals(pending_comment) == 1
