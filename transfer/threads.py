"""Entries' comments brought in: threads, dates, statuses, duplicates, depth, in batches of many posts.

The comments of successive entries are gathered (`CommentBatch.add`) and written together once about
`BATCH` of them wait (`flush`), so the queries grow with the batches, not with the comments:

    the Source rows of the batch's comments         one query (second import: what is known already)
    their commenters                                one query for the known addresses, new ones in bulk
    the new comments, level by level               one INSERT per level and chunk; a reply's parent id
                                                    comes from the ids the level above returned (in memory),
                                                    its date is written with it (no second write)
    hold reasons, Source rows                       in bulk
    the posts' counts and comment versions          one UPDATE (comments' posts_refresh_comments)

Each new comment is rendered as any other (`read_comment`: masked, sanitized) — most of an import's CPU — so a
big batch is rendered by worker processes (`Renderer`) while the main process makes its commenters.

An existing comment (same source id) is left as it is when unchanged, updated when it changed on the
old blog, and kept when a moderator decided on it here since.
"""

import hashlib
import multiprocessing
import os
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _

from comments.models import Comment, HoldReason
from comments.moderation import IMPORTED_PENDING
from comments.services import posts_refresh_comments
from markup.render import read_comment
from transfer import content
from transfer.models import Redirect, Source
from transfer.redirects import old_address

SKIPPED_TYPES = {"pingback", "trackback"}
BATCH = 2000  # comments written together: bounded memory, a few queries per batch
PARALLEL_MIN = 250  # texts sent to the render workers together; fewer, at the end of a batch, are rendered here


def _fingerprint(record, parent_id: str) -> str:
    parts = (parent_id, record.author_name, record.author_email, str(record.date), record.body, record.status)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _text(record) -> str:
    return record.body if record.plain else content.comment_text(record.body)


@dataclass
class _Item:
    """One entry's comments waiting in a batch: its post, its id in the source, the records, their parents."""

    post_id: int
    entry_id: str
    records: list
    levels: list[list]
    parents: dict[str, str]

    def key(self, record_id: str) -> str:
        return f"{self.entry_id}/{record_id}"


class CommentBatch:
    """The comments of one import, written a batch of entries at a time. `flush()` once at the end."""

    def __init__(self, *, fmt: str, site: str, commenters, report, size: int | None = None):
        self.fmt, self.site, self.commenters, self.report = fmt, site, commenters, report
        self.size = size or BATCH
        self.items: list[_Item] = []
        self.entry_ids: set[str] = set()
        self.waiting = 0
        self.renderer = Renderer()
        # A first import of this site (the usual case): every comment is new, so each is sent to be rendered as
        # soon as it is read, while the main process goes on reading and writing. Otherwise only the new ones,
        # once the batch has found which are known.
        self.eager = not Source.objects.filter(format=fmt, site=site, kind=Source.Kind.COMMENT).exists()
        self.bodies: dict[str, str] = {}

    def add(self, *, post, entry) -> None:
        """Count `entry.comments` in the report and queue those worth importing onto `post` (saved)."""
        records = _wanted(entry, self.report)
        if not records:
            return
        if entry.source_id in self.entry_ids:
            self.flush()  # the same entry twice in a batch (Blogger, Disqus): its first comments are written first
        self.entry_ids.add(entry.source_id)
        levels, parents = _levels(records, {r.source_id for r in records}, self.report, entry.title)
        item = _Item(post.pk, entry.source_id, records, levels, parents)
        self.items.append(item)
        self.waiting += len(records)
        if self.eager:
            self._render([(item.key(record.source_id), _text(record)) for record in records])
        if self.waiting >= self.size:
            self.flush()

    def flush(self) -> None:
        """Write what waits: a few queries whatever the number of comments and posts."""
        if not self.items:
            return
        items, self.items, self.entry_ids, self.waiting = self.items, [], set(), 0
        known = self._known(items)
        created: dict[str, int] = {}  # "entry/comment" in the source -> pk here
        changed: set[int] = set()
        fresh_levels = [self._level(items, depth, known, created, changed) for depth in range(len(items[0].levels))]
        fresh = [pair for level in fresh_levels for pair in level]
        if not self.eager:
            self._render([(item.key(record.source_id), _text(record)) for item, record in fresh])
        self.commenters.prepare([(record.author_name, record.author_email) for _item, record in fresh])
        bodies, texts, self.bodies = self.bodies, self.renderer.results(), {}
        for depth, level in enumerate(fresh_levels):
            if level:
                self._create(level, created, depth, bodies, texts)
                changed.update(item.post_id for item, _record in level)
        posts_refresh_comments(post_ids=sorted(changed))

    def _render(self, pairs: list[tuple[str, str]]) -> None:
        self.bodies.update(pairs)
        self.renderer.submit(pairs)

    def close(self) -> None:
        self.renderer.close()

    def _level(self, items, depth: int, known: dict, created: dict, changed: set) -> list[tuple]:
        """The records of this depth not imported yet; those already imported refreshed (and mapped)."""
        fresh = []
        for item in items:
            for record in item.levels[depth]:
                source = known.get(item.key(record.source_id))
                if source is None:
                    fresh.append((item, record))
                    continue
                created[item.key(record.source_id)] = source.object_id
                if _refresh(source, record, item.parents.get(record.source_id, ""), self.report):
                    changed.add(item.post_id)
        return fresh

    def _known(self, items: list[_Item]) -> dict[str, Source]:
        keys = [item.key(record.source_id) for item in items for record in item.records]
        rows = Source.objects.filter(format=self.fmt, site=self.site, kind=Source.Kind.COMMENT, source_id__in=keys)
        return {source.source_id: source for source in rows}

    def _create(self, fresh: list[tuple], created: dict[str, int], depth: int, bodies: dict, texts: dict) -> None:
        comments = [self._comment(item, record, created, depth, bodies, texts) for item, record in fresh]
        insert_as_given(comments)
        for (item, record), comment in zip(fresh, comments, strict=True):
            created[item.key(record.source_id)] = comment.pk
        HoldReason.objects.bulk_create(
            [HoldReason(comment=c, position=0, code=IMPORTED_PENDING) for c in comments if c.status == "pending"],
            batch_size=1000,
        )
        sources = [
            Source(
                format=self.fmt,
                site=self.site,
                kind=Source.Kind.COMMENT,
                source_id=item.key(record.source_id),
                object_id=comment.pk,
                fingerprint=_fingerprint(record, item.parents.get(record.source_id, "")),
            )
            for (item, record), comment in zip(fresh, comments, strict=True)
        ]
        Source.objects.bulk_create(sources, batch_size=1000)
        self.report.created += len(comments)
        self._old_addresses(fresh, comments)

    def _old_addresses(self, fresh: list[tuple], comments: list[Comment]) -> None:
        """A link to a comment on the old blog (Blogger's `?showComment=`) answers 301 to it here: `#comment-PK`."""
        wanted = {
            old_address(record.old_url): comment
            for (_item, record), comment in zip(fresh, comments, strict=True)
            if record.old_url
        }
        if not wanted:
            return
        taken = set(Redirect.objects.filter(old_path__in=list(wanted)).values_list("old_path", flat=True))
        rows = [
            Redirect(old_path=path, post_id=comment.post_id, fragment=f"comment-{comment.pk}")
            for path, comment in wanted.items()
            if path not in taken
        ]
        Redirect.objects.bulk_create(rows, batch_size=1000)
        self.report.redirects += len(rows)

    def _comment(self, item: _Item, record, created: dict[str, int], depth: int, bodies, texts) -> Comment:
        """The new comment, rendered like any other (masked, sanitized), dated as on the old blog."""
        key = item.key(record.source_id)
        body = bodies[key]
        parent_pk = created.get(item.key(item.parents.get(record.source_id, "")))
        now = timezone.now()
        comment = Comment(
            post_id=item.post_id,
            parent_id=parent_pk,
            depth=depth if parent_pk is not None else 0,
            author=self.commenters.user_for(record.author_name, record.author_email),
            body=body,
            status=record.status,
            moderated_at=None if record.status == Comment.Status.PENDING else now,
            removed_at=record.removed_at,
            created_at=record.date or now,
        )
        comment.use_text(texts[key])
        return comment


