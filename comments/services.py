"""Every state change of a comment. Views, admin actions, signed links and commands call these.

Each function checks who may do it (not only the views), writes in one
transaction with a history row, keeps the post's approved count exact, and
queues its e-mails once the transaction has committed (the notice of a held comment,
the hot path, goes in with the comment's own transaction when the tasks are rows of
the database: see `_queue_in_transaction`). What they read about an author or the
site's lists comes from `comments.selectors`.

Why not split: some 590 lines, and the module is the list of everything that can happen to a
comment (submit, edit, delete, report, approve, reject, spam, a decision undone, a moderator's
reply from the desk, featured among the editors' picks) with the few steps they share
(`_decide`, `_comment_published`, `post_refresh_comments`): one file to read to know them all.
"""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blog.models import Post
from caching import counters
from comments import moderation, notifications, selectors
from comments.admin_stats import short_duration
from comments.decisions import EVENTS as DECISION_EVENTS
from comments.decisions import MODERATE_PERMISSION, UNDO_WINDOW
from comments.models import Comment, HoldReason, KnownDomain, ModerationEvent, Report
from comments.moderation import RefusalPreset
from markup.render import read_comment


class CommentNotAllowed(PermissionDenied):
    """The author may not comment here; the message says why."""


class CommentRateLimited(Exception):
    """The author posts too fast; the message says when to try again."""


class CommentAlreadyDecided(Exception):
    """The comment is no longer in the state the moderator saw: nothing changed; the message says who did what, when."""

    def __init__(self, comment: Comment):
        self.comment = comment
        super().__init__(_already_decided_message(comment))


# Writing ---------------------------------------------------------------------


def comment_submit(
    *,
    post: Post,
    author,
    body: str,
    parent_id: int | None = None,
    submission_key: uuid.UUID | None = None,
    notify_replies: bool = False,
    honeypot: bool = False,
) -> Comment:
    """Store a reader's comment with the policy's verdict (held, or published for a trusted author).

    `parent_id` is the comment replied to, as the form sent it: looked up here, on this post.
    The same `submission_key` sent twice by the same author, or the same text sent again at the
    same place within the resend window (`moderation.is_resend`: Back, then Send), returns the
    comment stored the first time, marked `resent`, and stores nothing. A filled honeypot stores
    the comment as spam, quietly.
    The text is read once (`markup.render.read_comment`): one Markdown parse and one
    personal-data scan serve the policy and the stored HTML.

    Why not split: its steps, in their order, are the rule of a submission — refuse, reuse a
    stored copy, count against the rate limit, assess, store — and read best in one place.
    """
    policy = moderation.Policy.from_settings()
    refusal = moderation.refusal(author, post, policy=policy)
    if refusal:
        raise CommentNotAllowed(refusal.message)
    body = body.strip()
    if not body:
        raise ValidationError(_("Le commentaire est vide."), code="empty")
    parent = _reply_target(parent_id, post, policy) if parent_id is not None else None

    existing = selectors.sent_before(
        author, post=post, parent_id=parent_id, body=body, submission_key=submission_key, policy=policy
    )
    if existing is not None:
        existing.resent = True
        return existing
    if moderation.counts_against_rate_limit(author):
        _count_against_rate_limit(author, policy)

    text = read_comment(body)
    verdict = _verdict(author, body, text, policy, honeypot=honeypot, post=post)
    comment = Comment(
        post=post,
        author=author,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        body=body,
        status=verdict.status,
        submission_key=submission_key,
        notify_replies=notify_replies,
    )
    comment.use_text(text)
    try:
        _store_submitted(comment, verdict)
    except IntegrityError:
        # A concurrent request with the same key won the race: return its comment.
        return Comment.objects.get(author=author, submission_key=submission_key)
    return comment


