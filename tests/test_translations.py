"""The English catalogue is complete, compiled, and in step with the sources; French plurals count right.

French is the source language; `make messages` refreshes locale/en and locale/fr from the templates and
the Python code, then compiles them. These tests fail when a new string has no English translation, when
a translation is fuzzy or empty, or when a .mo file was not recompiled after its .po changed.

In locale/fr a singular entry stays empty (gettext shows the msgid, already French), but a plural entry
must be filled, msgstr[0] with the msgid and msgstr[1] with the msgid_plural: left empty, gettext falls
back to the msgids with the English rule (n != 1) and prints « 0 commentaires », where French takes the
singular for 0 and 1 (the catalogue's Plural-Forms: plural=(n > 1)). `make messages` fills them
(scripts/french-plurals); the tests below fail on one left empty, fuzzy, or unlike its msgids.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
CATALOGUES = [LOCALE / "en", LOCALE / "fr", LOCALE / "overrides" / "fr", LOCALE / "apostrophes" / "fr"]
# What makemessages must not read: the same list as `make messages` in the Makefile.
IGNORED = [".venv", "node_modules", "bench", "tests", "build", "staticfiles"]


def read_po(path: Path) -> dict:
    """{key: (msgstrs, fuzzy)} for every live entry of a .po file; key is msgid, "context\\x04msgid", or
    (key, msgid_plural). The header (msgid "") is left out. Obsolete entries (#~) are skipped."""
    entries, current = {}, None

    def close(entry):
        if entry and "msgid" in entry and entry["msgid"] != "":
            key = entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
            if "msgid_plural" in entry:
                key = (key, entry["msgid_plural"])
            strs = [value for name, value in sorted(entry.items()) if name.startswith("msgstr")]
            entries[key] = (strs, entry.get("fuzzy", False))

    field = None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            close(current)
            current, field = None, None
            continue
        if current is None:
            current = {}
        if line.startswith("#,"):
            current["fuzzy"] = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            current[field] = ast.literal_eval(value)
    return entries


def mo_catalog(path: Path) -> dict:
    with path.open("rb") as file:
        catalog = dict(gettext.GNUTranslations(file)._catalog)
    catalog.pop("", None)  # the header
    return catalog


def po_as_catalog(entries: dict) -> dict:
    """What msgfmt would put in the .mo: translated, non-fuzzy entries only."""
    catalog = {}
    for key, (strs, fuzzy) in entries.items():
        if fuzzy or not any(strs):
            continue
        if isinstance(key, tuple):
            for index, value in enumerate(strs):
                catalog[(key[0], index)] = value
        else:
            catalog[key] = strs[0]
    return catalog


class TestEnglishCatalogue:
    def test_every_string_has_an_english_translation(self):
        entries = read_po(LOCALE / "en" / "LC_MESSAGES" / "django.po")
        assert len(entries) > 100
        untranslated = [key for key, (strs, _) in entries.items() if not all(s.strip() for s in strs)]
        fuzzy = [key for key, (_, is_fuzzy) in entries.items() if is_fuzzy]
        assert not untranslated, f"no English for: {untranslated[:20]} (run `make messages` and translate)"
        assert not fuzzy, f"fuzzy translations to check: {fuzzy[:20]}"

    def test_placeholders_survive_translation(self):
        placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|</?[a-z][^>]*>")
        wrong = []
        for key, (strs, _) in read_po(LOCALE / "en" / "LC_MESSAGES" / "django.po").items():
            source = key[0].split("\x04")[-1] if isinstance(key, tuple) else key.split("\x04")[-1]
            expected = set(placeholder.findall(source))
            if isinstance(key, tuple):
                expected |= set(placeholder.findall(key[1]))
            for value in strs:
                found = set(placeholder.findall(value))
                # A singular may leave out the count ("one comment"), never add a placeholder of its own.
                if not found <= expected or (not isinstance(key, tuple) and found != expected):
                    wrong.append((source, value))
        assert not wrong, wrong[:10]

    @pytest.mark.parametrize("folder", CATALOGUES, ids=lambda p: str(p.relative_to(LOCALE)))
    def test_compiled_catalogue_is_up_to_date(self, folder):
        po, mo = folder / "LC_MESSAGES" / "django.po", folder / "LC_MESSAGES" / "django.mo"
        assert mo.exists(), f"{mo} is missing: run `make messages`"
        assert mo_catalog(mo) == po_as_catalog(read_po(po)), f"{mo} is older than its .po: run `make messages`"

    def test_sources_hold_no_string_missing_from_the_catalogue(self, tmp_path):
        if not shutil.which("xgettext"):
            pytest.fail("makemessages needs GNU gettext: apt-get install gettext")
        copy = tmp_path / "site"
        skip = shutil.ignore_patterns(
            *IGNORED, ".git", "__pycache__", "*.egg-info", "media", "var", "*.sqlite3", "*.mo", ".ruff_cache"
        )
        shutil.copytree(ROOT, copy, ignore=skip)
        env = {**os.environ, "DJANGO_DEBUG": "1"}
        env.pop("DATABASE_URL", None)
        command = [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"]
        command += [f"--ignore={name}" for name in IGNORED]
        # A fixed command on a copy of our own tree: no outside input reaches it.
        subprocess.run(command, cwd=copy, env=env, check=True, capture_output=True, timeout=120)  # noqa: S603
        fresh = read_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
        committed = read_po(LOCALE / "en" / "LC_MESSAGES" / "django.po")
        missing = sorted(map(str, set(fresh) - set(committed)))
        assert not missing, f"strings in the sources but not in locale/en: {missing[:20]} (run `make messages`)"


FRENCH_PO = LOCALE / "fr" / "LC_MESSAGES" / "django.po"


class TestFrenchCatalogue:
    def test_plural_rule_is_the_french_one(self):
        header = FRENCH_PO.read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in header
        with (LOCALE / "fr" / "LC_MESSAGES" / "django.mo").open("rb") as file:
            plural = gettext.GNUTranslations(file).plural
        assert [plural(n) for n in (0, 1, 2, 10)] == [0, 0, 1, 1]

    def test_plural_entries_are_filled_with_the_french_forms(self):
        entries = read_po(FRENCH_PO)
        plurals = {key: strs for key, (strs, _) in entries.items() if isinstance(key, tuple)}
        assert len(plurals) > 20
        # French is the source: the singular form is the msgid, the plural form the msgid_plural.
        wrong = [key for key, strs in plurals.items() if strs != [key[0].split("\x04")[-1], key[1]]]
        assert not wrong, (
            f"French plural entries not filled: {wrong[:10]} "
            "(run `make messages`: msgstr[0] = msgid, msgstr[1] = msgid_plural)"
        )
        assert not [key for key, (_, fuzzy) in entries.items() if fuzzy]

    def test_make_messages_fills_new_and_changed_plurals(self, tmp_path):
        po = tmp_path / "django.po"
        po.write_text(
            FRENCH_PO.read_text(encoding="utf-8").split("\n\n", 1)[0]
            + '\n\n#, python-format\nmsgid "%(n)d réponse"\nmsgid_plural "%(n)d réponses"\nmsgstr[0] ""\nmsgstr[1] ""\n'
            + '\n#, fuzzy, python-format\n#| msgid "%(n)d vue"\nmsgid "%(n)d lecture"\nmsgid_plural "%(n)d lectures"\n'
            + 'msgstr[0] "%(n)d vue"\nmsgstr[1] "%(n)d vues"\n'
            + '\nmsgid "Bonjour"\nmsgstr ""\n',
            encoding="utf-8",
        )
        # A fixed command on our own script and a file of this test: no outside input reaches it.
        subprocess.run([sys.executable, ROOT / "scripts" / "french-plurals", po], check=True, timeout=60)  # noqa: S603
        assert read_po(po) == {
            ("%(n)d réponse", "%(n)d réponses"): (["%(n)d réponse", "%(n)d réponses"], False),
            ("%(n)d lecture", "%(n)d lectures"): (["%(n)d lecture", "%(n)d lectures"], False),
            "Bonjour": ([""], False),
        }

    def test_singular_entries_stay_untranslated(self):
        # The French text lives in the sources; a msgstr here would silently override it.
        entries = read_po(FRENCH_PO)
        translated = [key for key, (strs, _) in entries.items() if not isinstance(key, tuple) and any(strs)]
        assert not translated, translated[:10]


class TestCountedStrings:
    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            ("fr", ["0 commentaire", "1 commentaire", "2 commentaires"]),
            ("en", ["0 comments", "1 comment", "2 comments"]),
        ],
    )
    def test_ngettext_follows_each_language_rule(self, language, expected):
        with translation.override(language):
            counted = [
                translation.ngettext("%(counter)s commentaire", "%(counter)s commentaires", n) % {"counter": n}
                for n in (0, 1, 2)
            ]
        assert counted == expected

    def test_a_python_counted_string_in_french(self):
        with translation.override("fr"):
            assert translation.ngettext("%d commentaire refusé.", "%d commentaires refusés.", 0) % 0 == (
                "0 commentaire refusé."
            )
            assert translation.ngettext("%d commentaire refusé.", "%d commentaires refusés.", 3) % 3 == (
                "3 commentaires refusés."
            )


