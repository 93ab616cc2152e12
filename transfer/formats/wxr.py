"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2, WordPress.com's too), read as a stream of neutral records.

The `wp:` namespace is matched by its prefix (http or https, any version); a field may or may not be
CDATA-wrapped (the parser gives the same text); WXR 1.0 lists each item term twice and calls tags
`domain="tag"`: the terms are merged by name. Each <item> is turned into a record and cleared, so
memory stays bounded whatever the file's size.
"""

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from django.utils.text import slugify

from transfer import content
from transfer.formats.records import Author, CommentRecord, Entry, Site, Skipped, Term
from transfer.formats.xmlinput import iter_elements, split_tag

_WP = re.compile(r"^https?://wordpress\.org/export/[0-9.]+/(excerpt/)?$")
_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
_COMMENT_STATUS = {"1": "approved", "approve": "approved", "0": "pending", "hold": "pending", "spam": "spam"}
_CHANNEL_FIELDS = {"wp:author", "wp:category", "wp:tag", "link", "title", "wp:base_blog_url"}


@lru_cache(maxsize=512)  # a file holds a few dozen distinct tags, each seen thousands of times
def qualified(tag: str) -> str:
    """'{http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id' (prefix by namespace, version aside)."""
    namespace, local = split_tag(tag)
    if not namespace:
        return local
    wordpress = _WP.match(namespace)
    if wordpress:
        return f"{'excerpt' if wordpress.group(1) else 'wp'}:{local}"
    return f"{_PREFIXES.get(namespace, namespace)}:{local}"


def looks_like(head: bytes) -> bool:
    """Whether the first bytes of a file are a WXR export."""
    return b"<rss" in head and b"wordpress.org/export/" in head


def read(stream, warn: Callable[[str], None]) -> Iterator:
    """Site, Author, Term, Entry and Skipped records, in the order of the file."""
    stack, attachments, site = [], {}, {"url": "", "title": ""}
    for event, element in iter_elements(stream, warn):
        if event == "start":
            stack.append(element)
            continue
        stack.pop()
        name = qualified(element.tag)
        parent = qualified(stack[-1].tag) if stack else ""
        if parent == "channel" and name in _CHANNEL_FIELDS:
            yield from _channel_field(name, element, site)
        elif name == "item" and parent == "channel":
            if site is not None:
                site["url"] = site["url"] or _site_of(_fields(element).get("link", ""))
                yield Site(url=site["url"].rstrip("/"), title=site["title"])
                site = None
            yield _item(element, attachments, warn)
            stack[-1].remove(element)
        elif name == "channel" and site is not None:
            yield Site(url=site["url"].rstrip("/"), title=site["title"])


def _site_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def _channel_field(name: str, element, site: dict | None) -> Iterator:
    fields = _fields(element)
    if name in _CHANNEL_RECORDS:
        yield _CHANNEL_RECORDS[name](fields)
    elif site is not None and name in ("link", "wp:base_blog_url") and not site["url"]:
        site["url"] = (element.text or "").strip()
    elif site is not None and name == "title":
        site["title"] = (element.text or "").strip()
    element.clear()


def _author(fields: dict) -> Author:
    return Author(
        login=fields.get("wp:author_login", ""),
        email=fields.get("wp:author_email", "").strip(),
        name=fields.get("wp:author_display_name", ""),
    )


def _category(fields: dict) -> Term:
    name = fields.get("wp:cat_name", "")
    slug = fields.get("wp:category_nicename", "") or slugify(name)
    return Term("category", slug, name or slug, fields.get("wp:category_parent", ""))


def _tag(fields: dict) -> Term:
    slug = fields.get("wp:tag_slug", "") or slugify(fields.get("wp:tag_name", ""))
    return Term("tag", slug, fields.get("wp:tag_name", "") or slug)


_CHANNEL_RECORDS = {"wp:author": _author, "wp:category": _category, "wp:tag": _tag}


def _fields(element) -> dict[str, str]:
    """The text of each child element, by qualified name (the first of each name)."""
    fields = {}
    for child in element:
        fields.setdefault(qualified(child.tag), (child.text or "").strip())
    return fields


def _item(element, attachments: dict, warn) -> Entry | Skipped:
    fields = _fields(element)
    post_type = fields.get("wp:post_type") or "post"
    source_id = fields.get("wp:post_id") or _id_from_link(fields.get("link", "")) or fields.get("guid", "")
    if post_type == "attachment":
        attachments[source_id] = fields.get("wp:attachment_url", "")
    if post_type not in ("post", "page"):
        return Skipped(kind=post_type)
    title = fields.get("title", "")
    entry = Entry(
        source_id=source_id or fields.get("link", "") or title,
        kind=post_type,
        title=title,
        slug=fields.get("wp:post_name", ""),
        body=content.wordpress_html(fields.get("content:encoded", ""), attachments, warn=warn, where=title),
        status=fields.get("wp:status") or "draft",
        date=_entry_date(fields),
        link=fields.get("link", ""),
        author_login=fields.get("dc:creator", ""),
        password=bool(fields.get("wp:post_password")),
    )
    entry.categories, entry.tags = _terms(element)
    entry.comments = [_comment(child) for child in element if qualified(child.tag) == "wp:comment"]
    entry.old_paths = _old_paths(entry)
    return entry


def _id_from_link(link: str) -> str:
    query = parse_qs(urlsplit(link).query)
    return (query.get("p") or query.get("page_id") or [""])[0]


_TERM_DOMAINS = {"category": "category", "post_tag": "tag", "tag": "tag"}


def _terms(element) -> tuple[list[Term], list[Term]]:
    """The item's categories and tags, each once (WXR 1.0 lists each twice, once without its slug)."""
    found: dict[tuple[str, str], Term] = {}
    for child in element:
        term = _item_term(child)
        if term is None:
            continue
        key = (term.kind, term.name.lower())
        if key not in found or (term.slug and not found[key].slug):
            found[key] = term
    return _by_kind([t if t.slug else Term(t.kind, slugify(t.name) or t.name, t.name) for t in found.values()])


