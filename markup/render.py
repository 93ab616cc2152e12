"""Markdown to sanitized HTML.

Comments accept plain text (paragraphs, line breaks, bare URLs made into
links) and a small Markdown subset: emphasis, links, inline code, code
blocks, quotes and lists. Raw HTML typed by a reader is shown as text, never
interpreted, and the result still goes through the allowlist.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

from markup.personal_data import Finding, find_personal_data, mask_personal_data
from markup.sanitize import sanitize_comment_html, sanitize_post_html
from markup.typography import typographize

_COMMENT_RULES = [
    "emphasis",
    "link",
    "backticks",
    "fence",
    "code",
    "blockquote",
    "list",
    "newline",
    "linkify",
    "autolink",
    "escape",
]

_comment_md = MarkdownIt("zero", {"html": False, "linkify": True, "breaks": True, "typographer": False}).enable(
    _COMMENT_RULES
)
_post_md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False}).enable(["linkify"])


# Control characters have no place in text and no way into XML (the feeds): dropped on the way in.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STAR = "\ue000"
# Around each mask when a moderator's view highlights them; turned into <mark> after sanitizing, out of tags only.
_MARK_OPEN, _MARK_CLOSE = "\ue001", "\ue002"
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_UNMARK = re.compile(f"[{_MARK_OPEN}{_MARK_CLOSE}]|%EE%80%8[12]")


@dataclass(frozen=True)
class CommentText:
    """A comment's text worked on once: its HTML, the links it shows, the personal data found in it."""

    html: str
    links: tuple[str, ...]  # every link the rendered text shows, in order (mailto: links left out)
    personal_data: tuple[Finding, ...]  # found in the text as written, masked or not in `html`
    masked: bool = True  # whether `html` shows the personal data masked

    @property
    def link_domains(self) -> list[str]:
        """The host names the text links to, lowercased, each once, in order of first appearance."""
        domains = []
        for url in self.links:
            host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower().rstrip(".")
            if host and host not in domains:
                domains.append(host)
        return domains

    @property
    def personal_data_kinds(self) -> list[str]:
        """The kinds of personal data found ("iban", "card", "phone", "email"), each once, in order."""
        return list(dict.fromkeys(finding.kind for finding in self.personal_data))


def read_comment(text: str, *, mask: bool = True, highlight: bool = False) -> CommentText:
    """Comment text to safe HTML, its links and its personal data: one personal-data scan, one Markdown parse.

    French typography applied; personal data (IBAN, card, phone, e-mail) masked unless `mask=False`.
    `highlight` (the moderators' desk) wraps each mask in `<mark class="personal-data">`.
    """
    text = _CONTROL.sub("", text)
    findings = tuple(find_personal_data(text))
    if mask and findings:
        # The mask's stars stand in for a private-use character through Markdown (which would read
        # them as emphasis, and show a backslash escape inside `code`), then come back.
        escape = _escape_and_mark if highlight else _escape_stars
        text = mask_personal_data(text, escape=escape, findings=findings)
    env: dict = {}
    tokens = _comment_md.parse(text, env)
    html = typographize(sanitize_comment_html(_comment_md.renderer.render(tokens, _comment_md.options, env)))
    if highlight:
        html = _marks_to_html(html)
    return CommentText(
        html=html.replace(_STAR, "*"),
        links=tuple(url for url in _links_in(tokens) if url and not url.lower().startswith("mailto:")),
        personal_data=findings,
        masked=mask,
    )


def render_comment(text: str, *, mask: bool = True) -> str:
    """Comment text to safe HTML (see `read_comment`)."""
    return read_comment(text, mask=mask).html


def _escape_stars(masked: str) -> str:
    return masked.replace("*", _STAR)


def _escape_and_mark(masked: str) -> str:
    return f"{_MARK_OPEN}{_escape_stars(masked)}{_MARK_CLOSE}"


def _marks_to_html(html: str) -> str:
    """The highlight markers as <mark> in the text; dropped inside a tag (a masked address in a link's href)."""
    parts = _TAG_OR_TEXT.split(html)
    return "".join(
        _UNMARK.sub("", part)
        if part.startswith("<")
        else part.replace(_MARK_OPEN, '<mark class="personal-data">').replace(_MARK_CLOSE, "</mark>")
        for part in parts
    )


def _links_in(tokens) -> list[str]:
    """The hrefs of the parsed text's links, and the URLs linkify finds in its indented code blocks."""
    urls = []
    for token in tokens:
        if token.type == "code_block":
            for match in _comment_md.linkify.match(token.content) or []:
                url = _comment_md.normalizeLink(match.url)
                if _comment_md.validateLink(url):
                    urls.append(url)
        for child in token.children or []:
            if child.type == "link_open":
                urls.append(str(child.attrGet("href") or ""))
    return urls


def render_post(text: str) -> str:
    """A post's Markdown to safe HTML (headings and images allowed), French typography applied."""
    return typographize(sanitize_post_html(_post_md.render(_CONTROL.sub("", text))))


def render_post_html(html: str) -> str:
    """A post's HTML (imported from another blog) to safe HTML: the same allowlist, French typography applied."""
    return typographize(sanitize_post_html(_CONTROL.sub("", html)))


WORDS_PER_MINUTE = 230  # a common figure for reading French prose on a screen


def reading_minutes(text: str) -> int:
    """Estimated minutes to read a post's text (at least one)."""
    return max(1, round(len(text.split()) / WORDS_PER_MINUTE))
