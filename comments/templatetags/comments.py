from django import template

from comments import moderation
from comments.forms import CommentForm
from comments.models import Comment

register = template.Library()


@register.inclusion_tag("comments/_comment_section.html", takes_context=True)
def comment_section(context, post):
    """The comments of a post as the current reader may see them, and the form or why there is none."""
    request = context["request"]
    user = request.user
    comments = Comment.objects.visible_to(user).filter(post=post).select_related("author")
    refusal = moderation.refusal(user, post)
    return {
        "request": request,
        "user": user,
        "post": post,
        "comments": comments,
        "refusal": refusal,
        "form": context.get("comment_form") or (CommentForm() if refusal is None else None),
    }


@register.simple_tag
def pending_comment_count():
    return Comment.objects.pending().count()
