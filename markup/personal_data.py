"""Personal data in what readers write: found, and masked before anyone else reads it.

Readers of a blog about banks paste their IBAN, card number, phone number or e-mail
address into comments. The moderation policy holds a comment in which
`find_personal_data` finds anything, and `render_comment` shows the text through
`mask_personal_data` (on the raw text, before Markdown), even once approved.

What is looked for, in order of priority: each kind only sees what the kinds above it
left, so findings never overlap.

1. IBANs, compact or in groups of four (or fewer), any case, and only when they are valid:
   for a country in python-stdnum's copy of the SWIFT registry, its BBAN format and, where
   stdnum knows them, the national check digits (Belgium, Spain, Montenegro, Norway);
   for any other country code, 15 to 34 characters; and always check digits 02 to 98
   with mod-97. An invalid IBAN is just text.
2. Card numbers (13 to 19 digits, Luhn-valid, compact or grouped 4-4-4-4..., 4-6-5 or
   4-6-4) and phone numbers: French ones written nationally (06 12 34 56 78 however
   grouped) and any country's written internationally (+33 6 12 34 56 78, +33 (0)6 ...,
   0033 ..., +32 470 12 34 56, +41 79 123 45 67), valid by libphonenumber's metadata
   (the `phonenumbers` package) with France as the default region. Digits are read as
   runs: groups of digits joined by a single space, dot or dash. A run is reported only
   when it is made entirely of cards and phones, so a phone inside a longer number, a
   date or an amount is left alone; so is a number glued to letters (a reference, part
   of an invalid IBAN). phonenumbers' own `PhoneNumberMatcher` is not used to find the
   numbers: it reads "33 06 12 34 56 78" and "06 12.34 56 78" as phones, and misses a
   phone that follows a card in the same run; the runs are read here, each candidate
   is checked by `phonenumbers.parse` and `is_valid_number`.
3. E-mail addresses, wherever they are (a mailto: link included).

Masks keep just enough for the writer to recognise their own data: "FR76 **** … 1234",
"**** **** **** 1234", "06 ** ** ** 78" (or "+33 6 ** ** ** 78", "+41 7 ** ** ** 67"),
"j***@example.org". The rest of the text is returned exactly as written. Masks already
in a text are recognised and left alone, so masking twice changes nothing.
"""

import re
from dataclasses import dataclass
from functools import cache

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum import luhn, numdb
from stdnum.exceptions import InvalidComponent, ValidationError
from stdnum.iso7064 import mod_97_10

_IBAN_COUNTRIES = numdb.get("iban")  # python-stdnum's copy of the SWIFT IBAN registry
_DEFAULT_REGION = "FR"  # numbers written without a country code are read as French ones

_SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space (French typography)
_SEP = "[ .\\-\u00a0\u202f]"  # what may join two groups of digits
_BLANK = "\x00"  # stands in for what a higher-priority kind took: neither a letter, a digit nor a separator

_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+")
_IBAN_START = re.compile(r"(?<![^\W_])[A-Za-z]{2}[0-9]{2}")
_IBAN_BODY = re.compile(r"[A-Za-z0-9]+(?:[ \u00a0\u202f][A-Za-z0-9]+){0,9}")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")

_DIGITS = re.compile(r"[0-9]+")
# An international prefix: "+" or "00", then the country code and "(0)" if they stand apart from the number.
_NUMBER_RUN = re.compile(
    rf"(?P<prefix>(?:\+|00)(?:[1-9][0-9]{{0,2}}(?:{_SEP}?\(0\){_SEP}?|{_SEP}))?)?[0-9]+(?:{_SEP}[0-9]+)*"
)

_EMAIL = re.compile(
    r"(?<![\w@])(?<!\w[.%+-])"  # the start of an address, not the middle of one
    r"\w[\w.%+-]*@"
    r"(?:[^\W_]+(?:-+[^\W_]+)*\.)+[^\W\d_]{2,63}"
)

# A mask followed by more digits is not one of ours (it may hide a real number), unless those
# digits start the mask of the next phone number of the same run.
_MASK_END = rf"(?![^\W_]|{_SEP}(?!0[1-9] \*\*)[0-9])"
_MASKED = re.compile(
    r"(?<![^\W_])[A-Za-z]{2}[0-9]{2} \*{4} … [A-Za-z0-9]{4}(?![^\W_])"
    rf"|\*{{4}} \*{{4}} \*{{4}} [0-9]{{4}}{_MASK_END}"
    rf"|(?:0[1-9]|\+[1-9][0-9]{{0,2}} [0-9]) \*\* \*\* \*\* [0-9]{{2}}{_MASK_END}"
)

