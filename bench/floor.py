"""The floor: the post page as a straightforward Django view would serve it.

One query for the post, one for its categories, one for the comments with their
authors (select_related); no cache of any kind. The benchmark compares the real
post page with this: what the work on caching bought.
"""

from django.shortcuts import get_object_or_404, render

from blog.models import Post
from comments.models import Comment


def post_floor(request, slug):
    post = get_object_or_404(
        Post.objects.published().select_related("author").prefetch_related("categories"), slug=slug
    )
    comments = list(
        Comment.objects.visible_to(request.user).filter(post=post).select_related("author").order_by("created_at")
    )
    return render(request, "bench/floor.html", {"post": post, "threads": threads(comments)})


def threads(comments):
    """Replies under their parents; a reply whose parent is not shown goes to the top."""
    by_id = {comment.pk: comment for comment in comments}
    roots = []
    for comment in comments:
        comment.children = []
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        (parent.children if parent else roots).append(comment)
    return roots
