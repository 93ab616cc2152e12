"""Imported text made into what Causerie stores: pure functions, no database.

WordPress post content is stored raw (`wpautop` runs when WordPress shows it), so it is turned into
the HTML WordPress would show: blank lines become paragraphs, `[caption]` a figure, `[gallery]` a
list of images, Gutenberg's block comments go; any other shortcode stays as text and is reported.
The result is sanitized later, by the post itself (`markup.render.render_post_html`).

Comment text becomes the plain text with Markdown links that Causerie's comments are written in,
so an imported comment is read, masked and sanitized like any other (`markup.render.read_comment`).
"""

import html
import re
from collections.abc import Callable

from django.utils.translation import gettext as _

_GUTENBERG = re.compile(r"<!--\s*/?wp:[^>]*?-->\s*", re.S)
_BLOCK = re.compile(
    r"^\s*</?(p|div|ul|ol|li|h[1-6]|blockquote|pre|figure|table|thead|tbody|tr|td|th|hr|dl|dd|dt|section|"
    r"address|form|fieldset|iframe|script|style|object)\b",
    re.I,
)
_PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)
_CAPTION = re.compile(r"\[caption([^\]]*)\](.*?)\[/caption\]", re.S)
_GALLERY = re.compile(r"\[gallery([^\]]*)\]")
_SHORTCODE = re.compile(r"\[/?([a-z][a-z0-9_-]*)(?:\s[^\]]*)?\]")
_ATTRIBUTE = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
_IMAGE_OR_LINK = re.compile(r"(<a\b[^>]*>\s*)?<img\b[^>]*>(\s*</a>)?", re.S | re.I)


def wordpress_html(raw: str, attachments: dict, *, warn: Callable[[str], None], where: str = "") -> str:
    """WordPress's stored post content as the HTML WordPress shows (before sanitizing)."""
    text = _GUTENBERG.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CAPTION.sub(_caption, text)
    text = _GALLERY.sub(lambda match: _gallery(match, attachments, warn, where), text)
    others = sorted(set(_SHORTCODE.findall(text)))
    if others:
        warn(
            _("« %(where)s » : codes courts laissés en texte : %(codes)s")
            % {"where": where, "codes": ", ".join(f"[{name}]" for name in others)}
        )
    return autop(text)


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTRIBUTE.finditer(text)}


def _caption(match: re.Match) -> str:
    attributes, inner = _attributes(match.group(1)), match.group(2)
    image = _IMAGE_OR_LINK.search(inner)
    caption = attributes.get("caption") or (inner[image.end() :] if image else inner).strip()
    figure = image.group(0) if image else ""
    return f"<figure>{figure}<figcaption>{caption}</figcaption></figure>"


def _gallery(match: re.Match, attachments: dict, warn, where: str) -> str:
    ids = [i.strip() for i in _attributes(match.group(1)).get("ids", "").split(",") if i.strip()]
    urls = [attachments[i] for i in ids if attachments.get(i)]
    if len(urls) < len(ids) or not ids:
        warn(_("« %(where)s » : galerie incomplète, images inconnues de l’export.") % {"where": where})
    items = "".join(f'<li><img src="{html.escape(url)}" alt=""></li>' for url in urls)
    return f"<ul>{items}</ul>" if items else ""


def autop(text: str) -> str:
    """WordPress's wpautop, in short: blank lines separate paragraphs, a single newline is a line break.

    Blocks (lists, headings, figures, quotes…) are left as they are; <pre> keeps its newlines.
    """
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\n\n\ue001{len(kept) - 1}\ue001\n\n"

    text = _PRE.sub(keep, text)
    blocks = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.startswith("\ue001") or _BLOCK.match(chunk):
            blocks.append(chunk)
        else:
            blocks.append("<p>" + re.sub(r"(?<!>)\n(?!<)", "<br>\n", chunk) + "</p>")
    joined = "\n".join(blocks)
    return re.sub("\ue001(\\d+)\ue001", lambda m: kept[int(m.group(1))], joined)


_LINK = re.compile(r"<a\b[^>]*?href\s*=\s*[\"']([^\"']*)[\"'][^>]*>(.*?)</a>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def comment_text(raw: str) -> str:
    """An imported comment's HTML as Causerie's comment text: paragraphs, line breaks, Markdown links.

    Entities left in the text (WordPress stores `&#039;`) are decoded once; the rest of the markup goes.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"<br\s*/?>\s*\n?", "\n", text, flags=re.I)
    text = re.sub(r"\s*</?p\b[^>]*>\s*", "\n\n", text, flags=re.I)

    def link(match: re.Match) -> str:
        href, label = match.group(1).strip(), _TAG.sub("", match.group(2)).strip()
        return href if not label or label == href else f"[{label}]({href})"

    text = _LINK.sub(link, text)
    text = _TAG.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip()
