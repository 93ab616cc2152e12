"""The floor: the post page as a straightforward Django view would serve it.

One query for the post, one for its categories, one for the comments with their
authors (select_related); no cache of any kind. The benchmark compares the real
post page with this: what the work on caching bought.
"""

from django.shortcuts import get_object_or_404, render

from blog.models import Post
from comments.models import Comment
from comments.templatetags.comments import build_tree


def post_floor(request, slug):
    post = get_object_or_404(
        Post.objects.published().select_related("author").prefetch_related("categories"), slug=slug
    )
    comments = list(
        Comment.objects.visible_to(request.user).filter(post=post).select_related("author").order_by("created_at")
    )
    return render(request, "bench/floor.html", {"post": post, "threads": build_tree(comments)})