@pytest.mark.django_db
class TestPagesInEnglish:
    def test_home_page_in_english(self, client: Client):
        response = client.get("/en/")
        html = response.content.decode()
        assert '<html lang="en">' in html
        assert "Skip to content" in html
        assert "Aller au contenu" not in html
        assert 'hreflang="fr"' in html

    def test_home_page_in_french(self, client: Client):
        html = client.get("/").content.decode()
        assert '<html lang="fr">' in html
        assert "Aller au contenu" in html
        assert 'hreflang="en"' in html

    def test_allauth_wording_kept_in_french_and_natural_in_english(self):
        # locale/overrides/fr keeps our French wording for allauth's own "Email" label.
        with translation.override("fr"):
            assert translation.gettext("Email") == "Adresse e-mail"
        with translation.override("en"):
            assert translation.gettext("Email") == "Email"
            assert translation.gettext("Mes commentaires") == "My comments"


def comment_counts(html: str, css_class: str) -> list[str]:
    return [text.strip() for text in re.findall(rf'<a [^>]*class="{css_class}"[^>]*>([^<]*)</a>', html)]


@pytest.mark.django_db
class TestCountsOnPages:
    """French takes the singular for 0 and 1 (« 0 commentaire »), English only for 1 (« 0 comments »)."""

    EXPECTED = {
        "fr": ["0 commentaire", "1 commentaire", "2 commentaires"],
        "en": ["0 comments", "1 comment", "2 comments"],
    }

    @pytest.fixture
    def posts(self, posts_with_0_1_2_comments):
        return posts_with_0_1_2_comments

    @pytest.mark.parametrize("language", ["fr", "en"])
    def test_home_page_summaries(self, client: Client, posts, language):
        html = client.get("/en/" if language == "en" else "/").content.decode()
        assert comment_counts(html, "comment-count") == self.EXPECTED[language]

    @pytest.mark.parametrize("language", ["fr", "en"])
    def test_post_page_heading(self, client: Client, posts, language):
        headings = []
        for post in posts:
            with translation.override(language):
                url = post.get_absolute_url()
            assert url.startswith("/en/") == (language == "en")
            html = client.get(url).content.decode()
            headings.append(re.search(r'<h2 id="commentaires-titre">([^<]*)</h2>', html).group(1).strip())
        assert headings == self.EXPECTED[language]

    @pytest.mark.parametrize(
        ("language", "expected"),
        [("fr", ["0 billet trouvé", "0 commentaire trouvé"]), ("en", ["0 posts found", "0 comments found"])],
    )
    def test_search_headings_with_nothing_found(self, client: Client, posts, language, expected):
        with translation.override(language):
            url = reverse("blog:search")
        html = client.get(url, {"q": "introuvable"}).content.decode()
        found = re.findall(r'<h2 id="resultats-(?:billets|commentaires)">([^<]*)</h2>', html)
        assert [text.strip() for text in found] == expected
