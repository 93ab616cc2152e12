"""Which public names may be taken: the policy, pure (no database).

Two names that a reader would take for one another must not belong to two people. They are
compared through a *skeleton*: Unicode compatibility forms folded (NFKC), case folded, accents
and invisible characters dropped, look-alike letters of other scripts mapped to Latin ones,
letters that pass for one another in the site's font merged (I, l, 1; O, 0; rn, m), and
everything but letters and digits removed. « Jean-Pierre », « jean pierre » and « JΕΑΝ PIERRE »
(with Greek capitals) share one skeleton.

A reader may not pass for the team either: words such as « modérateur », « admin » or
« Causerie » are kept for staff accounts, and a name may not contain a staff member's name.
"""

import unicodedata

from django.utils.translation import gettext_lazy as _

# Letters of other scripts that look like Latin ones (the common part of Unicode's confusables).
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h",
        "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ʏ": "y",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ζ": "z", "μ": "u",
        # Latin look-alikes
        "ı": "i", "ȷ": "j", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ß": "ss", "æ": "ae", "œ": "oe",
        # Letters and digits that pass for one another in the site's font
        "0": "o", "1": "l", "i": "l", "|": "l", "5": "s", "$": "s", "@": "a", "3": "e",
    }
)  # fmt: skip
# Capitals first, before case folding turns Greek Ν (N) into ν (v).
UPPER_CONFUSABLES = str.maketrans(
    {
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
        "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
        "Т": "T", "Х": "X", "У": "Y", "Ѕ": "S", "І": "I", "Ј": "J",
    }
)  # fmt: skip
DIGRAPHS = (("rn", "m"), ("vv", "w"))

# Kept for the team: a word of the name beginning with one of these (skeletons), or the name
# containing « causerie » anywhere.
RESERVED_PREFIXES = ("moderat", "admln", "staff", "equlpe", "support", "webmaster", "offlclel", "offlcl")
RESERVED_ANYWHERE = ("causerle",)
MIN_STAFF_NAME_LENGTH = 4  # shorter staff names ("Al") would forbid too many names


def fold(name: str) -> str:
    """Compatibility forms, case and accents folded, invisible characters dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", name).translate(UPPER_CONFUSABLES).casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Me", "Cf", "Cc"))
    return " ".join(text.split())


def skeleton(name: str) -> str:
    """The form under which two names are « the same » (see the module docstring)."""
    text = fold(name).translate(CONFUSABLES)
    text = "".join(c for c in text if c.isalnum() or c == " ")
    for pair, single in DIGRAPHS:
        text = text.replace(pair, single)
    return text.replace(" ", "")


def word_skeletons(name: str) -> list[str]:
    words = "".join(c if c.isalnum() else " " for c in fold(name).translate(CONFUSABLES)).split()
    return [skeleton(word) for word in words]


def reserved_word_problem(name: str):
    """A sentence if the name passes for the team, else None."""
    whole = skeleton(name)
    if any(word in whole for word in RESERVED_ANYWHERE) or any(
        word.startswith(RESERVED_PREFIXES) for word in word_skeletons(name)
    ):
        return _(
            "Ce nom pourrait faire croire que vous parlez au nom de Causerie ou de son équipe "
            "(« modérateur », « admin », « Causerie »…) : choisissez-en un autre."
        )
    return None


def staff_name_problem(name: str, staff_names) -> str | None:
    """A sentence if the name contains the name of a member of the team, else None."""
    whole = skeleton(name)
    for staff_name in staff_names:
        key = skeleton(staff_name)
        if len(key) >= MIN_STAFF_NAME_LENGTH and key in whole:
            return _("Ce nom ressemble à celui d’un membre de l’équipe : choisissez-en un autre.")
    return None