def _by_kind(terms: list[Term]) -> tuple[list[Term], list[Term]]:
    return [t for t in terms if t.kind == "category"], [t for t in terms if t.kind == "tag"]


def _item_term(child) -> Term | None:
    """A <category> of an item as a term (its slug "" when the element gives none), or None."""
    if qualified(child.tag) != "category":
        return None
    kind = _TERM_DOMAINS.get(child.get("domain") or "category")
    name = (child.text or "").strip()
    if kind is None or not name:
        return None
    return Term(kind, child.get("nicename") or "", name)


def _comment(element) -> CommentRecord:
    fields = _fields(element)
    raw_status = fields.get("wp:comment_approved", "1")
    return CommentRecord(
        source_id=fields.get("wp:comment_id", ""),
        parent_id="" if fields.get("wp:comment_parent", "0") in ("", "0") else fields["wp:comment_parent"],
        author_name=fields.get("wp:comment_author", ""),
        author_email=fields.get("wp:comment_author_email", "").strip(),
        date=_wp_date(fields.get("wp:comment_date_gmt")) or _wp_date(fields.get("wp:comment_date")),
        body=fields.get("wp:comment_content", ""),
        status=_COMMENT_STATUS.get(raw_status, "rejected"),  # trash, post-trashed: never shown
        type=fields.get("wp:comment_type", "") if fields.get("wp:comment_type") != "comment" else "",
    )


def _entry_date(fields: dict) -> datetime | None:
    """The GMT date, else the local one (taken as UTC), else the RSS pubDate; None for an undated draft."""
    date = _wp_date(fields.get("wp:post_date_gmt")) or _wp_date(fields.get("wp:post_date"))
    if date is None and fields.get("pubDate"):
        try:
            date = parsedate_to_datetime(fields["pubDate"])
        except (TypeError, ValueError):
            date = None
    return date


def _wp_date(value: str | None) -> datetime | None:
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _old_paths(entry: Entry) -> list[str]:
    """Where the old blog answered for this entry: its permalink's path and `/?p=ID` (`/?page_id=ID`)."""
    paths = []
    if entry.source_id.isdigit():
        paths.append(f"/?{'page_id' if entry.kind == 'page' else 'p'}={entry.source_id}")
    if entry.link:
        parts = urlsplit(entry.link)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if path != "/" and path not in paths:
            paths.append(path)
    return paths
