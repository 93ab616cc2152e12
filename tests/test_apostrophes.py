"""Typographic apostrophes in the French interface: « l’e-mail », never « l'e-mail ».

Three guards: the French our templates hold as text, the French msgids of our catalogue (the templates'
{% translate %} and the Python code's gettext), and the pages allauth and Django word for us (sign-up,
log-in, confirmation, password), rendered in French. HTML attributes, template tags, comments and code
are not French text: a quote there is syntax.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory
from tests.test_translations import read_po

ROOT = Path(settings.BASE_DIR)
STRAIGHT = re.compile(r"[^\W\d_]'[^\W\d_]")

# What is not text in a template: comments, template tags and variables, <script>/<style>, tags.
NOT_TEXT = re.compile(
    r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}|<!--.*?-->|\{%.*?%\}|\{\{.*?\}\}"
    r"|<(script|style)\b.*?</\1>|<[^>]*>",
    re.S,
)
# The French strings inside template tags: {% translate "…" %}, {% blocktranslate %}…{% endblocktranslate %}.
TRANSLATED = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1|\{%\s*blocktranslate[^%]*%\}(.*?)\{%\s*endblocktranslate\s*%\}""",
    re.S,
)


def straight_apostrophes(text: str) -> list[str]:
    return [text[max(0, m.start() - 20) : m.end() + 20] for m in STRAIGHT.finditer(text)]


def templates():
    return sorted(
        path
        for path in (ROOT / "templates").rglob("*")
        if path.suffix in {".html", ".txt"} and "admin" not in path.relative_to(ROOT / "templates").parts[:1]
    )


class TestOurFrench:
    @pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT / "templates")))
    def test_templates(self, path):
        source = path.read_text(encoding="utf-8")
        translated = " ".join(m.group(2) or m.group(3) or "" for m in TRANSLATED.finditer(source))
        assert not straight_apostrophes(NOT_TEXT.sub(" ", source) + " " + NOT_TEXT.sub(" ", translated))

    def test_the_catalogues_msgids(self):
        entries = read_po(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po")
        msgids = [key if isinstance(key, str) else " ".join(key) for key in entries]
        found = [hit for msgid in msgids for hit in straight_apostrophes(msgid.split("\x04")[-1])]
        assert not found, found


class TestLibrariesFrenchPages:
    pytestmark = pytest.mark.django_db

    @pytest.fixture(autouse=True)
    def _contact(self, settings):
        settings.CAUSERIE_CONTACT_EMAIL = "ecrire@causerie.example"

    def visible_text(self, client, url) -> str:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        return re.sub(r"<[^>]*>", " ", re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", html, flags=re.S))

    @pytest.mark.parametrize(
        "name",
        [
            "account_signup",
            "account_login",
            "account_reset_password",
            "account_reset_password_done",
            "account_email_verification_sent",
        ],
    )
    def test_the_entrance_pages(self, client, name):
        assert not straight_apostrophes(self.visible_text(client, reverse(name)))

    def test_the_pages_of_a_logged_in_reader(self, client):
        client.force_login(UserFactory())
        for name in ("account_email", "account_change_password"):
            assert not straight_apostrophes(self.visible_text(client, reverse(name))), name

    def test_a_refused_sign_up_says_it_with_typographic_apostrophes(self, client):
        response = client.post(reverse("account_signup"), {"email": "pas-une-adresse", "password1": "x"})
        text = re.sub(r"<[^>]*>", " ", response.content.decode())
        assert not straight_apostrophes(text)

    @pytest.mark.parametrize(
        "name", ["account_reset_password", "account_reset_password_done", "account_email_verification_sent"]
    )
    def test_the_pages_that_say_write_to_us_link_the_contact_address(self, client, name):
        html = client.get(reverse(name)).content.decode()
        assert '<a href="mailto:ecrire@causerie.example">ecrire@causerie.example</a>' in html
        assert "Merci de nous contacter" not in html
