"""Importing a blog: one transaction, all or nothing, the same report whether it writes or not (dry run).

    transfer/formats/xmlinput.py   the file opened (zip checked), repaired or refused, streamed
    transfer/formats/<format>.py   neutral records: site, authors, terms, entries with their comments
    transfer/services.py           terms, posts and pages, their old addresses (this module)
    transfer/threads.py            each entry's comments, threads kept, in bulk
    transfer/commenters.py         who wrote each comment (claimable later: transfer/claims.py)

Each imported object has a Source row: a second import of the same file finds everything unchanged;
a newer export updates what changed there, and keeps (and lists) what was edited here since.
"""

import hashlib
import io
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blog.models import Category, Post, Tag
from transfer.commenters import Commenters
from transfer.formats import blogger, causerie_json, disqus, takeout, wxr
from transfer.formats.records import Author, Entry, Site, Skipped, Term, Thread
from transfer.formats.xmlinput import ImportRefused, open_export
from transfer.media import Media
from transfer.models import Redirect, Source
from transfer.pending import NewPosts, PostRows
from transfer.report import Report
from transfer.threads import CommentBatch

# Asked in this order: Takeout before Blogger, whose test (a feed naming blogger.com) a Takeout feed passes too.
READERS = {"wxr": wxr, "takeout": takeout, "blogger": blogger, "disqus": disqus, "json": causerie_json}
OLD_FEEDS = {
    "/feed/": "blog:feed_rss",
    "/feed/atom/": "blog:feed_atom",
    "/comments/feed/": "blog:feed_rss",
    "/feeds/posts/default": "blog:feed_atom",  # Blogger
}


def detect(head: bytes) -> str:
    """The format of an export from its first bytes."""
    for name, reader in READERS.items():
        if reader.looks_like(head):
            return name
    raise ImportRefused(
        _(
            "Format non reconnu : ni WXR (WordPress), ni Blogger (sauvegarde ou Takeout), ni Disqus, "
            "ni sauvegarde Causerie."
        )
    )


def blog_import(
    *, path, format: str = "auto", dry_run: bool = False, author_email: str = "", media_from="", progress=None
) -> Report:
    """Import the export at `path`; with `dry_run`, do it all and roll it back. ImportRefused: nothing written.

    `media_from`: a local folder the posts' images are copied from (transfer/media.py).
    """
    report = Report(dry_run=dry_run)
    media = Media(media_from, report, store=not dry_run) if media_from else None
    fallback_author = _user_by_email(author_email) if author_email else None
    if author_email and fallback_author is None:
        raise ImportRefused(_("Aucun compte n’a l’adresse %(email)s.") % {"email": author_email})
    with open_export(path) as raw:
        stream = io.BufferedReader(raw, 1 << 16) if not isinstance(raw, io.BufferedReader) else raw
        report.format = detect(stream.peek(4096)[:4096]) if format == "auto" else format
        if report.format not in READERS:
            raise ImportRefused(_("Format non pris en charge : %(format)s.") % {"format": report.format})
        with transaction.atomic():
            importer = _Importer(report, fallback_author, media)
            try:
                for record in READERS[report.format].read(stream, report.warn):
                    importer.take(record)
                    if progress is not None and isinstance(record, (Entry, Thread)):
                        progress(report)
                importer.finish()
            finally:
                importer.close()
            if dry_run:
                transaction.set_rollback(True)
    return report


def _user_by_email(email: str):
    return get_user_model().objects.filter(email__iexact=email.strip()).first()


