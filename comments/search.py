"""Search of the published comments, with the posts' search (blog.search): same words, same rules.

Only approved comments that their author has not removed, on published posts, and only their
published text (`body_html`: sanitized, personal data masked as on the page) — never the text as
typed, so that a search cannot find what the page hides (an IBAN, a pending edit).
"""

from django.contrib.postgres.search import SearchRank, SearchVector

from blog import search as post_search
from blog.models import Post
from comments.models import Comment

RESULTS = 10


def searchable_comments():
    return Comment.objects.approved().filter(removed_at__isnull=True, post__in=Post.objects.published())


def search_comments(query: post_search.Query, *, limit: int = RESULTS) -> list[Comment]:
    """The best `limit` published comments matching every word, each with `excerpt_html`; two queries at most."""
    if not query:
        return []
    comments = searchable_comments().select_related("author", "post")
    if post_search.is_postgresql():
        text = post_search.text_query(query)
        vector = SearchVector("body_html", config=post_search.CONFIG)
        found = list(
            comments.annotate(search=vector)
            .filter(search=text)
            .annotate(
                rank=SearchRank(vector, text),
                headline=post_search.headline(
                    post_search.html_to_text_sql("body_html"), query, **post_search.excerpt_options()
                ),
            )
            .order_by("-rank", "-created_at")[:limit]
        )
        for comment in found:
            comment.excerpt_html = post_search.marked(comment.headline, from_html=True)
        return found
    annotations, condition = post_search.fallback_filter(query, "body_html")
    found = list(comments.annotate(**annotations).filter(condition).order_by("-created_at")[:limit])
    for comment in found:
        comment.excerpt_html = post_search.highlight(post_search.plain_text(comment.body_html), query, length=240)
    return found
