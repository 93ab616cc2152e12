"""The anchors: the post page as a Django developer would first write it, then cache it.

`post_floor` is the straightforward view: one query for the post with its author, one for its
approved comments with their authors (`select_related`), a flat loop in one template
(bench/templates/bench/floor.html, the site's `base.html` around it, a plain comment form for a
logged-in reader), no include per comment, no cache. `post_floor_cached` is the same view under
`cache_page` in each process's own memory (the `bench-floor` cache of bench/settings.py): the first
thing a developer tries. The benchmark
compares Causerie's post page with both, in the same gunicorn.
"""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_page

from blog.models import Post
from comments.models import Comment

CACHE_SECONDS = 60  # as long as Causerie's own anonymous pages (BLOG_PAGE_MAX_AGE)


def post_floor(request, slug):
    post = get_object_or_404(Post.objects.published().select_related("author"), slug=slug)
    comments = Comment.objects.approved().filter(post=post).select_related("author").order_by("created_at")
    return render(request, "bench/floor.html", {"post": post, "comments": comments})


post_floor_cached = cache_page(CACHE_SECONDS, cache="bench-floor")(post_floor)
