"""Who hears about a comment, and when.

The comment services call these after their transaction commits
(`transaction.on_commit(lambda: notifications.notify_comment_held(comment))`).
Each one only enqueues a task with ids (`comments.tasks`); the task worker reads the
rows again, picks the recipients, renders the e-mails in each recipient's language
and sends them. So in production no e-mail is rendered or sent on the request path.

- held comment: each moderator, when COMMENTS_MODERATOR_NOTIFICATIONS is "each"
  ("digest": the daily `send_moderation_digest` command instead; "off": nobody);
- decision: the commenter, for an approval or a refusal of the comment or of its
  edit (a comment filed as spam tells its author nothing);
- approved reply: the author of the comment replied to, if they asked for it;
- approved comment: the post's author, if they asked for it.
"""

from django.conf import settings

from comments import tasks
from comments.models import Comment, ModerationEvent


def notify_comment_held(comment: Comment) -> None:
    """A comment waits for a moderator: e-mail the moderators now, or leave it to the digest."""
    if settings.COMMENTS_MODERATOR_NOTIFICATIONS != "each":
        return
    tasks.send_held_comment_notice.enqueue(comment_id=comment.pk)


def notify_comment_decided(comment: Comment) -> None:
    """A moderator approved or refused the comment (or its edit): tell its author."""
    # The decision is read from the history, not the status: a refused edit leaves the
    # comment approved. Its id lets the worker drop the notice if a later decision came.
    decision = tasks.latest_decision(comment)
    if decision is None or decision.action == ModerationEvent.Action.SPAM:
        return
    tasks.send_decision_notice.enqueue(comment_id=comment.pk, event_id=decision.pk)


def notify_reply_approved(reply: Comment) -> None:
    """An approved reply: tell the author of the parent comment if they subscribed."""
    if reply.parent_id is None or not reply.is_approved:
        return
    tasks.send_reply_notice.enqueue(reply_id=reply.pk)


def notify_post_author(comment: Comment) -> None:
    """An approved comment: tell the post's author if they want to know."""
    if not comment.is_approved:
        return
    tasks.send_post_comment_notice.enqueue(comment_id=comment.pk)