class Renderer:
    """`read_comment` over an import's texts: most of its CPU, so the texts go, PARALLEL_MIN at a time, to worker
    processes (forked: they only render, a pure function, and never touch the database) and come back when the
    batch is written; a few left over, or a small import, are rendered here. The same function either way: the
    same HTML, masks and links."""

    def __init__(self):
        self.pool = None
        self.workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 4)
        self.queue: list[tuple[str, str]] = []  # (key, text) not sent yet
        self.sent: list[tuple[list[str], object]] = []  # (keys, the workers' pending result)

    def submit(self, pairs: list[tuple[str, str]]) -> None:
        self.queue.extend(pairs)
        if len(self.queue) >= PARALLEL_MIN and self.workers > 1:
            if self.pool is None:
                self.pool = multiprocessing.get_context("fork").Pool(self.workers)
            keys, texts = zip(*self.queue, strict=True)
            self.sent.append((list(keys), self.pool.map_async(read_comment, texts, chunksize=50)))
            self.queue = []

    def results(self) -> dict:
        """Every text submitted since the last call, rendered: key -> CommentText."""
        done = {key: read_comment(text) for key, text in self.queue}
        for keys, pending in self.sent:
            done.update(zip(keys, pending.get(), strict=True))
        self.queue, self.sent = [], []
        return done

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None


def insert_as_given(comments: list[Comment]) -> None:
    """Insert new comments with every value as set, `created_at` included, their ids read back.

    bulk_create would give each the time of the insert (`created_at` is auto_now_add) and need a second
    write for the imported date; a raw insert — the path loaddata's saves take — keeps the value set.
    """
    if not comments:
        return
    opts = Comment._meta
    using = router.db_for_write(Comment)
    fields = [field for field in opts.concrete_fields if not field.generated and field is not opts.pk]
    size = min(max(connections[using].ops.bulk_batch_size(fields, comments), 1), 1000)
    returning = opts.db_returning_fields
    for start in range(0, len(comments), size):
        chunk = comments[start : start + size]
        rows = Comment._base_manager.using(using)._insert(chunk, fields, returning_fields=returning, raw=True)
        for comment, row in zip(chunk, rows, strict=True):
            for field, value in zip(returning, row, strict=True):
                setattr(comment, field.attname, value)
            comment._state.adding, comment._state.db = False, using


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
