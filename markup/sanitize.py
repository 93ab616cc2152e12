"""The HTML allowlists, in one place.

We sanitize with nh3 (Rust's ammonia), not bleach: bleach's maintainers
declared it unmaintained in 2026 and point to nh3. Anything not listed here is
removed; the contents of script-like elements are dropped entirely.
"""

import nh3
from django.conf import settings

URL_SCHEMES = {"http", "https", "mailto"}
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}

COMMENT_TAGS = {"p", "br", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li"}
COMMENT_LINK_REL = "nofollow ugc noopener"

POST_TAGS = COMMENT_TAGS | {"h2", "h3", "h4", "hr", "img", "figure", "figcaption"}
POST_LINK_REL = "noopener"


def _keep_leading_newline(html: str) -> str:
    """Serialize <pre> as HTML requires: a parser drops the newline right after <pre>, so one that
    belongs to the content is written twice (otherwise sanitizing the output again would lose it)."""
    return html.replace("<pre>\n", "<pre>\n\n")


def _until_stable(clean, html: str) -> str:
    """`clean(html)` again until nothing changes (twice at most in practice, capped at four).

    Removing a tag can leave what no parser builds: `<a><marquee><a></a></marquee></a>` loses its
    marquee (a scoping element, so the inner link was legal there) and becomes nested links, which the
    next parse splits into two. Cleaning the output again until it is stable makes the result what a
    browser, or the next sanitizing, reads the same way.
    """
    for _ in range(4):
        cleaner = clean(html)
        if cleaner == html:
            break
        html = cleaner
    return html


def sanitize_comment_html(html: str) -> str:
    """Keep only the small set of tags a comment may carry; every link gets rel="nofollow ugc noopener"."""
    return _until_stable(_clean_comment, html)


def without_links(html: str) -> str:
    """A comment's sanitized HTML with its links turned to plain text (the text of each link stays)."""
    return _keep_leading_newline(nh3.clean(html, tags=COMMENT_TAGS - {"a"}, attributes={"*": set()}))


def sanitize_post_html(html: str) -> str:
    """Allowlist for articles written by the site's authors (trusted, but still sanitized)."""
    return _until_stable(_clean_post, html)


def _clean_comment(html: str) -> str:
    clean = nh3.clean(
        html,
        tags=COMMENT_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes={"a": {"href"}, "*": set()},  # "*": nh3 would otherwise keep title and lang everywhere
        url_schemes=URL_SCHEMES,
        link_rel=COMMENT_LINK_REL,
    )
    return _keep_leading_newline(clean)


def _clean_post(html: str) -> str:
    clean = nh3.clean(
        html,
        tags=POST_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes={"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "*": set()},
        url_schemes=URL_SCHEMES,
        link_rel=POST_LINK_REL,
        attribute_filter=_own_images_only,
    )
    return _keep_leading_newline(clean)


def _own_images_only(tag: str, attribute: str, value: str) -> str | None:
    """An image in a post comes from this site (a path) or its media host, never from another site."""
    if tag == "img" and attribute == "src":
        media = settings.MEDIA_URL if "://" in settings.MEDIA_URL else None
        own = (value.startswith("/") and not value.startswith("//")) or (media and value.startswith(media))
        return value if own else None
    return value