# Glued to a letter or digit, a number is part of a word, a reference or a longer number. A
# "+33..." is glued by a letter only, so that it reads the same whether the number just before
# it is still there or already masked. An e-mail mask ("1***@...") glues like the address it
# replaced.
_GLUE_BEFORE = re.compile(r"[^\W_]")
_GLUE_BEFORE_PLUS = re.compile(r"[^\W\d_]")
_GLUE_AFTER = re.compile(r"[^\W_]|\*{3}@")


@dataclass(frozen=True)
class Finding:
    """A piece of personal data in a text: its kind ("iban", "card", "phone", "email") and where it is."""

    kind: str
    start: int
    end: int
    text: str


def find_personal_data(text: str) -> list[Finding]:
    """The IBANs, card numbers, phone numbers and e-mail addresses in the text, in order."""
    view = _blank(text, [match.span() for match in _MASKED.finditer(text)])
    ibans = _find_ibans(text, view)
    view = _blank(view, [(finding.start, finding.end) for finding in ibans])
    numbers = _find_numbers(text, view)
    view = _blank(view, [(finding.start, finding.end) for finding in numbers])
    emails = [Finding("email", match.start(), match.end(), match.group()) for match in _EMAIL.finditer(view)]
    return sorted(ibans + numbers + emails, key=lambda finding: finding.start)


def mask_personal_data(text: str, *, escape=None, findings: list[Finding] | None = None) -> str:
    """The text with every piece of personal data replaced by its mask, everything else untouched.

    `escape`, when given, is applied to each mask (render_comment escapes the
    mask's asterisks so that Markdown shows them as written). `findings`, when given, is what
    `find_personal_data(text)` returned already: the text is not scanned again.
    """
    parts = []
    position = 0
    for finding in find_personal_data(text) if findings is None else findings:
        mask = _mask(finding)
        parts += [text[position : finding.start], escape(mask) if escape else mask]
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


def is_valid_iban(value: str) -> bool:
    """Whether the value (spaces and case ignored) is an IBAN: python-stdnum's rules, check digits 02 to 98.

    For a country in stdnum's registry: its length and BBAN format, mod-97 and the
    national check digits where stdnum has them. A part stdnum does not know (a Belgian
    bank code missing from its directory) does not make it text: a bank's code may be
    newer than stdnum's list. For any other country code (one that adopted the IBAN
    after stdnum's copy of the registry): 15 to 34 characters and mod-97.
    """
    iban = _compact_iban(value)
    if not _IBAN_SHAPE.fullmatch(iban) or iban[2:4] in {"00", "01", "99"}:
        return False
    if not mod_97_10.is_valid(iban[4:] + iban[:4]):  # first, as it turns down nearly every candidate
        return False
    if not _registered(iban[:2]):
        return 15 <= len(iban) <= 34
    try:
        stdnum_iban.validate(iban)
    except InvalidComponent:
        return stdnum_iban.is_valid(iban, check_country=False)
    except ValidationError:
        return False
    return True


@cache
def _registered(country: str) -> bool:
    return bool(_IBAN_COUNTRIES.info(country)[0][1])


