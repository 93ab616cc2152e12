"""Every state change of a comment. Views, admin actions and commands call these."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from blog.models import Post
from comments import moderation
from comments.models import Comment, ModerationEvent

MODERATE_PERMISSION = "comments.moderate_comment"


class CommentNotAllowed(PermissionDenied):
    """The author may not comment here; the message says why."""


def comment_submit(*, post: Post, author, body: str, submission_key: uuid.UUID | None = None) -> Comment:
    """Store a reader's comment, held for moderation.

    The same `submission_key` sent twice by the same author returns the comment
    stored the first time instead of a second copy.
    """
    refusal = moderation.refusal(author, post)
    if refusal:
        raise CommentNotAllowed(refusal.message)
    body = body.strip()
    if not body:
        raise ValidationError(_("Le commentaire est vide."), code="empty")

    if submission_key is not None:
        existing = Comment.objects.filter(author=author, submission_key=submission_key).first()
        if existing is not None:
            return existing

    verdict = moderation.assess(author=author, post=post, body=body)
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                post=post, author=author, body=body, status=verdict.status, submission_key=submission_key
            )
            ModerationEvent.objects.create(
                comment=comment,
                action=ModerationEvent.Action.SUBMITTED,
                actor=author,
                reason=" ; ".join(reason.message for reason in verdict.reasons)[:300],
            )
            if comment.is_approved:
                _refresh_approved_count(post.pk)
    except IntegrityError:
        # A concurrent request with the same key won the race: return its comment.
        return Comment.objects.get(author=author, submission_key=submission_key)
    return comment


def comment_approve(*, comment: Comment, moderator, reason: str = "") -> Comment:
    """Publish the comment to every reader."""
    return _decide(comment, moderator, Comment.Status.APPROVED, ModerationEvent.Action.APPROVED, reason)


def comment_reject(*, comment: Comment, moderator, reason: str = "") -> Comment:
    """Refuse the comment: it stays visible to nobody but the moderators."""
    return _decide(comment, moderator, Comment.Status.REJECTED, ModerationEvent.Action.REJECTED, reason)


def comment_mark_spam(*, comment: Comment, moderator, reason: str = "") -> Comment:
    """File the comment as spam."""
    return _decide(comment, moderator, Comment.Status.SPAM, ModerationEvent.Action.SPAM, reason)


def _decide(comment: Comment, moderator, status: str, action: str, reason: str) -> Comment:
    if moderator is None or not moderator.has_perm(MODERATE_PERMISSION):
        raise PermissionDenied(_("Vous n’avez pas le droit de modérer les commentaires."))
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        locked.status = status
        locked.moderated_at = timezone.now()
        locked.moderated_by = moderator
        locked.save(update_fields=["status", "moderated_at", "moderated_by", "body_html"])
        ModerationEvent.objects.create(comment=locked, action=action, actor=moderator, reason=reason[:300])
        _refresh_approved_count(locked.post_id)
    return locked


def _refresh_approved_count(post_id: int) -> None:
    """Keep the post's denormalised count of approved comments exact (recounted, not incremented)."""
    count = Post.objects.filter(pk=post_id).aggregate(
        n=Count("comments", filter=Q(comments__status=Comment.Status.APPROVED))
    )["n"]
    Post.objects.filter(pk=post_id).update(approved_comment_count=count)
