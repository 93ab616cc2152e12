"""Markdown to sanitized HTML.

Comments accept plain text (paragraphs, line breaks, bare URLs made into
links) and a small Markdown subset: emphasis, links, inline code, code
blocks, quotes and lists. Raw HTML typed by a reader is shown as text, never
interpreted, and the result still goes through the allowlist.
"""

from urllib.parse import urlsplit

from markdown_it import MarkdownIt

from markup.personal_data import mask_personal_data
from markup.sanitize import sanitize_comment_html, sanitize_post_html

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


def render_comment(text: str, *, mask: bool = True) -> str:
    """Comment text to safe HTML; personal data (IBAN, card, phone, e-mail) masked unless `mask=False`."""
    if mask:
        text = mask_personal_data(text, escape=lambda masked: masked.replace("*", "\\*"))
    return sanitize_comment_html(_comment_md.render(text))


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
    return sanitize_post_html(_post_md.render(text))


WORDS_PER_MINUTE = 230  # a common figure for reading French prose on a screen


def reading_minutes(text: str) -> int:
    """Estimated minutes to read a post's text (at least one)."""
    return max(1, round(len(text.split()) / WORDS_PER_MINUTE))
