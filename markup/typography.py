"""French typography on rendered, sanitized HTML.

Applied to the text between the tags, never to the tags themselves:

- a narrow no-break space (U+202F) before « ; : ! ? » when they end a phrase
  ("Vraiment ?", "Note : …"), made from an ordinary space or added when missing;
  a colon or a question mark inside a word, a time or an address ("12:30",
  "http://", "page?id=3") is left alone;
- a narrow no-break space inside « guillemets »;
- the typographic apostrophe ’ for ' between two letters ("aujourd’hui").

Left untouched: <code> and <pre>, link text that is an address, URLs and e-mail
addresses anywhere in the text, entities written out as text ("&eacute;"), the
personal-data masks ("FR76 **** … 1234", "j***@example.org"). Running it twice
changes nothing.

A pure function of a string: no Django, no database.
"""

import html
import re

NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"

_PUNCTUATION = ";:!?"
# A space an author typed (or an earlier pass made) before the punctuation or inside guillemets.
_SPACE = f"[ \t{NBSP}{NNBSP}]"
# What may follow a punctuation mark that ends a phrase (the end of the text node too).
_PHRASE_END = f"[\\s{NBSP}{NNBSP}!?.,)\\]}}»\"'’…]"

# A tag, its quoted attribute values allowed to hold ">".
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)?(?:[^>"']|"[^"]*"|'[^']*')*>""")

# Spans of text that are addresses: left exactly as they are.
_PROTECTED = re.compile(
    r"(?:[a-zA-Z][a-zA-Z0-9+.\-]*://|www\.|mailto:)(?:[^\s<>«»\"]*[^\s<>«»\".,;:!?)\]'’])?"  # URLs, "http://" alone
    r"|[\w.%+\-*]+@[\w\-]+(?:\.[\w\-]+)+"  # e-mail addresses, masked ones included
    r"|&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);"  # an HTML entity written out as text
)
# What each of those spans holds: a text without any of them has nothing to protect.
_PROTECTED_HINTS = ("://", "www.", "mailto:", "@", "&")
# Link text that is an address (example.org, https://…, jean@example.org): no typography at all.
_ADDRESS_TEXT = re.compile(r"\S*[.:/@]\S*")

_SKIPPED_ELEMENTS = {"code", "pre", "kbd", "samp", "script", "style"}
# Elements that do not break a line: the character before one of them still precedes the text after it.
_INLINE_ELEMENTS = {"a", "em", "strong", "code", "b", "i", "s", "u", "del", "ins", "sub", "sup", "mark", "span", "abbr"}

_SPACE_BEFORE = re.compile(f"{_SPACE}+(?=[{_PUNCTUATION}](?:{_PHRASE_END}|$))")
_GLUED = re.compile(f"(?<=[^\\s{NBSP}{NNBSP}{_PUNCTUATION}(\\[{{«/\\-])(?=[{_PUNCTUATION}](?:{_PHRASE_END}|$))")
_AFTER_OPENING = re.compile(f"«(?:{_SPACE}+|(?=[^\\s]))")
_BEFORE_CLOSING = re.compile(f"(?:{_SPACE}+|(?<=[^\\s]))»")
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")


def _fix(text: str) -> str:
    """Typography on a run of plain text that holds no address."""
    text = _SPACE_BEFORE.sub(NNBSP, text)
    text = _GLUED.sub(NNBSP, text)
    text = _AFTER_OPENING.sub("«" + NNBSP, text)
    text = _BEFORE_CLOSING.sub(NNBSP + "»", text)
    return _APOSTROPHE.sub("’", text)


def _fix_node(text: str, before: str) -> str:
    """Typography on one text node; `before` is the character that precedes it on the same line ("" at a line start)."""
    if not any(hint in text for hint in _PROTECTED_HINTS):
        return _fix_after(text, before)  # no address nor entity possible: no scan (the scan is most of the cost)
    out, start = [], 0
    for match in _PROTECTED.finditer(text):
        out.append(_fix_after(text[start : match.start()], before))
        out.append(match.group())
        start, before = match.end(), match.group()[-1:]
    out.append(_fix_after(text[start:], before))
    return "".join(out)


def _fix_after(text: str, before: str) -> str:
    """`_fix`, and the rules across a tag or an address: "<em>vrai</em>?", "«<em>mot</em>", "jean@example.org:"."""
    text = _fix(text)
    if not text or not before or before.isspace():
        return text
    if before == "«":
        return re.sub(f"^(?:{_SPACE}+|(?=\\S))", NNBSP, text, count=1)
    if _GLUED.match(before + text, 1) or text.startswith("»"):
        return NNBSP + text
    return text


def _escape(text: str) -> str:
    return html.escape(text, quote=False).replace(NBSP, "&nbsp;")


def typographize(fragment: str) -> str:
    """French typography on the text of an HTML fragment (see the module docstring); idempotent."""
    out = []
    skipped = 0  # depth inside <code>/<pre>
    in_link = 0
    before = ""  # the last character of text seen on the current line
    position = 0
    for match in _TAG.finditer(fragment):
        out.append(_text(fragment[position : match.start()], skipped, in_link, before))
        before = _last_char(fragment[position : match.start()], before)
        tag, closing, name = match.group(), match.group(1), (match.group(2) or "").lower()
        if name in _SKIPPED_ELEMENTS:
            skipped = max(0, skipped - 1) if closing else skipped + 1
        elif name == "a":
            in_link = max(0, in_link - 1) if closing else in_link + 1
        if name not in _INLINE_ELEMENTS:
            before = ""
        out.append(tag)
        position = match.end()
    out.append(_text(fragment[position:], skipped, in_link, before))
    return "".join(out)


def _text(raw: str, skipped: int, in_link: int, before: str) -> str:
    if not raw or skipped:
        return raw
    text = html.unescape(raw)
    if in_link and _ADDRESS_TEXT.fullmatch(text.strip()):
        return raw
    fixed = _fix_node(text, before)
    return raw if fixed == text else _escape(fixed)


def _last_char(raw: str, before: str) -> str:
    text = html.unescape(raw)
    return text[-1] if text else before


def typographize_text(text: str) -> str:
    """The same typography on plain text (a title): returns plain text, to be escaped where it is shown."""
    return _fix_node(text, "")


_TAG_OR_BREAK = re.compile(r"<[^>]*>")
_HEADINGS = re.compile(r"<h[1-6]\b[^>]*>.*?</h[1-6]>", re.S | re.I)
_RUNS_OF_SPACE = re.compile(r"[ \t\r\n\f\v]+")  # not the no-break spaces: they hold a word and its « ? » together


def _plain(fragment: str) -> str:
    return _RUNS_OF_SPACE.sub(" ", html.unescape(_TAG_OR_BREAK.sub(" ", fragment))).strip()


def plain_excerpt(fragment: str, words: int) -> str:
    """The first `words` words of an HTML fragment's text, French typography kept: plain text, to be escaped.

    The body's intertitles are left out (unless it has nothing else), the tags become spaces, the entities
    are read, the spaces collapsed, then the typography made again on the cut text: a « ? » stays with its
    word, as in the body it comes from.
    """
    fragment = fragment or ""
    text = _plain(_HEADINGS.sub(" ", fragment)) or _plain(fragment)
    cut = text.split(" ")
    if len(cut) > words:
        text = " ".join(cut[:words]).rstrip(",;:") + "…"
    return typographize_text(text)