def luhn_ok(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check that card numbers carry."""
    return digits.isascii() and digits.isdigit() and luhn.is_valid(digits)


def _compact_iban(value: str) -> str:
    return "".join(character for character in value if character not in _SPACES).upper()


def _blank(view: str, spans: list[tuple[int, int]]) -> str:
    parts = []
    position = 0
    for start, end in sorted(spans):
        parts += [view[position:start], _BLANK * (end - start)]
        position = end
    parts.append(view[position:])
    return "".join(parts)


def _glued(view: str, start: int, end: int) -> bool:
    glue_before = _GLUE_BEFORE_PLUS if view.startswith("+", start) else _GLUE_BEFORE
    return bool((start and glue_before.match(view, start - 1)) or _GLUE_AFTER.match(view, end))


def _find_ibans(text: str, view: str) -> list[Finding]:
    findings = []
    position = 0
    while start := _IBAN_START.search(view, position):
        end = _iban_end(view, start.start())
        if end is None:
            position = start.end()
            continue
        findings.append(Finding("iban", start.start(), end, text[start.start() : end]))
        position = end
    return findings


def _iban_end(view: str, start: int) -> int | None:
    """Where the IBAN starting here ends, if one does: compact, or in groups of four (or fewer); the longest reading."""
    body = _IBAN_BODY.match(view, start)
    groups = list(_ALNUM_RUN.finditer(view, start, body.end()))
    if len(groups[0].group()) > 4:
        ends = [groups[0].end()]
    else:
        ends = []
        for group in groups[1:]:
            if len(group.group()) > 4:
                break
            ends.append(group.end())
    for end in reversed(ends):
        if not _glued(view, start, end) and is_valid_iban(view[start:end]):
            return end
    return None


def _find_numbers(text: str, view: str) -> list[Finding]:
    findings = []
    for run in _NUMBER_RUN.finditer(view):
        if not _glued(view, run.start(), run.end()):
            findings += _split_run(text, run)
    return findings


def _split_run(text: str, run: re.Match) -> list[Finding]:
    """The cards and phones a run of digits is made of, or nothing if it is not made only of them."""
    prefix = run.group("prefix")
    if prefix and (findings := _split(text, run.start(), run.start() + len(prefix), run.end())):
        return findings
    # Read without its prefix: "+4111 1111 1111 1111" and "0012 3456 ..." may still hold a card.
    start = run.start() + text.startswith("+", run.start())
    return _split(text, start, start, run.end())


def _split(text: str, start: int, digits_start: int, end: int) -> list[Finding]:
    """The cards and phones text[start:end] is made of; an international prefix stands before digits_start."""
    groups = list(_DIGITS.finditer(text, digits_start, end))
    # follow[i]: where the segment starting at group i ends, and its kind, in a split of groups i.. into findings.
    follow: list[tuple[int, str] | None] = [None] * len(groups) + [(len(groups), "")]
    for i in range(len(groups) - 1, -1, -1):
        size = 0
        for j in range(i + 1, len(groups) + 1):
            size += len(groups[j - 1].group())
            if size > 19:
                break
            prefix_start = start if i == 0 and digits_start > start else None
            if follow[j] is not None and (kind := _kind(groups[i:j], prefix_start)):
                follow[i] = (j, kind)
    findings = []
    i = 0
    while i < len(groups) and (step := follow[i]) is not None:
        j, kind = step
        segment_start = start if i == 0 else groups[i].start()
        findings.append(Finding(kind, segment_start, groups[j - 1].end(), text[segment_start : groups[j - 1].end()]))
        i = j
    return findings


def _kind(groups: list[re.Match], prefix_start: int | None) -> str:
    """What these consecutive groups of digits make: "card", "phone" or "".

    `prefix_start`: where their international prefix ("+33 (0)", "0041 ", "+") starts, if they follow one.
    """
    digits = "".join(group.group() for group in groups)
    sizes = [len(group.group()) for group in groups]
    if len({_separator_class(group.string[group.start() - 1]) for group in groups[1:]}) > 1:
        return ""  # mixed separators: not one number
    if prefix_start is not None:
        return "phone" if _is_international_phone(groups[0].string[prefix_start : groups[-1].end()]) else ""
    if _looks_national(digits):
        return "phone" if _is_phone(digits) else ""
    if 13 <= len(digits) <= 19 and _is_card_grouping(sizes) and luhn_ok(digits):
        return "card"
    return ""


def _looks_national(digits: str) -> bool:
    """Ten digits starting with one 0: how a French number is written at home."""
    return len(digits) == 10 and digits[0] == "0" and digits[1] != "0"


def _is_international_phone(written: str) -> bool:
    # E.164: 7 to 15 digits with the country code; up to 18 written with "00" and "(0)".
    return 7 <= sum(character.isdigit() for character in written) <= 18 and _is_phone(written)


def _is_card_grouping(sizes: list[int]) -> bool:
    """Digits grouped as a card prints them: one run, 4-6-5 or 4-6-4 (Amex, Diners), or fours and a shorter end."""
    return (
        len(sizes) == 1
        or sizes in ([4, 6, 5], [4, 6, 4])
        or (all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4)
    )


def _is_phone(written: str) -> bool:
    number = _parse_phone(written)
    return number is not None and phonenumbers.is_valid_number(number)


def _parse_phone(written: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(written, _DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None


def _separator_class(character: str) -> str:
    return " " if character in _SPACES else character


def _mask(finding: Finding) -> str:
    if finding.kind == "iban":
        iban = _compact_iban(finding.text)
        return f"{iban[:4]} **** … {iban[-4:]}"
    if finding.kind == "card":
        return f"**** **** **** {''.join(_DIGITS.findall(finding.text))[-4:]}"
    if finding.kind == "phone":
        if finding.text.startswith(("+", "00")):
            number = _parse_phone(finding.text)
            national = phonenumbers.national_significant_number(number)
            return f"+{number.country_code} {national[0]} ** ** ** {national[-2:]}"
        digits = "".join(_DIGITS.findall(finding.text))
        return f"{digits[:2]} ** ** ** {digits[-2:]}"
    local, domain = finding.text.split("@", 1)
    return f"{local[0]}***@{domain}"
