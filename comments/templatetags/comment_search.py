"""The comments part of the search page: `{% load comment_search %}{% comment_search_results query %}`.

The blog's search page calls this tag as the post page calls `{% comment_section post %}`: the
blog knows nothing of comments.
"""

from django import template

from blog import search as post_search
from comments.search import RESULTS, search_comments

register = template.Library()


@register.inclusion_tag("comments/_search_results.html")
def comment_search_results(query):
    """The published comments matching a query (a blog.search.Query, or the text typed), best first."""
    if not isinstance(query, post_search.Query):
        query = post_search.parse(str(query or ""))
    return {"query": query, "comments": search_comments(query), "limit": RESULTS}
