"""Causerie's own backup (`causerie-backup/1`, written by transfer/export/causerie_json.py), read back.

The file is one JSON object, read whole: a backup is the size of a blog's text. Bodies come in as
they were written here (Markdown or HTML, the post's `body_format`; a comment's text as typed), so
nothing is converted on the way back.
"""

import json
from collections.abc import Callable, Iterator
from datetime import datetime

from django.utils.translation import gettext as _

from transfer.formats.records import Author, CommentRecord, Entry, Site, Term
from transfer.formats.xmlinput import ImportRefused

FORMAT = "causerie-backup/1"
_POST_STATUS = {"published": "publish", "draft": "draft"}
_COMMENT_STATUS = {"approved", "pending", "spam", "rejected"}


def looks_like(head: bytes) -> bool:
    return b'"format"' in head and b"causerie-backup/" in head


def read(stream, warn: Callable[[str], None]) -> Iterator:
    """Site, Author, Term and Entry records, the categories each after its parent."""
    try:
        data = json.load(stream)
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportRefused(_("Sauvegarde illisible : %(error)s") % {"error": error}) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused(_("Ce fichier n’est pas une sauvegarde %(format)s.") % {"format": FORMAT})
    yield Site(url=(data.get("site") or {}).get("url", "").rstrip("/") or "causerie")
    posts = data.get("posts", [])
    for email in sorted({post.get("author_email") or "" for post in posts} - {""}):
        yield Author(login=email, email=email)
    names = yield from _terms(data)
    for post in posts:
        yield _entry(post, names)


def _terms(data: dict):
    """The Term records (each category after its parent, as written), and each term's name by (kind, slug)."""
    names = {}
    for category in data.get("categories", []):
        names["category", category["slug"]] = category["name"]
        yield Term("category", category["slug"], category["name"], category.get("parent") or "")
    for tag in data.get("tags", []):
        names["tag", tag["slug"]] = tag["name"]
        yield Term("tag", tag["slug"], tag["name"])
    return names


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _entry(post: dict, names: dict) -> Entry:
    return Entry(
        source_id=str(post["id"]),
        kind=post.get("kind", "post"),
        title=post.get("title", ""),
        slug=post.get("slug", ""),
        body=post.get("body", ""),
        body_format=post.get("body_format", "markdown"),
        status=_POST_STATUS.get(post.get("status", ""), "draft"),
        date=_date(post.get("published_at")),
        author_login=post.get("author_email") or "",
        categories=[Term("category", slug, names.get(("category", slug), slug)) for slug in post.get("categories", [])],
        tags=[Term("tag", slug, names.get(("tag", slug), slug)) for slug in post.get("tags", [])],
        comments=[_comment(comment) for comment in post.get("comments", [])],
        comments_open=post.get("comments_open"),
    )


def _comment(comment: dict) -> CommentRecord:
    status = comment.get("status", "pending")
    return CommentRecord(
        source_id=str(comment["id"]),
        parent_id=str(comment["parent"]) if comment.get("parent") else "",
        author_name=comment.get("author_name", ""),
        author_email=comment.get("author_email") or "",
        date=_date(comment.get("created_at")),
        body=comment.get("body", ""),
        status=status if status in _COMMENT_STATUS else "rejected",
        plain=True,
        removed_at=_date(comment.get("removed_at")),
    )
