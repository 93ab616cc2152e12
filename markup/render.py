"""Markdown to sanitized HTML.

Comments accept plain text (paragraphs, line breaks, bare URLs made into
links) and a small Markdown subset: emphasis, links, inline code, code
blocks, quotes and lists. Raw HTML typed by a reader is shown as text, never
interpreted, and the result still goes through the allowlist.
"""

import re
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

from markup.personal_data import mask_personal_data
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


def render_comment(text: str, *, mask: bool = True) -> str:
    """Comment text to safe HTML, French typography applied; personal data (IBAN, card, phone, e-mail)
    masked unless `mask=False`."""
    text = _CONTROL.sub("", text)
    if mask:
        # The mask's stars stand in for a private-use character through Markdown (which would read
        # them as emphasis, and show a backslash escape inside `code`), then come back.
        text = mask_personal_data(text, escape=lambda masked: masked.replace("*", _STAR))
    return typographize(sanitize_comment_html(_comment_md.render(text)).replace(_STAR, "*"))


def links(text: str) -> list[str]:
    """Every link the text would show once rendered, in order (mailto: links left out).

    Counts Markdown links, <autolinks>, and bare URLs or names such as
    `www.example.org` or `example.org` that linkify recognises.
    """
    urls = []
    for token in _comment_md.parseInline(text) if text else []:
        for child in token.children or []:
            if child.type == "link_open":
                urls.append(str(child.attrGet("href") or ""))
    return [url for url in urls if url and not url.lower().startswith("mailto:")]


def link_domains(text: str) -> list[str]:
    """The host names the text links to, lowercased, each once, in order of first appearance."""
    domains = []
    for url in links(text):
        host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower().rstrip(".")
        if host and host not in domains:
            domains.append(host)
    return domains


def render_post(text: str) -> str:
    """A post's Markdown to safe HTML (headings and images allowed), French typography applied."""
    return typographize(sanitize_post_html(_post_md.render(_CONTROL.sub("", text))))


WORDS_PER_MINUTE = 230  # a common figure for reading French prose on a screen


def reading_minutes(text: str) -> int:
    """Estimated minutes to read a post's text (at least one)."""
    return max(1, round(len(text.split()) / WORDS_PER_MINUTE))
