"""E-mails about comments, rendered and sent by the task worker.

`comments.notifications` enqueues these tasks after a commit, with ids only; each task
reads the rows again, checks that the e-mail still makes sense (the comment may have
been decided, removed or unsubscribed since), renders it in the recipient's language
and sends it through the default mailer. In production nothing here runs on the
request path: the `db_worker` process does it.
"""

import email.policy

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from comments import decisions
from comments.links import awaits_decision, moderation_url, unsubscribe_url
from comments.models import Comment, ModerationEvent
from comments.selectors import kept_approvals
from markup.personal_data import mask_personal_data

# A digest lists at most this many comments (the oldest); the rest wait in the admin queue.
DIGEST_LIMIT = 50


def moderators():
    """Active users who may moderate comments, through a group, directly, or as superusers."""
    # accounts.UserManager derives from BaseUserManager, which has no with_perm():
    # ask the permission backend directly (the same query User.objects.with_perm runs).
    return ModelBackend().with_perm(decisions.MODERATE_PERMISSION).exclude(email="").order_by("pk")


def latest_decision(comment: Comment) -> ModerationEvent | None:
    """The comment's latest approval, refusal or spam filing — or the undoing of one (`reverted`)."""
    actions = decisions.EVENTS | {ModerationEvent.Action.REVERTED}
    return comment.events.filter(action__in=actions).order_by("-created_at", "-pk").first()


def _superseded(comment: Comment, event_id: int | None) -> bool:
    """True when the decision that set the e-mail off (`event_id`) was taken back or followed by another."""
    if event_id is None:
        return False  # published at once: no decision to check
    latest = latest_decision(comment)
    return latest is None or latest.pk != event_id


@task
def send_held_comment_notice(*, comment_id: int) -> int:
    """Tell each moderator that a comment (or an edit of a published one) waits, with one-click links."""
    comment = _comment(comment_id)
    if comment is None or not awaits_decision(comment):
        return 0  # decided or removed since: nothing to ask
    sent = 0
    for moderator in moderators().exclude(pk=comment.author_id):
        context = {
            "comment": comment,
            "post": comment.post,
            "item": _moderation_item(comment, moderator),
            "link_hours": settings.COMMENTS_MODERATION_LINK_MAX_AGE_HOURS,
        }
        sent += _send("held_comment", recipient=moderator, context=context)
    return sent


@task
def send_decision_notice(*, comment_id: int, event_id: int) -> int:
    """Tell a commenter that their comment (or their edit) was approved or refused; never that it was spam."""
    comment = _comment(comment_id)
    if comment is None or comment.is_removed:
        return 0
    if _superseded(comment, event_id):
        return 0  # decided again, or taken back, since: only the latest decision is worth an e-mail
    latest = latest_decision(comment)
    if not _reachable(comment.author):
        return 0
    context = {"comment": comment, "post": comment.post, "comment_url": _comment_url(comment)}
    if latest.action == ModerationEvent.Action.APPROVED and comment.is_approved:
        return _send("comment_approved", recipient=comment.author, context=context)
    if latest.action == ModerationEvent.Action.REJECTED:
        # A refused edit leaves the comment approved, with its published text.
        context["edit_refused"] = comment.is_approved
        return _send("comment_rejected", recipient=comment.author, context=context)
    return 0


@task
def send_reply_notice(*, reply_id: int, event_id: int | None = None) -> int:
    """Tell a commenter who asked for it that their comment received an approved reply (`event_id`: the approval)."""
    reply = _comment(reply_id)
    if reply is None or not reply.is_approved or reply.is_removed or reply.parent_id is None:
        return 0
    if _superseded(reply, event_id):
        return 0
    if _published_before(reply):
        return 0  # an approved edit or a re-approval: the parent's author already heard of it
    parent = Comment.objects.select_related("author").filter(pk=reply.parent_id).first()
    if parent is None or not parent.notify_replies or parent.author_id == reply.author_id:
        return 0
    if not _reachable(parent.author):
        return 0
    unsubscribe = unsubscribe_url(parent)
    context = {
        "reply": reply,
        "reply_text": _reader_text(reply),
        "parent": parent,
        "post": reply.post,
        "reply_url": _comment_url(reply),
        "unsubscribe_url": unsubscribe,
    }
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058: mail clients may POST to it
    }
    return _send("reply_approved", recipient=parent.author, context=context, headers=headers)


