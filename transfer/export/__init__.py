"""Moving a blog out: every post and page with its comments, read in chunks, written as a stream.

    transfer/export/__init__.py        what is exported, read in a constant number of queries a chunk
    transfer/export/causerie_json.py   Causerie's own backup (`causerie-backup/1`), read back by
                                       transfer/formats/causerie_json.py
    transfer/export/wxr.py             WordPress eXtended RSS 1.2, for WordPress's own importer

A writer is a function ``write(out, *, emails=True)`` writing text to `out` as it reads.
"""

from collections.abc import Iterator

from django.db.models import Prefetch

from blog.models import Category, Post, Tag
from comments.models import Comment

CHUNK = 100


def entries() -> Iterator[Post]:
    """Every post and page, oldest first, with its author, terms and comments (oldest first) prefetched."""
    comments = Comment.objects.select_related("author__imported_commenter").order_by("created_at", "pk")
    return (
        Post.objects.order_by("published_at", "pk")
        .select_related("author")
        .prefetch_related("categories", "tags", Prefetch("comments", queryset=comments))
        .iterator(chunk_size=CHUNK)
    )


def categories() -> list[Category]:
    """Every category, each after its parent (an importer creates the parent first)."""
    found = list(Category.objects.select_related("parent").order_by("name"))
    by_pk = {category.pk: category for category in found}

    def depth(category) -> int:
        seen, level = set(), 0
        while category.parent_id and category.parent_id in by_pk and category.pk not in seen:
            seen.add(category.pk)
            category, level = by_pk[category.parent_id], level + 1
        return level

    return sorted(found, key=lambda category: (depth(category), category.name))


def tags() -> list[Tag]:
    return list(Tag.objects.order_by("name"))


def commenter_email(comment: Comment) -> str:
    """The commenter's address: the account's, or an imported commenter's original one (never a .invalid)."""
    user = comment.author
    identity = getattr(user, "imported_commenter", None) if user.email.endswith(".invalid") else None
    if identity is not None:
        return identity.email
    return "" if user.email.endswith(".invalid") else user.email


def commenter_name(comment: Comment) -> str:
    return comment.author.display_name or ""