def _verdict(author, body: str, text, policy: moderation.Policy, *, honeypot: bool, post: Post) -> moderation.Verdict:
    """The policy's verdict on a new comment; a filled honeypot is spam whatever the text."""
    if honeypot:
        return moderation.Verdict("spam", (moderation.Reason("honeypot"),))
    return moderation.assess(
        body=body,
        author=selectors.author_record(author, policy, post=post),
        lists=selectors.site_lists(text.link_domains),
        policy=policy,
        text=text,
    )


def _store_submitted(comment: Comment, verdict: moderation.Verdict) -> None:
    """The new comment, its reasons and its history row in one transaction; published, or the moderators told."""
    with transaction.atomic():
        comment.save(force_insert=True)
        _set_hold_reasons(comment, verdict.reasons, created=True)
        _log(comment, ModerationEvent.Action.SUBMITTED, comment.author, _history_text(verdict.reasons))
        if comment.is_approved:
            _comment_published(comment, tell_author=False)
        elif comment.is_pending:
            _queue_in_transaction(lambda: notifications.notify_comment_held(comment))


def comment_edit(*, comment: Comment, author, body: str) -> Comment:
    """The author rewrites their comment within the edit window.

    A pending comment is simply updated (and assessed again). An approved one
    keeps its published text; the new text waits for a moderator.
    """
    policy = moderation.Policy.from_settings()
    _check_own_editable(comment, author, policy)
    body = body.strip()
    if not body:
        raise ValidationError(_("Le commentaire est vide."), code="empty")
    text = read_comment(body)
    verdict = moderation.assess(
        body=body,
        author=selectors.author_record(author, policy, exclude=comment),
        lists=selectors.site_lists(text.link_domains),
        policy=policy,
        text=text,
    )
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.is_approved:
            comment.pending_body = body  # the published text, and its HTML, stay
            reasons = [moderation.Reason("edit"), *verdict.reasons]
        else:
            comment.body = body
            comment.use_text(text)
            reasons = verdict.reasons
        comment.edited_at = comment.queued_at = timezone.now()
        comment.save()
        _set_hold_reasons(comment, reasons)
        _log(comment, ModerationEvent.Action.EDITED, author, "")
        if comment.is_approved:
            post_refresh_comments(post_id=comment.post_id)  # readers see « une modification attend »
        transaction.on_commit(lambda: notifications.notify_comment_held(comment))
    return comment


def comment_delete(*, comment: Comment, author) -> Comment | None:
    """The author removes their comment. With replies, « Commentaire supprimé » stays in its place."""
    if comment.author_id != getattr(author, "pk", None):
        raise PermissionDenied(_("Vous ne pouvez supprimer que vos propres commentaires."))
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        was_approved = comment.is_approved
        if comment.replies.exists():
            comment.body = ""
            comment.pending_body = ""
            comment.removed_at = timezone.now()
            comment.save()
            _log(comment, ModerationEvent.Action.REMOVED, author, "")
            result = comment
        else:
            comment.delete()
            result = None
        if was_approved:
            post_refresh_comments(post_id=comment.post_id)
    return result


def comment_report(*, comment: Comment, reporter, reason: str = "") -> Report:
    """A verified reader reports a published comment, once; enough reports send it back to the queue."""
    policy = moderation.Policy.from_settings()
    if not reporter.is_authenticated or not reporter.has_verified_email():
        raise PermissionDenied(_("Seuls les lecteurs identifiés peuvent signaler un commentaire."))
    barred = moderation.sanction(reporter)
    if barred:
        raise PermissionDenied(barred.message)
    if comment.author_id == reporter.pk:
        raise PermissionDenied(_("Vous ne pouvez pas signaler votre propre commentaire."))
    if not comment.is_approved or comment.is_removed:
        raise ValidationError(_("Ce commentaire n’est pas publié."), code="not_published")
    reason = reason.strip()[:300]
    try:
        with transaction.atomic():
            report = Report.objects.create(comment=comment, reporter=reporter, reason=reason)
            _log(comment, ModerationEvent.Action.REPORTED, reporter, reason)
    except IntegrityError:
        raise ValidationError(_("Vous avez déjà signalé ce commentaire."), code="already_reported") from None
    open_reports = comment.reports.filter(resolved_at__isnull=True).count()
    if open_reports >= policy.report_threshold:
        with transaction.atomic():
            locked = Comment.objects.select_for_update().get(pk=comment.pk)
            if locked.is_approved:
                locked.status = Comment.Status.PENDING
                locked.queued_at = timezone.now()
                reported = moderation.Reason("reported", {"count": open_reports})
                locked.save(update_fields=["status", "queued_at"])
                _set_hold_reasons(locked, [reported])
                _log(locked, ModerationEvent.Action.REQUEUED, None, _history_text([reported]))
                post_refresh_comments(post_id=locked.post_id)
                transaction.on_commit(lambda: notifications.notify_comment_held(locked))
    return report


