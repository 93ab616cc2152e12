"""Disqus's XML export, read as neutral records: each thread's comments, to attach to posts already here.

A thread names the page it was on by its <link>; the import matches it against the old addresses
known from an earlier import (Redirect rows) or a post's address here, and lists the threads it
cannot match with their comment counts: nothing is invented. A deleted comment comes in rejected
(never shown), a spam one as spam. Comments are held per thread until the end of the file.
"""

from collections.abc import Callable, Iterator
from datetime import datetime

from transfer.formats.records import CommentRecord, Site, Thread
from transfer.formats.xmlinput import iter_elements, split_tag

DSQ = "http://disqus.com/disqus-internals"
DSQ_ID = f"{{{DSQ}}}id"


def looks_like(head: bytes) -> bool:
    return b"<disqus" in head


def read(stream, warn: Callable[[str], None]) -> Iterator:
    """Site (the forum), then each thread's comments (Thread, with the thread's link)."""
    depth, state = 0, {"forum": "", "threads": {}, "comments": {}}
    for event, element in iter_elements(stream, warn):
        depth += 1 if event == "start" else -1
        if event == "end" and depth == 1:
            _take(element, state)
            element.clear()
    forum = state["forum"]
    yield Site(url=f"disqus:{forum}" if forum else "disqus")
    for thread_id, records in state["comments"].items():
        link, title = state["threads"].get(thread_id, ("", ""))
        yield Thread(source_id=thread_id, title=title or link, comments=records, link=link)


def _take(element, state: dict) -> None:
    """A top-level element: a category or thread (its forum, its link), or a post (a comment)."""
    local = split_tag(element.tag)[1]
    fields = {split_tag(child.tag)[1]: child for child in element}
    if local in ("category", "thread"):
        state["forum"] = state["forum"] or _text(fields, "forum")
    if local == "thread":
        state["threads"][element.get(DSQ_ID, "")] = (_text(fields, "link"), _text(fields, "title"))
    elif local == "post":
        thread = fields.get("thread")
        thread_id = thread.get(DSQ_ID, "") if thread is not None else ""
        state["comments"].setdefault(thread_id, []).append(_comment(element, fields))


def _text(fields: dict, name: str) -> str:
    element = fields.get(name)
    return (element.text or "").strip() if element is not None else ""


def _comment(element, fields: dict) -> CommentRecord:
    author = {split_tag(child.tag)[1]: child for child in fields.get("author", [])}
    parent = fields.get("parent")
    if _text(fields, "isDeleted") == "true":
        status = "rejected"
    elif _text(fields, "isSpam") == "true":
        status = "spam"
    else:
        status = "approved"
    try:
        date = datetime.fromisoformat(_text(fields, "createdAt").replace("Z", "+00:00"))
    except ValueError:
        date = None
    return CommentRecord(
        source_id=element.get(DSQ_ID, ""),
        parent_id=parent.get(DSQ_ID, "") if parent is not None else "",
        author_name=_text(author, "name"),
        author_email=_text(author, "email") if _text(author, "isAnonymous") != "true" else "",
        date=date,
        body=_text(fields, "message"),
        status=status,
    )
