"""The comments' part of the RGPD rights, registered into accounts.privacy at start-up (CommentsConfig.ready).

- export: every comment of the user, whatever its status, with the moderation decisions and
  their reasons (not who took them: moderators' names are their own data), and their reports;
- erasure: comments removed through `comment_delete` (a comment with replies becomes
  « Commentaire supprimé ») or, when the user keeps them, published ones handed to the one
  « Compte supprimé » account; either way the posts' counters and cached threads follow through
  the services' `post_refresh_comments`;
- a change of name or avatar makes the threads where the user's published comments appear again.
"""

from django.db import transaction

from accounts import privacy
from accounts.models import User
from comments.models import Comment, Report
from comments.services import comment_delete, post_refresh_comments


def register() -> None:
    privacy.register_exporter("comments", export_comments)
    privacy.register_eraser("comments", erase_comments)
    privacy.register_profile_listener("comments", refresh_threads)


def _iso(moment):
    return moment.isoformat() if moment else None


def export_comments(user) -> dict:
    """The user's comments and reports, as plain JSON values (four queries).

    Hold reasons as their codes and parameters, with their sentence in the language of the export.
    """
    comments = (
        Comment.objects.filter(author=user)
        .select_related("post")
        .prefetch_related("events", "hold_reasons")
        .order_by("created_at", "pk")
    )
    reports = Report.objects.filter(reporter=user).order_by("created_at", "pk")
    return {
        "comments": [_comment_record(comment) for comment in comments],
        "reports": [
            {"comment": report.comment_id, "reason": report.reason, "created_at": _iso(report.created_at)}
            for report in reports
        ],
    }


def _comment_record(comment) -> dict:
    return {
        "id": comment.pk,
        "post": {"title": comment.post.title, "url": comment.post.get_absolute_url()},
        "in_reply_to": comment.parent_id,
        "body": comment.body,
        "pending_edit": comment.pending_body,
        "status": comment.status,
        "status_label": str(comment.get_status_display()),
        "hold_reasons": [
            {"code": reason.code, "params": reason.params, "message": reason.message}
            for reason in comment.hold_reasons.all()
        ],
        "decision_preset": comment.decision_preset,
        "decision_reason": comment.decision_reason,
        "created_at": _iso(comment.created_at),
        "edited_at": _iso(comment.edited_at),
        "moderated_at": _iso(comment.moderated_at),
        "removed_at": _iso(comment.removed_at),
        "history": [
            {"action": event.action, "at": _iso(event.created_at), "reason": event.reason}
            for event in comment.events.all()
        ],
    }


def erase_comments(user, *, keep_contributions: bool) -> None:
    """Before the account goes: remove the user's comments, or keep the published ones anonymised."""
    deleted_account = User.objects.deleted_account()
    # Deepest first, so that a reply of the user's own goes before its parent is looked at.
    for comment in Comment.objects.filter(author=user).order_by("-depth", "-created_at"):
        if keep_contributions and comment.is_approved and not comment.is_removed:
            continue
        try:
            comment_delete(comment=comment, author=user)
        except Comment.DoesNotExist:
            continue
    # What stays (published comments kept, « Commentaire supprimé » rows holding others' replies)
    # changes hands so that deleting the account cascades to none of it.
    with transaction.atomic():
        kept = Comment.objects.filter(author=user)
        post_ids = set(kept.filter(status=Comment.Status.APPROVED).values_list("post_id", flat=True))
        kept.update(author=deleted_account, notify_replies=False, pending_body="", submission_key=None)
        for post_id in sorted(post_ids):
            post_refresh_comments(post_id=post_id)


def refresh_threads(user) -> None:
    """The user's name or avatar changed: the threads showing their published comments are made again."""
    post_ids = Comment.objects.approved().filter(author=user).values_list("post_id", flat=True).distinct()
    for post_id in sorted(set(post_ids)):
        post_refresh_comments(post_id=post_id)
