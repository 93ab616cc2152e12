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

What a moderator's decision sets off leaves once `UNDO_WINDOW` is over (the task worker runs
it then, `run_after`): a decision taken back within the minute (`z` on the desk) has sent
nothing, and each task checks when it runs that its decision is still the latest. A backend
that cannot defer (the immediate one of development) sends at once.
"""

from django.conf import settings
from django.tasks import task_backends
from django.utils import timezone

from comments import tasks
from comments.decisions import UNDO_WINDOW
from comments.models import Comment, ModerationEvent


def notify_comment_held(comment: Comment) -> None:
    """A comment waits for a moderator: e-mail the moderators now, or leave it to the digest."""
    if settings.COMMENTS_MODERATOR_NOTIFICATIONS != "each":
        return
    tasks.send_held_comment_notice.enqueue(comment_id=comment.pk)


def notify_comment_decided(comment: Comment) -> None:
    """A moderator approved or refused the comment (or its edit): tell its author, once the decision stands."""
    # The decision is read from the history, not the status: a refused edit leaves the
    # comment approved. Its id lets the worker drop the notice if a later decision came.
    decision = tasks.latest_decision(comment)
    if decision is None or decision.action not in (ModerationEvent.Action.APPROVED, ModerationEvent.Action.REJECTED):
        return  # spam tells its author nothing; a decision already taken back, nothing either
    _once_it_stands(tasks.send_decision_notice).enqueue(comment_id=comment.pk, event_id=decision.pk)


def notify_comment_published(comment: Comment, *, decided: bool, first_publication: bool) -> None:
    """A comment became visible, approved by a moderator (`decided`) or published at once: its author hears of
    the approval; the first time, the post's author and the author of the comment it answers hear of it."""
    decision = tasks.latest_decision(comment) if decided else None
    if decision is not None and decision.action != ModerationEvent.Action.APPROVED:
        return  # taken back already
    if decision is not None:
        _once_it_stands(tasks.send_decision_notice).enqueue(comment_id=comment.pk, event_id=decision.pk)
    if first_publication:
        event_id = decision.pk if decision else None
        notify_post_author(comment, event_id=event_id)
        notify_reply_approved(comment, event_id=event_id)


def notify_reply_approved(reply: Comment, *, event_id: int | None = None) -> None:
    """An approved reply: tell the author of the parent comment if they subscribed."""
    if reply.parent_id is None or not reply.is_approved:
        return
    task = _once_it_stands(tasks.send_reply_notice, decided=event_id is not None)
    task.enqueue(reply_id=reply.pk, event_id=event_id)


def notify_post_author(comment: Comment, *, event_id: int | None = None) -> None:
    """An approved comment: tell the post's author if they want to know."""
    if not comment.is_approved:
        return
    task = _once_it_stands(tasks.send_post_comment_notice, decided=event_id is not None)
    task.enqueue(comment_id=comment.pk, event_id=event_id)


def _once_it_stands(task, *, decided: bool = True):
    """`task`, to run when the moderator's decision that set it off can no longer be taken back — if the backend
    can defer a task. A comment published at once (`decided` False) has no decision to wait for."""
    if not decided or not task_backends[task.backend].supports_defer:
        return task
    return task.using(run_after=timezone.now() + UNDO_WINDOW)
