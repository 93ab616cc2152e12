from django import template
from django.utils import timezone

from comments import moderation
from comments.forms import CommentForm
from comments.models import Comment, Report

register = template.Library()


def build_tree(comments):
    """Arrange comments (ordered by date) into threads in one pass; replies whose parent is hidden go to the top."""
    by_id = {comment.pk: comment for comment in comments}
    roots = []
    for comment in comments:
        comment.children = []
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        (parent.children if parent is not None else roots).append(comment)
    return roots


@register.inclusion_tag("comments/_comment_section.html", takes_context=True)
def comment_section(context, post):
    """The comments of a post as the current reader may see them, threaded, and the form or why there is none.

    A constant number of queries whatever the number of comments: the visible
    comments with their authors, and the reader's own reports.
    """
    request = context["request"]
    user = request.user
    policy = moderation.Policy.from_settings()
    comments = list(Comment.objects.visible_to(user).filter(post=post).select_related("author").order_by("created_at"))
    reported = set()
    if user.is_authenticated:
        reported = set(Report.objects.filter(reporter=user, comment__post=post).values_list("comment_id", flat=True))
    now = timezone.now()
    for comment in comments:
        comment.is_mine = user.is_authenticated and comment.author_id == user.pk
        comment.can_edit = comment.is_mine and not comment.is_removed and now - comment.created_at <= policy.edit_window
        comment.can_reply = comment.is_approved and not comment.is_removed and comment.depth + 1 < policy.max_depth
        comment.reported_by_me = comment.pk in reported
    refusal = moderation.refusal(user, post, policy=policy, now=now)
    form = context.get("comment_form")
    if form is None and refusal is None:
        reply_to = request.GET.get("reply", "")
        form = CommentForm(initial={"parent": int(reply_to)} if reply_to.isdigit() else None)
    parent_id = form["parent"].value() if form is not None else None
    replying_to = next((c for c in comments if str(c.pk) == str(parent_id) and c.can_reply), None)
    return {
        "request": request,
        "user": user,
        "post": post,
        "threads": build_tree(comments),
        "has_comments": bool(comments),
        "refusal": refusal,
        "form": form,
        "replying_to": replying_to,
    }


@register.simple_tag
def pending_comment_count():
    return Comment.objects.pending().count()
