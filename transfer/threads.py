"""An entry's comments brought in: threads, dates, statuses, duplicates, depth, all in a few queries.

New comments are created in bulk, level by level (a reply needs its parent's id); an existing one
(same source id) is left as it is when unchanged, updated when it changed on the old blog, and kept
when a moderator decided on it here since. The post is refreshed once, through the comments' own
service (`post_refresh_comments`), so its count and cached thread follow.
"""

import hashlib

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.models import Comment, HoldReason
from comments.moderation import IMPORTED_PENDING
from comments.services import post_refresh_comments
from markup.render import read_comment
from transfer import content
from transfer.models import Source

SKIPPED_TYPES = {"pingback", "trackback"}


def _fingerprint(record, parent_id: str) -> str:
    parts = (parent_id, record.author_name, record.author_email, str(record.date), record.body, record.status)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _text(record) -> str:
    return record.body if record.plain else content.comment_text(record.body)


def import_comments(*, post, entry, site: str, fmt: str, commenters, report) -> None:
    """Bring in `entry.comments` onto `post` (already saved)."""
    records = _wanted(entry, report)
    known = {
        source.source_id: source
        for source in Source.objects.filter(
            format=fmt, site=site, kind=Source.Kind.COMMENT, source_id__startswith=f"{entry.source_id}/"
        )
    }
    ids = {record.source_id for record in records}
    levels, parents = _levels(records, ids, report, entry.title)
    created, changed = {}, False
    for depth, level in enumerate(levels):
        fresh = []
        for record in level:
            source = known.get(f"{entry.source_id}/{record.source_id}")
            if source is not None:
                created[record.source_id] = source.object_id
                changed |= _refresh(source, record, parents.get(record.source_id, ""), report)
                continue
            fresh.append(record)
        if fresh:
            where = {"fmt": fmt, "site": site, "entry_id": entry.source_id, "depth": depth}
            _create(post, fresh, parents, created, commenters, report, **where)
            changed = True
    if changed:
        post_refresh_comments(post_id=post.pk)


def _wanted(entry, report) -> list:
    """The entry's comments worth importing: pingbacks and trackbacks counted and left, duplicates once."""
    seen, wanted = set(), []
    for record in entry.comments:
        if record.type in SKIPPED_TYPES:
            report.skipped[record.type] += 1
            continue
        same = (record.author_name, record.author_email.lower(), record.date, record.body.strip())
        if same in seen or not record.source_id:
            report.skipped["duplicate"] += 1
            continue
        seen.add(same)
        report.comments[record.status] += 1
        wanted.append(record)
    return wanted


def _levels(records, ids: set, report, where: str) -> tuple[list[list], dict[str, str]]:
    """Records by depth (parents first), and each one's parent as imported.

    A reply whose parent is missing becomes top-level (with a warning); one deeper than
    COMMENTS_MAX_DEPTH goes under its deepest allowed ancestor, at the last level.
    """
    by_id = {record.source_id: record for record in records}
    parents = {}
    for record in records:
        if record.parent_id and record.parent_id not in ids:
            report.warn(_("« %(where)s » : réponse sans son parent, mise au premier niveau.") % {"where": where})
            continue
        if record.parent_id:
            parents[record.source_id] = record.parent_id
    depth = {}

    def depth_of(source_id: str, seen=()) -> int:
        if source_id not in depth:
            parent = parents.get(source_id)
            cyclic = parent in seen or parent == source_id
            depth[source_id] = 0 if not parent or cyclic else depth_of(parent, (*seen, source_id)) + 1
        return depth[source_id]

    deepest = settings.COMMENTS_MAX_DEPTH - 1
    levels: list[list] = [[] for _ in range(deepest + 1)]
    for record in records:
        while depth_of(record.source_id) > deepest:
            parents[record.source_id] = parents[parents[record.source_id]]
            depth.clear()
        levels[depth_of(record.source_id)].append(by_id[record.source_id])
    return levels, parents


def _create(post, records, parents, created, commenters, report, *, fmt: str, site: str, entry_id: str, depth: int):
    commenters.prepare([(record.author_name, record.author_email) for record in records])
    comments = []
    for record in records:
        body = _text(record)
        parent_pk = created.get(parents.get(record.source_id, ""))
        comment = Comment(
            post=post,
            parent_id=parent_pk,
            depth=depth if parent_pk is not None else 0,
            author=commenters.user_for(record.author_name, record.author_email),
            body=body,
            status=record.status,
            moderated_at=None if record.status == Comment.Status.PENDING else timezone.now(),
            removed_at=record.removed_at,
        )
        comment.use_text(read_comment(body))
        comments.append(comment)
    Comment.objects.bulk_create(comments, batch_size=500)
    for record, comment in zip(records, comments, strict=True):
        comment.created_at = record.date or timezone.now()
        created[record.source_id] = comment.pk
    Comment.objects.bulk_update(comments, ["created_at"], batch_size=500)
    HoldReason.objects.bulk_create(
        [HoldReason(comment=c, position=0, code=IMPORTED_PENDING) for c in comments if c.status == "pending"]
    )
    Source.objects.bulk_create(
        [
            Source(
                format=fmt,
                site=site,
                kind=Source.Kind.COMMENT,
                source_id=f"{entry_id}/{record.source_id}",
                object_id=comment.pk,
                fingerprint=_fingerprint(record, parents.get(record.source_id, "")),
            )
            for record, comment in zip(records, comments, strict=True)
        ]
    )
    report.created += len(comments)


def _refresh(source, record, parent_id: str, report) -> bool:
    """An already imported comment: unchanged, updated from the source, or kept as decided here."""
    fingerprint = _fingerprint(record, parent_id)
    if fingerprint == source.fingerprint:
        report.unchanged += 1
        return False
    comment = Comment.objects.filter(pk=source.object_id).first()
    if comment is None or comment.moderated_by_id is not None or comment.edited_at is not None:
        report.kept.append(_("commentaire %(id)s") % {"id": record.source_id})
        return False
    comment.body = _text(record)
    comment.status = record.status
    comment.save()
    source.fingerprint = fingerprint
    source.save(update_fields=["fingerprint", "imported_at"])
    report.updated += 1
    return True
