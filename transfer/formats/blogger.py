"""Blogger's classic Atom backup (Settings → Back up content), read as neutral records.

Each <entry> says what it is by a `…/g/2005#kind` category: post, page, comment, settings, template.
Settings and template entries are never imported (they hold the owner's e-mail). A draft carries
`<app:control><app:draft>yes`. A comment names its post by `thr:in-reply-to/@ref` (not by URL: the
post's link may be https while the comment's is http) and its parent comment by a `related` link.

Blogger lists the comments after all the posts: they are kept, per post, until the end of the file
and then given as `Thread` records (memory grows with the comments' text, unlike WXR).
"""

import html
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from urllib.parse import urlsplit

from django.utils.text import slugify

from transfer.formats.records import CommentRecord, Entry, Site, Skipped, Term, Thread
from transfer.formats.xmlinput import iter_elements, split_tag

ATOM = "http://www.w3.org/2005/Atom"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
THR = "http://purl.org/syndication/thread/1.0"
_NUMBER = re.compile(r"(?:post|page)-(\d+)$")
# Comment HTML escaped once more than Atom needs: no real tag, but escaped ones or an escaped entity.
_REAL_TAG = re.compile(r"<[a-zA-Z/!]")
_ESCAPED_MARKUP = re.compile(r"&lt;/?[a-zA-Z]|&amp;(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def looks_like(head: bytes) -> bool:
    return b"<feed" in head and b"blogger.com" in head


def read(stream, warn: Callable[[str], None]) -> Iterator:
    """Site, then each post or page (Entry) and skipped entry, then each post's comments (Thread)."""
    depth, site, announced, threads, titles = 0, "", False, {}, {}
    for event, element in iter_elements(stream, warn):
        depth += 1 if event == "start" else -1
        if event == "start" or depth != 1:
            continue
        local = element.tag.removeprefix(f"{{{ATOM}}}")
        if local == "link" and element.get("rel") == "alternate":
            site = site or element.get("href", "").rstrip("/")
        elif local == "entry":
            if not announced:
                yield Site(url=site)
                announced = True
            yield from _entry(element, threads, titles)
            element.clear()
    for source_id, comments in threads.items():
        yield Thread(source_id=source_id, title=titles.get(source_id, ""), comments=comments)


def _entry(element, threads: dict, titles: dict) -> Iterator:
    kind = next(
        (
            c.get("term", "").rpartition("#")[2]
            for c in element.iterfind(f"{{{ATOM}}}category")
            if c.get("scheme") == KIND_SCHEME
        ),
        "",
    )
    if kind in ("post", "page"):
        entry = _post(element, kind)
        titles[entry.source_id] = entry.title
        yield entry
    elif kind == "comment":
        target = element.find(f"{{{THR}}}in-reply-to")
        post_id = _number(target.get("ref", "")) if target is not None else ""
        threads.setdefault(post_id, []).append(_comment(element))
    else:
        yield Skipped(kind=kind or "unknown")


def _number(atom_id: str) -> str:
    match = _NUMBER.search(atom_id.strip())
    return match.group(1) if match else atom_id.strip()


def _text(element, name: str) -> str:
    found = element.find(f"{{{ATOM}}}{name}")
    return (found.text or "").strip() if found is not None else ""


def _date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def _alternate(element) -> str:
    for link in element.iterfind(f"{{{ATOM}}}link"):
        if link.get("rel") == "alternate":
            return link.get("href", "")
    return ""


def _post(element, kind: str) -> Entry:
    draft = any((child.text or "").strip() == "yes" for child in element.iter() if split_tag(child.tag)[1] == "draft")
    link = _alternate(element)
    path = urlsplit(link).path
    slug = path.rsplit("/", 1)[-1].removesuffix(".html") if path else ""
    labels = [
        Term("tag", slugify(c.get("term", "")) or c.get("term", ""), c.get("term", ""))
        for c in element.iterfind(f"{{{ATOM}}}category")
        if c.get("scheme") == LABEL_SCHEME and c.get("term")
    ]
    return Entry(
        source_id=_number(_text(element, "id")),
        kind=kind,
        title=_text(element, "title"),
        slug=slug,
        body=_text(element, "content"),
        status="draft" if draft else "publish",
        date=_date(_text(element, "published")),
        link=link,
        author_login=_author(element)[0],
        tags=labels,
        old_paths=[path] if path else [],
    )


def _author(element) -> tuple[str, str]:
    author = element.find(f"{{{ATOM}}}author")
    if author is None:
        return "", ""
    return _text(author, "name"), _text(author, "email")


def _comment(element) -> CommentRecord:
    parent = ""
    for link in element.iterfind(f"{{{ATOM}}}link"):
        if link.get("rel") == "related":
            parent = link.get("href", "").rstrip("/").rsplit("/", 1)[-1]
    name, email = _author(element)
    source_id = _number(_text(element, "id"))
    return CommentRecord(
        source_id=source_id,
        parent_id=parent,
        author_name=name,
        author_email=email,
        date=_date(_text(element, "published")),
        body=comment_html(_text(element, "content")),
        status="approved",
        old_url=_comment_url(element, source_id),
    )


def comment_html(text: str) -> str:
    """A comment's HTML as Blogger meant it: some exports escape it twice (`&lt;br /&gt;c&amp;#39;est`,
    once the XML is read), which is decoded once here; the text is then read as any comment's HTML."""
    if _REAL_TAG.search(text) or not _ESCAPED_MARKUP.search(text):
        return text
    return html.unescape(text)


def _comment_url(element, source_id: str) -> str:
    """The comment's own link (`…/slug.html?showComment=1291062944027#c559…`), else its post's with its id."""
    link = _alternate(element)
    if "showComment=" in link:
        return link
    target = element.find(f"{{{THR}}}in-reply-to")
    post_url = target.get("href", "") if target is not None else ""
    return f"{post_url}?showComment={source_id}" if post_url and source_id else ""