def comment_unsubscribe_replies(*, comment: Comment) -> None:
    """Stop reply e-mails for this comment (the signed link in those e-mails is the credential)."""
    Comment.objects.filter(pk=comment.pk).update(notify_replies=False)


# Deciding --------------------------------------------------------------------


def comment_approve(
    *, comment: Comment, moderator, reason: str = "", unmasked: bool = False, expected: str | None = None
) -> Comment:
    """Publish the comment (or its pending edit) to every reader.

    Personal data stays masked for readers unless the moderator approves it
    unmasked on purpose (an approved edit is masked again unless said so).
    Deciding what is already decided (a double click, two moderators at once)
    changes nothing and writes no second history line; with `expected` (the
    `Comment.decision_state` the moderator saw) it raises `CommentAlreadyDecided` instead.
    """
    _check_moderator(moderator)
    with transaction.atomic():
        locked = _lock_as_seen(comment, expected)
        if locked.is_approved and not locked.pending_body and locked.show_unmasked == unmasked:
            return locked
        first_publication = not selectors.kept_approvals(locked)
        if locked.pending_body:
            locked.body, locked.pending_body = locked.pending_body, ""
        locked.show_unmasked = unmasked
        _set_hold_reasons(locked, [])
        decided = _decide(locked, moderator, Comment.Status.APPROVED, ModerationEvent.Action.APPROVED, reason)
        KnownDomain.objects.bulk_create(
            [KnownDomain(domain=domain) for domain in decided.link_domains], ignore_conflicts=True
        )
        _comment_published(decided, first_publication=first_publication, recount=False)  # _decide recounted
    return decided


def comment_reject(
    *, comment: Comment, moderator, reason: str = "", preset: str = "", expected: str | None = None
) -> Comment:
    """Refuse the comment (or only its pending edit); the author is told why (`preset`, a `RefusalPreset`,
    worded in their language; `reason`, the moderator's words). Trust is withdrawn.

    With `expected`, as `comment_approve`: another moderator's decision since is said, not overwritten.
    """
    _check_moderator(moderator)
    with transaction.atomic():
        locked = _lock_as_seen(comment, expected)
        if locked.pending_body and locked.is_approved:
            # Only the edit is refused: the published text stays.
            locked.pending_body = ""
            locked.moderated_at = timezone.now()
            locked.moderated_by = moderator
            locked.decision_preset, locked.decision_reason = _preset(preset), reason[:300]
            locked.save()
            _set_hold_reasons(locked, [])
            history = _decision_text(locked) or _("modification refusée")
            _log(locked, ModerationEvent.Action.REJECTED, moderator, history)
            post_refresh_comments(post_id=locked.post_id)  # the « une modification attend » note goes
            decided = locked
        elif locked.status == Comment.Status.REJECTED:
            return locked
        else:
            decided = _decide(
                locked, moderator, Comment.Status.REJECTED, ModerationEvent.Action.REJECTED, reason, preset=preset
            )
        _withdraw_trust(decided.author)
        transaction.on_commit(lambda: notifications.notify_comment_decided(decided))
    return decided