def _fingerprint(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()


class _Importer:
    """The records of one file, taken in order."""

    def __init__(self, report: Report, fallback_author, media: Media | None = None):
        self.report, self.fallback_author, self.media = report, fallback_author, media
        self.site, self.authors, self.terms = "", {}, {}
        self.commenters, self.comments = None, None
        self.seen: dict[str, int] = {}
        self.post_sources: dict[str, Source] = {}  # this site's posts imported before, read once
        self.rows = PostRows(report)  # new posts' sources and old addresses, written in bulk
        self.slugs: set[str] | None = None  # every post's slug, read at the first new post
        self.new_posts = NewPosts(then=self._created)  # written in bulk, then given their comments

    def take(self, record) -> None:
        if isinstance(record, Site):
            self.site = self.report.site = record.url or "?"
            self.commenters = Commenters(format=self.report.format, site=self.site, report=self.report)
            self.comments = CommentBatch(
                fmt=self.report.format, site=self.site, commenters=self.commenters, report=self.report
            )
            self.post_sources = {
                source.source_id: source
                for source in Source.objects.filter(format=self.report.format, site=self.site, kind=Source.Kind.POST)
            }
        elif isinstance(record, Author):
            self.authors[record.login] = record
        elif isinstance(record, Term):
            self._term(record)
        elif isinstance(record, Skipped):
            self.report.skipped[record.kind] += 1
        elif isinstance(record, Entry):
            self._entry(record)
        elif isinstance(record, Thread):
            self.new_posts.flush()  # a thread's post may be one of them
            self._thread(record)

    def close(self) -> None:
        """The comments' render workers stopped, whatever happened."""
        if self.comments is not None:
            self.comments.close()

    def finish(self) -> None:
        """The last comments written; the old feed addresses answer with the new feeds."""
        from django.urls import reverse

        self.new_posts.flush()
        if self.comments is not None:
            self.comments.flush()
        self.rows.flush()
        for old, name in OLD_FEEDS.items():
            Redirect.objects.get_or_create(old_path=old, defaults={"target_url": reverse(name)})

    # Terms

    def _term(self, term: Term):
        key = (term.kind, term.slug)
        if key in self.terms:
            return self.terms[key]
        model = Category if term.kind == "category" else Tag
        slug = (slugify(term.slug) or slugify(term.name) or "terme")[:50]
        found = model.objects.filter(slug=slug).first()
        if found is None:
            name = _free_name(model, term.name.strip()[: 60 if model is Tag else 100] or slug, slug)
            found = model.objects.create(name=name, slug=slug)
        if term.kind == "category" and term.parent and found.parent_id is None:
            found.parent = self._term(Term("category", term.parent, term.parent))
            found.save(update_fields=["parent"])
        self.terms[key] = found
        return found

    # Posts and pages

    def _entry(self, entry: Entry) -> None:
        if entry.status == "trash":
            self.report.skipped["trash"] += 1
            return
        self._distinct_id(entry)
        status, date = self._state(entry)
        fingerprint = _fingerprint(  # of the source's fields: an undated draft is not « changed » each time
            entry.kind,
            entry.title,
            entry.slug,
            entry.body,
            entry.status,
            entry.date,
            entry.password,
            sorted(t.slug for t in entry.categories),
            sorted(t.slug for t in entry.tags),
        )
        post = self._upsert(entry, status, date, fingerprint)
        if post is not None:  # else a new post, written with others (NewPosts), then `_created`
            self.rows.add_redirects(post.pk, entry.old_paths)
            self.comments.add(post=post, entry=entry)

    def _thread(self, thread: Thread) -> None:
        """Comments given apart from their post: by its id (Blogger) or its address (Disqus), or listed unmatched."""
        post = _post_at(thread.link) if thread.link else self._post_by_source(thread.source_id)
        if post is None:
            count = len(thread.comments)
            self.report.unmatched_threads += 1
            self.report.skipped["orphan"] += count
            self.report.warn(
                ngettext(
                    "%(n)d commentaire sans son billet, ignoré (%(where)s).",
                    "%(n)d commentaires sans leur billet, ignorés (%(where)s).",
                    count,
                )
                % {"n": count, "where": thread.link or thread.source_id}
            )
            return
        self.comments.add(post=post, entry=thread)

    def _post_by_source(self, source_id: str):
        source = self.post_sources.get(source_id)
        return Post.objects.filter(pk=source.object_id).first() if source else None

    def _upsert(self, entry: Entry, status: str, date: datetime, fingerprint: str) -> Post | None:
        """The entry's post left unchanged, updated, or kept as edited here since the last import; None: a new
        post, queued to be written with others (`_created` follows)."""
        source = self.post_sources.get(entry.source_id)
        post = Post.objects.filter(pk=source.object_id).first() if source else None
        if post is None:
            self.new_posts.add(self._fill_post(Post(), entry, status, date), entry, fingerprint)
            return None
        if source.fingerprint == fingerprint:
            self.report.unchanged += 1
        elif source.stamp != post.updated_at:
            self.report.kept.append(post.title)
        else:
            self._save_post(post, entry, status, date)
            source.fingerprint, source.stamp = fingerprint, post.updated_at
            source.save()
            self.report.updated += 1
        return post

    def _distinct_id(self, entry: Entry) -> None:
        """A second item with the same id in one file (hand-made exports) is another entry: `ID~2`."""
        times = self.seen[entry.source_id] = self.seen.get(entry.source_id, 0) + 1
        if times > 1:
            self.report.warn(
                _("« %(title)s » : identifiant %(id)s déjà vu dans ce fichier, importé à part.")
                % {"title": entry.title, "id": entry.source_id}
            )
            entry.source_id = f"{entry.source_id}~{times}"

    def _state(self, entry: Entry) -> tuple[str, datetime]:
        """The post's status and date here, counted in the report. Private and protected posts: drafts."""
        date = entry.date or timezone.now()
        public = entry.status in ("publish", "future") and not entry.password
        if entry.status == "private" or entry.password:
            self.report.warn(
                _("« %(title)s » : privé ou protégé sur l’ancien site, importé en brouillon.") % {"title": entry.title}
            )
        if entry.kind == "page":
            self.report.pages += 1
        elif not public:
            self.report.posts["draft"] += 1
        else:
            self.report.posts["scheduled" if date > timezone.now() else "published"] += 1
        return (Post.Status.PUBLISHED if public else Post.Status.DRAFT), date

    def _created(self, post: Post, entry: Entry, fingerprint: str) -> None:
        """A new post written: its terms, its source, its old addresses and its comments."""
        for related, terms in ((post.categories, entry.categories), (post.tags, entry.tags)):
            if terms:
                related.set([self._term(term) for term in terms])
        source = self.post_sources.get(entry.source_id) or Source(
            format=self.report.format, site=self.site, kind=Source.Kind.POST, source_id=entry.source_id
        )
        source.object_id, source.fingerprint, source.stamp = post.pk, fingerprint, post.updated_at
        if source.pk is None:
            self.rows.add_source(source)
        else:
            source.save()  # its post was deleted here since: the row points at the new one
        self.post_sources[entry.source_id] = source
        self.report.created += 1
        self.rows.add_redirects(post.pk, entry.old_paths)
        self.comments.add(post=post, entry=entry)

    def _save_post(self, post: Post, entry: Entry, status: str, date: datetime) -> Post:
        self._fill_post(post, entry, status, date).save()
        for related, terms in ((post.categories, entry.categories), (post.tags, entry.tags)):
            related.set([self._term(term) for term in terms])
        return post

    def _fill_post(self, post: Post, entry: Entry, status: str, date: datetime) -> Post:
        post.title = (entry.title or _("(sans titre)"))[:200]
        post.kind = Post.Kind.PAGE if entry.kind == "page" else Post.Kind.POST
        post.body, post.body_format = entry.body, entry.body_format
        if self.media is not None and entry.body_format == "html":
            post.body = self.media.rewrite(entry.body, where=post.title)
        if entry.comments_open is not None:
            post.comments_open = entry.comments_open
        post.status, post.published_at = status, date
        if post.pk is None:
            post.slug = self._free_slug(entry.slug or entry.title, entry.source_id)
            post.author = self._author(entry.author_login)
        return post

    def _free_slug(self, text: str, source_id: str) -> str:
        """A slug no post has: the blog's slugs read once (a query per post was a round trip per post)."""
        if self.slugs is None:
            self.slugs = set(Post.objects.values_list("slug", flat=True))
        base = (slugify(text) or f"billet-{slugify(source_id) or 'importe'}")[:190]
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug

    def _author(self, login: str):
        author = self.authors.get(login)
        user = _user_by_email(author.email) if author and author.email else None
        user = user or self.fallback_author
        if user is None:
            raise ImportRefused(
                _("Aucun compte pour l’auteur « %(login)s » : créez-le, ou donnez --author EMAIL.") % {"login": login}
            )
        return user


def _post_at(link: str):
    """The post a URL of the old blog (an imported old address) or of this site names, or None."""
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    parts = urlsplit(link)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    row = Redirect.objects.filter(old_path=path, post__isnull=False).select_related("post").first()
    if row is not None:
        return row.post
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return None
    if match.url_name in ("post_detail", "page_detail") and "slug" in match.kwargs:
        return Post.objects.filter(slug=match.kwargs["slug"]).first()
    return None


def _free_name(model, name: str, slug: str) -> str:
    """The term's name, made distinct if another term already has it (WordPress allows two « Foo »)."""
    if not model.objects.filter(name=name).exists():
        return name
    return f"{name} ({slug})"[: model._meta.get_field("name").max_length]
