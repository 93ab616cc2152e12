"""Causerie's backup, `causerie-backup/1` (docs/import-export.md): one JSON object, written post by post."""

import json
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from transfer import export

FORMAT = "causerie-backup/1"


def _date(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def chunks(*, emails: bool = True) -> Iterator[str]:
    """The whole blog as one JSON object; each post is serialized and written on its own."""
    head = {
        "format": FORMAT,
        "exported_at": _date(timezone.now()),
        "site": {"url": settings.SITE_URL},
        "categories": [
            {"slug": c.slug, "name": c.name, "parent": c.parent.slug if c.parent else ""} for c in export.categories()
        ],
        "tags": [{"slug": t.slug, "name": t.name} for t in export.tags()],
    }
    yield (json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "posts": [')
    for n, post in enumerate(export.entries()):
        yield (("," if n else "") + "\n  " + json.dumps(post_record(post, emails=emails), ensure_ascii=False))
    yield ("\n ]\n}\n")


def write(out, *, emails: bool = True) -> None:
    """The same text written to `out` (a file, stdout)."""
    for chunk in chunks(emails=emails):
        out.write(chunk)


def post_record(post, *, emails: bool) -> dict:
    return {
        "id": post.pk,
        "kind": post.kind,
        "title": post.title,
        "slug": post.slug,
        "body": post.body,
        "body_format": post.body_format,
        "status": post.status,
        "published_at": _date(post.published_at),
        "updated_at": _date(post.updated_at),
        "comments_open": post.comments_open,
        "author_email": post.author.email if emails else "",
        "categories": [c.slug for c in post.categories.all()],
        "tags": [t.slug for t in post.tags.all()],
        "comments": [comment_record(c, emails=emails) for c in post.comments.all()],
    }


def comment_record(comment, *, emails: bool) -> dict:
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "author_name": export.commenter_name(comment),
        "author_email": export.commenter_email(comment) if emails else "",
        "body": comment.body,
        "status": comment.status,
        "created_at": _date(comment.created_at),
        "removed_at": _date(comment.removed_at),
    }