def comment_mark_spam(
    *, comment: Comment, moderator, reason: str = "", preset: str = "", expected: str | None = None
) -> Comment:
    """File the comment as spam: hidden, no e-mail to its author, trust withdrawn (`expected`: as `comment_approve`)."""
    _check_moderator(moderator)
    with transaction.atomic():
        locked = _lock_as_seen(comment, expected)
        if locked.status == Comment.Status.SPAM:
            return locked
        locked.pending_body = ""
        decided = _decide(locked, moderator, Comment.Status.SPAM, ModerationEvent.Action.SPAM, reason, preset=preset)
        _withdraw_trust(decided.author)
    return decided


def comment_approve_and_trust(*, comment: Comment, moderator, expected: str | None = None) -> Comment:
    """Approve, and publish this author's next comments at once in the "trust" mode."""
    with transaction.atomic():
        decided = comment_approve(
            comment=comment, moderator=moderator, reason=_("auteur désormais de confiance"), expected=expected
        )
        _set_trust(decided.author, True)
    return decided


def comment_undo_decision(*, comment: Comment, moderator) -> Comment:
    """Take back one's own last decision on a comment within `UNDO_WINDOW`: it goes back to the queue.

    The history keeps both rows (the decision, then its reversal). What the decision already set off
    stays done: the author's e-mail, once sent, and trust withdrawn by a refusal.
    """
    _check_moderator(moderator)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        last = locked.events.order_by("-created_at", "-pk").first()
        if last is None or last.action not in DECISION_EVENTS or last.actor_id != moderator.pk:
            raise ValidationError(_("Rien à annuler : la dernière décision sur ce commentaire n’est pas la vôtre."))
        if timezone.now() - last.created_at > UNDO_WINDOW:
            raise ValidationError(_("Trop tard pour annuler : une décision s’annule dans la minute."))
        was_approved = locked.is_approved
        locked.status = Comment.Status.PENDING
        locked.moderated_at = locked.moderated_by = None
        locked.decision_reason = ""
        locked.queued_at = timezone.now()
        locked.save()
        undone = moderation.Reason("undone", {"name": moderator.display_name})
        _set_hold_reasons(locked, [undone])
        _log(locked, ModerationEvent.Action.REVERTED, moderator, _history_text([undone]))
        if was_approved:
            post_refresh_comments(post_id=locked.post_id)
    return locked


def comment_feature(*, comment: Comment, moderator, featured: bool) -> Comment:
    """Put a published comment among the post's « Choix de la rédaction » (first in its thread), or take it out.

    Only an approved comment, still there, may be featured; asking for the state it already has
    changes nothing and writes no history row.
    """
    _check_moderator(moderator)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if featured and (not locked.is_approved or locked.is_removed):
            raise ValidationError(_("Seul un commentaire publié peut être choisi par la rédaction."))
        if bool(locked.featured_at) == featured:
            return locked
        locked.featured_at = timezone.now() if featured else None
        locked.save(update_fields=["featured_at"])
        action = ModerationEvent.Action.FEATURED if featured else ModerationEvent.Action.UNFEATURED
        _log(locked, action, moderator, "")
        post_refresh_comments(post_id=locked.post_id)
    return locked


def comment_reply_from_desk(*, comment: Comment, moderator, body: str, expected: str | None = None) -> Comment:
    """A moderator answers a comment from the desk, in one step: the comment approved if it waited, the reply stored.

    The reply goes through `comment_submit` like any other; the policy publishes a moderator's comment at
    once (`COMMENTS_STAFF_PUBLISH_AT_ONCE`, its reason recorded). Either both happen or neither does.
    """
    _check_moderator(moderator)
    with transaction.atomic():
        if (expected or comment.decision_state) == "pending":
            comment = comment_approve(comment=comment, moderator=moderator, expected=expected)
        return comment_submit(post=comment.post, author=moderator, body=body, parent_id=comment.pk)


# Internals -------------------------------------------------------------------


