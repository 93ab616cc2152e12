"""Markdown to sanitized HTML.

Comments accept plain text (paragraphs, line breaks, bare URLs made into
links) and a small Markdown subset: emphasis, links, inline code, code
blocks, quotes and lists. Raw HTML typed by a reader is shown as text, never
interpreted, and the result still goes through the allowlist.
"""

from markdown_it import MarkdownIt

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
]

_comment_md = MarkdownIt("zero", {"html": False, "linkify": True, "breaks": True, "typographer": False}).enable(
    _COMMENT_RULES
)
_post_md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False}).enable(["linkify"])


def render_comment(text: str) -> str:
    return sanitize_comment_html(_comment_md.render(text))


def render_post(text: str) -> str:
    return sanitize_post_html(_post_md.render(text))
