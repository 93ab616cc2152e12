"""Blogger's Google Takeout archive: `Takeout/Blogger/Blogs/<blog>/feed.atom`, read as neutral records.

The feed is Atom in the `http://schemas.google.com/blogger/2018` schema (not the classic backup's
`…/g/2005#kind` categories): each entry says what it is by `blogger:type` (POST, PAGE, COMMENT) and
where it stands by `blogger:status` (LIVE, DRAFT, SCHEDULED, SOFT_TRASHED for posts; LIVE, PENDING,
SPAM…, DELETED for comments); a non-empty `blogger:trashed` puts it in the trash. A post's old address
is `blogger:filename` (`/2011/10/slug.html`, `/p/about.html`); a comment names its post by
`blogger:parent` and the comment it answers by `blogger:inReplyTo` (empty: top level). Labels are the
`<category term>` without the kind scheme. No e-mail is given, for authors nor commenters.

Comments may come before their post: they are kept, per post, until the end of the file and given as
`Thread` records, as for the classic backup. An unknown status is never made public: a post becomes
a draft, a comment waits for a moderator, each with a warning. The archive's images (`Albums/`) are
not read here (`--media-from`).
"""

import re
from collections.abc import Callable, Iterator
from datetime import datetime

from django.utils.text import slugify
from django.utils.translation import gettext as _

from transfer.formats.records import CommentRecord, Entry, Site, Skipped, Term, Thread
from transfer.formats.xmlinput import iter_elements

ATOM = "http://www.w3.org/2005/Atom"
BLOGGER = "http://schemas.google.com/blogger/2018"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
_NUMBER = re.compile(r"(?:post|page|comment)-(\d+)$")
POST_STATUS = {"LIVE": "publish", "DRAFT": "draft", "SCHEDULED": "future", "SOFT_TRASHED": "trash"}
COMMENT_STATUS = {
    "LIVE": "approved",
    "PENDING": "pending",
    "SPAM": "spam",
    "SPAM_COMMENT": "spam",
    "DELETED": "rejected",
    "EMPTIED": "rejected",
    "SOFT_TRASHED": "rejected",
}


def looks_like(head: bytes) -> bool:
    return BLOGGER.encode() in head


def read(stream, warn: Callable[[str], None]) -> Iterator:
    """Site, then each post or page (Entry) and skipped entry, then each post's comments (Thread)."""
    depth, state = 0, {"site": "", "title": "", "announced": False, "threads": {}, "titles": {}}
    for event, element in iter_elements(stream, warn):
        depth += 1 if event == "start" else -1
        if event == "start" or depth != 1:
            continue
        local = element.tag.removeprefix(f"{{{ATOM}}}")
        if local == "entry":
            if not state["announced"]:
                yield Site(url=state["site"] or "blogger", title=state["title"])
                state["announced"] = True
            yield from _entry(element, state, warn)
            element.clear()
        else:
            _feed_field(local, element, state)
    if not state["announced"]:
        yield Site(url=state["site"] or "blogger", title=state["title"])
    for source_id, comments in state["threads"].items():
        yield Thread(source_id=source_id, title=state["titles"].get(source_id, ""), comments=comments)


def _feed_field(local: str, element, state: dict) -> None:
    """The blog's address (its alternate link, else `blogger:blog-ID` from the feed's id) and title."""
    if local == "link" and element.get("rel") == "alternate" and element.get("href"):
        state["site"] = element.get("href").rstrip("/")
    elif local == "id" and not state["site"]:
        blog = (element.text or "").strip().rpartition(":")[2]
        state["site"] = f"blogger:{blog}" if blog else ""
    elif local == "title":
        state["title"] = (element.text or "").strip()


def _entry(element, state: dict, warn) -> Iterator:
    kind = _blogger(element, "type").upper()
    if kind in ("POST", "PAGE"):
        entry = _post(element, kind.lower(), warn)
        state["titles"][entry.source_id] = entry.title
        yield entry
    elif kind == "COMMENT":
        post_id = _number(_blogger(element, "parent"))
        state["threads"].setdefault(post_id, []).append(_comment(element, warn))
    else:
        yield Skipped(kind=kind.lower() or "unknown")


def _blogger(element, name: str) -> str:
    found = element.find(f"{{{BLOGGER}}}{name}")
    return (found.text or "").strip() if found is not None else ""


def _text(element, name: str) -> str:
    found = element.find(f"{{{ATOM}}}{name}")
    return (found.text or "").strip() if found is not None else ""


def _number(atom_id: str) -> str:
    match = _NUMBER.search(atom_id.strip())
    return match.group(1) if match else atom_id.strip()


def _date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def _status(element, table: dict, unknown: str, warn, what: str) -> str:
    """The entry's status here; trashed wins; an unknown one is `unknown` (never public), with a warning."""
    raw = _blogger(element, "status").upper()
    if _blogger(element, "trashed"):
        return table.get("SOFT_TRASHED", "trash")
    if raw in table:
        return table[raw]
    warn(_("« %(what)s » : statut Blogger inconnu « %(status)s », rien de public.") % {"what": what, "status": raw})
    return unknown


def _post(element, kind: str, warn) -> Entry:
    title = _text(element, "title")
    status = _status(element, POST_STATUS, "draft", warn, title or _text(element, "id"))
    path = _blogger(element, "filename")
    slug = path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html") if path else ""
    labels = [
        Term("tag", slugify(c.get("term", "")) or c.get("term", ""), c.get("term", ""))
        for c in element.iterfind(f"{{{ATOM}}}category")
        if c.get("scheme") != KIND_SCHEME and c.get("term")
    ]
    return Entry(
        source_id=_number(_text(element, "id")),
        kind=kind,
        title=title,
        slug=slug,
        body=_text(element, "content"),
        status=status,
        date=_date(_text(element, "published")) or _date(_blogger(element, "created")),
        author_login=_author_name(element),
        tags=labels,
        old_paths=[path] if path.startswith("/") and status in ("publish", "future") else [],
    )


def _author_name(element) -> str:
    author = element.find(f"{{{ATOM}}}author")
    return _text(author, "name") if author is not None else ""


def _comment(element, warn) -> CommentRecord:
    source_id = _number(_text(element, "id"))
    return CommentRecord(
        source_id=source_id,
        parent_id=_number(_blogger(element, "inReplyTo")),
        author_name=_author_name(element),
        author_email="",  # Takeout gives none: a Blogger commenter keeps their name, and cannot claim
        date=_date(_text(element, "published")) or _date(_blogger(element, "created")),
        body=_text(element, "content"),
        status=_status(element, COMMENT_STATUS, "pending", warn, source_id),
    )