def _lock_as_seen(comment: Comment, expected: str | None) -> Comment:
    """The comment, locked until the transaction ends; if `expected` is given, in that decision state or raises.

    The check runs on the locked row, so of two moderators deciding at once the second one reads
    the first one's decision (and who took it) and changes nothing. No join here: PostgreSQL, having
    waited for the lock, re-reads the comment's row but not a joined one (the first decider would be lost).
    """
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if expected is not None and locked.decision_state != expected:
        raise CommentAlreadyDecided(locked)
    return locked


def _already_decided_message(comment: Comment) -> str:
    """« Déjà approuvé par Claire il y a 1 min » : what another moderator (or the author) did meanwhile."""
    done = {
        Comment.Status.APPROVED: (_("Déjà approuvé par %(name)s il y a %(age)s."), _("Déjà approuvé.")),
        Comment.Status.REJECTED: (_("Déjà refusé par %(name)s il y a %(age)s."), _("Déjà refusé.")),
        Comment.Status.SPAM: (_("Déjà marqué indésirable par %(name)s il y a %(age)s."), _("Déjà marqué indésirable.")),
    }
    if comment.decision_state not in done:
        return _("Ce commentaire a changé depuis que vous l’avez vu (%(state)s) ; rien n’a été changé.") % {
            "state": comment.get_decision_state_display()
        }
    with_who, without = done[comment.status]
    if comment.moderated_by is None or comment.moderated_at is None:
        return without
    age = short_duration(timezone.now() - comment.moderated_at)
    return with_who % {"name": comment.moderated_by.display_name, "age": age}


def _check_moderator(moderator) -> None:
    if moderator is None or not moderator.is_active or not moderator.has_perm(MODERATE_PERMISSION):
        raise PermissionDenied(_("Vous n’avez pas le droit de modérer les commentaires."))


def _reply_target(parent_id: int, post: Post, policy: moderation.Policy) -> Comment:
    """The comment replied to, if a reply to it may be written: one query."""
    parent = Comment.objects.filter(pk=parent_id, post=post).first()
    if parent is None:
        raise ValidationError(_("Le commentaire auquel vous répondez n’existe plus."), code="parent_gone")
    if not parent.is_approved or parent.is_removed:
        raise ValidationError(_("On ne peut répondre qu’à un commentaire publié de ce billet."), code="bad_parent")
    if parent.depth + 1 >= policy.max_depth:
        raise ValidationError(_("Cette discussion a atteint sa profondeur maximale."), code="too_deep")
    return parent


def _check_own_editable(comment: Comment, author, policy: moderation.Policy) -> None:
    if comment.author_id != getattr(author, "pk", None):
        raise PermissionDenied(_("Vous ne pouvez modifier que vos propres commentaires."))
    if comment.is_removed or comment.status in {Comment.Status.REJECTED, Comment.Status.SPAM}:
        raise PermissionDenied(_("Ce commentaire ne peut plus être modifié."))
    if timezone.now() - comment.created_at > policy.edit_window:
        minutes = int(policy.edit_window.total_seconds() // 60)
        raise PermissionDenied(
            ngettext(
                "Un commentaire peut être modifié pendant %(n)d minute après son envoi.",
                "Un commentaire peut être modifié pendant %(n)d minutes après son envoi.",
                minutes,
            )
            % {"n": minutes}
        )


def _count_against_rate_limit(author, policy: moderation.Policy) -> None:
    """Per-author limits per minute and per hour, counted in the shared cache so they hold across processes."""
    windows = ((60, policy.rate_per_minute, _("minute")), (3600, policy.rate_per_hour, _("heure")))
    counts = counters.count_in_windows(f"comment:{author.pk}", tuple(seconds for seconds, _limit, _label in windows))
    for (_seconds, limit, label), count in zip(windows, counts, strict=True):
        if count > limit:
            raise CommentRateLimited(
                _(
                    "Vous commentez trop vite (%(limit)d par %(window)s au plus). "
                    "Réessayez dans un moment ; votre texte est conservé."
                )
                % {"limit": limit, "window": label}
            )


def _queue_in_transaction(notify) -> None:
    """Queue a notice with the comment's own transaction when tasks are rows of the database.

    The task row then commits with the comment (one commit, not two; it exists exactly when
    the comment does). Any other task backend (the immediate one, in development) runs after
    the commit, as every other notice does.
    """
    if type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]).__module__.startswith("django_tasks_db"):
        notify()
    else:
        transaction.on_commit(notify)


