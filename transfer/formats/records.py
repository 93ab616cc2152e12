"""The neutral records every reader produces: what a post, page, term, author or comment is, format aside."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Site:
    """The exported blog: its address (the `site` of every Source row) and its title."""

    url: str
    title: str = ""


@dataclass(frozen=True)
class Author:
    login: str
    email: str
    name: str = ""


@dataclass(frozen=True)
class Term:
    """A category (`kind="category"`, maybe with a parent) or a tag, by its slug in the source."""

    kind: str
    slug: str
    name: str
    parent: str = ""


@dataclass
class CommentRecord:
    source_id: str
    parent_id: str  # "" for a top-level comment
    author_name: str
    author_email: str
    date: datetime | None
    body: str  # HTML as the source holds it
    status: str  # approved | pending | spam | rejected
    type: str = ""  # "" for a comment, or pingback, trackback…
    plain: bool = False  # `body` is already Causerie's comment text (a Causerie backup), not HTML
    removed_at: datetime | None = None  # a Causerie backup: removed by its author, its replies kept
    old_url: str = ""  # where the old blog showed it (Blogger: the post's URL with ?showComment=…), or ""


@dataclass
class Entry:
    """A post or a page with its comments. `status`: publish, draft, future, private, pending, trash."""

    source_id: str
    kind: str  # post | page
    title: str
    slug: str
    body: str  # HTML (or Markdown, with body_format "markdown": a Causerie backup)
    status: str
    date: datetime | None
    link: str = ""
    author_login: str = ""
    password: bool = False
    categories: list[Term] = field(default_factory=list)
    tags: list[Term] = field(default_factory=list)
    comments: list[CommentRecord] = field(default_factory=list)
    old_paths: list[str] = field(default_factory=list)  # e.g. "/?p=12", besides the link's path
    body_format: str = "html"
    comments_open: bool | None = None  # None: as it is here (a new post: open)


@dataclass(frozen=True)
class Skipped:
    """An item read and deliberately left out (an attachment, a menu item, a revision…), counted by kind."""

    kind: str


@dataclass
class Thread:
    """The comments of an entry given earlier in the file (Blogger lists comments after every post)."""

    source_id: str  # the entry's (Disqus: the thread's own id)
    title: str = ""
    comments: list[CommentRecord] = field(default_factory=list)
    link: str = ""  # Disqus: the page the thread was on, matched against the posts here