@task
def send_post_comment_notice(*, comment_id: int, event_id: int | None = None) -> int:
    """Tell a post's author, if they want it, that someone else's comment was published under it."""
    comment = _comment(comment_id)
    if comment is None or not comment.is_approved or comment.is_removed or _published_before(comment):
        return 0
    if _superseded(comment, event_id):
        return 0
    author = comment.post.author
    if author.pk == comment.author_id or not author.notify_post_comments or not _reachable(author):
        return 0
    context = {
        "comment": comment,
        "comment_text": _reader_text(comment),
        "post": comment.post,
        "comment_url": _comment_url(comment),
    }
    return _send("post_comment", recipient=author, context=context)


@task
def send_moderation_digest() -> int:
    """E-mail each moderator the comments waiting for a decision, oldest first; nothing when none wait."""
    pending = Comment.objects.awaiting_decision().select_related("post", "author")
    total = pending.count()
    if not total:
        return 0
    comments = list(pending.order_by("created_at", "pk").prefetch_related("hold_reasons")[:DIGEST_LIMIT])
    sent = 0
    for moderator in moderators():
        context = {
            "items": [_moderation_item(comment, moderator) for comment in comments],
            "total": total,
            "more": total - len(comments),
            "queue_url": f"{settings.SITE_URL}{reverse('admin:comments_comment_desk')}",
            "link_hours": settings.COMMENTS_MODERATION_LINK_MAX_AGE_HOURS,
        }
        sent += _send("moderation_digest", recipient=moderator, context=context)
    return sent


def _comment(comment_id: int) -> Comment | None:
    return Comment.objects.select_related("post__author", "author").filter(pk=comment_id).first()


def _published_before(comment: Comment) -> bool:
    """True when this approval is not the comment's first publication (an approved edit, a re-approval)."""
    return kept_approvals(comment) > 1 or comment.events.filter(action=ModerationEvent.Action.REQUEUED).exists()


def _reachable(user) -> bool:
    return bool(user.is_active and user.email)


def _comment_url(comment: Comment) -> str:
    return f"{settings.SITE_URL}{comment.post.get_absolute_url()}#comment-{comment.pk}"


def _reader_text(comment: Comment) -> str:
    """The text as other readers see it: personal data masked unless a moderator chose to show it."""
    return comment.body if comment.show_unmasked else mask_personal_data(comment.body)


def _moderation_item(comment: Comment, moderator) -> dict:
    """What a moderator needs to decide on one comment from an e-mail (the text is shown unmasked)."""
    return {
        "comment": comment,
        # An edit of a published comment waits in pending_body; the published text stays until approved.
        "is_edit": bool(comment.pending_body),
        "text": comment.pending_body or comment.body,
        "reasons": list(comment.hold_reasons.all()),  # their sentences made in the recipient's language
        "links": [
            {"label": decision.link.button, "url": moderation_url(comment=comment, moderator=moderator, action=name)}
            for name, decision in decisions.BY_LINK.items()
        ],
        "admin_url": f"{settings.SITE_URL}{reverse('admin:comments_comment_change', args=[comment.pk])}",
        "desk_url": f"{settings.SITE_URL}{reverse('admin:comments_comment_desk')}#card-{comment.pk}",
    }


class _NotificationEmail(EmailMultiAlternatives):
    """An e-mail whose List-Unsubscribe header reaches mail clients as written.

    Python's e-mail folding turns a header longer than 78 characters with no space in it
    (a signed URL) into RFC 2047 encoded words, which Gmail and others do not read in
    List-Unsubscribe: the one-click button would never show. The header is stored raw
    instead, on one line (RFC 5322 allows up to 998 characters).
    """

    RAW_HEADERS = ("List-Unsubscribe",)

    def message(self, *, policy=email.policy.default):
        msg = super().message(policy=policy.clone(refold_source="none"))
        for name in self.RAW_HEADERS:
            value = msg.get(name)
            if value is not None:
                del msg[name]
                msg.set_raw(name, str(value))
        return msg


def _send(name: str, *, recipient, context: dict, headers: dict | None = None) -> int:
    """Render comments/email/<name>_{subject.txt,message.txt,message.html} in the recipient's language and send."""
    language = recipient.language or settings.LANGUAGE_CODE
    context = {**context, "recipient": recipient, "site_url": settings.SITE_URL}
    with translation.override(language):
        subject = render_to_string(f"comments/email/{name}_subject.txt", context)
        text = render_to_string(f"comments/email/{name}_message.txt", context)
        html = render_to_string(f"comments/email/{name}_message.html", context)
    message = _NotificationEmail(
        subject=" ".join(subject.split()),  # one line, whatever the template's whitespace
        body=text,
        to=[recipient.email],
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated", **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    return message.send()