def _decide(comment: Comment, moderator, status: str, action: str, reason: str, *, preset: str = "") -> Comment:
    comment.status = status
    comment.moderated_at = timezone.now()
    comment.moderated_by = moderator
    comment.decision_preset, comment.decision_reason = _preset(preset), reason[:300]
    if status != Comment.Status.APPROVED:
        comment.featured_at = None  # no longer published: no longer a pick, nor one again if approved later
    comment.save()
    _log(comment, action, moderator, _decision_text(comment))
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=comment.moderated_at)
    post_refresh_comments(post_id=comment.post_id)
    return comment


def _comment_published(
    comment: Comment, *, tell_author: bool = True, first_publication: bool = True, recount: bool = True
) -> None:
    """A comment became visible: recount (unless `_decide` just did), and tell those who want to know
    (the others only the first time)."""
    if recount:
        post_refresh_comments(post_id=comment.post_id)
    if tell_author or first_publication:
        transaction.on_commit(
            lambda: notifications.notify_comment_published(
                comment, decided=tell_author, first_publication=first_publication
            )
        )


def _withdraw_trust(author) -> None:
    if author.trusted:
        _set_trust(author, False)


def _set_trust(author, trusted: bool) -> None:
    """Through `save()`, not `update()`: saving a user drops their row from the readers' cache (caching/readers.py)."""
    author.trusted = trusted
    author.save(update_fields=["trusted"])


def _set_hold_reasons(comment: Comment, reasons, *, created: bool = False) -> None:
    """Store the comment's reasons (`moderation.Reason`s), in order, in place of those it had."""
    if not created:
        HoldReason.objects.filter(comment=comment).delete()
    if reasons:
        HoldReason.objects.bulk_create(
            [
                HoldReason(comment=comment, position=position, code=reason.code[:20], params=dict(reason.params))
                for position, reason in enumerate(reasons)
            ]
        )


def _preset(code: str) -> str:
    return code if code in RefusalPreset.values else ""


def _decision_text(comment: Comment) -> str:
    """The decision's reason as the history row keeps it: the preset in the site's language, then the words."""
    with translation.override(settings.LANGUAGE_CODE):
        return comment.refusal_reason


def _history_text(reasons) -> str:
    """The reasons as a history row keeps them: in the site's language, as the admin shows it, whoever wrote."""
    with translation.override(settings.LANGUAGE_CODE):
        return "; ".join(reason.message for reason in reasons)


def _log(comment: Comment, action: str, actor, reason: str) -> None:
    ModerationEvent.objects.create(comment=comment, action=action, actor=actor, reason=reason[:300])


def post_refresh_comments(*, post_id: int) -> None:
    """Tell the post that what readers see of its comments changed, in one UPDATE.

    The approved count is recounted there (not incremented), and the comments version
    goes up: it keys the post's cached comment thread and its page's state (caching/pages.py:
    this is how those caches are invalidated), so every change readers must see (approval, a
    published comment's edit, refusal, removal, requeue, an author's erasure or new name) calls this.
    """
    posts_refresh_comments(post_ids=[post_id])


def posts_refresh_comments(*, post_ids) -> None:
    """post_refresh_comments for many posts at once, in one UPDATE (an import's batch of comments)."""
    if not post_ids:
        return
    Post.objects.filter(pk__in=post_ids).update(
        approved_comment_count=Comment.objects.approved_count_per_post(),
        comments_version=F("comments_version") + 1,
        comments_changed_at=timezone.now(),
    )
