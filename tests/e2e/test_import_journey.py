"""A blog moved in from WordPress, in Chromium: an old link lands on the post with its threads, and a past
commenter who signs up with their old e-mail finds their comments under their new name."""

import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import UserFactory
from tests.transfer.wxr_builder import comment, item, wxr
from transfer.services import blog_import

pytestmark = pytest.mark.django_db(transaction=True)


def test_old_link_threads_and_a_past_commenter_taking_back_their_history(
    live_server, new_page, shoot, settings, tmp_path
):
    UserFactory(email="auteur@example.org", display_name="Autrice", is_staff=True)
    comments = [
        comment(1, author="Ancienne Lectrice", email="ancienne@example.org", text="Premier avis"),
        comment(2, parent=1, author="Bob", email="bob@example.org", text="Une réponse", date="2020-01-03 10:00:00"),
        comment(
            3,
            parent=2,
            author="Ancienne Lectrice",
            email="ancienne@example.org",
            text="Réponse à la réponse",
            date="2020-01-04 10:00:00",
        ),
        comment(4, status="0", author="Zoé", email="zoe@example.org", text="En attente là-bas"),
    ]
    path = tmp_path / "wordpress.xml"
    path.write_text(wxr(item(12, slug="mon-billet", title="Mon billet importé", comments=comments)), encoding="utf-8")
    blog_import(path=path)

    # 1. The old address lands on the new one; the thread is three levels deep; the pending one is not shown.
    reader = new_page()
    reader.goto(f"{live_server.url}/?p=12")
    expect(reader).to_have_url(f"{live_server.url}/billets/mon-billet/")
    expect(reader.locator("h1")).to_have_text("Mon billet importé")
    nested = reader.locator(".comment-replies .comment-replies .comment-body")
    expect(nested).to_have_text("Réponse à la réponse")
    expect(reader.locator("main")).not_to_contain_text("En attente là-bas")
    expect(reader.locator(".comment-author").first).to_have_text("Ancienne Lectrice")
    shoot(reader, "import-01-old-link-threads")

    # 2. She signs up with the address she used on WordPress and confirms it.
    terminal = io.StringIO()
    settings.MAILERS = {
        "default": {
            "BACKEND": "config.mail.ReadableConsoleBackend",
            "OPTIONS": {"stream": terminal, "html_dir": tmp_path},
        }
    }
    newcomer = new_page()
    newcomer.goto(f"{live_server.url}{reverse('account_signup')}")
    newcomer.get_by_label("Nom affiché").fill("Claire Revenue")
    newcomer.get_by_label("Adresse e-mail").fill("ancienne@example.org")
    newcomer.locator("#id_password1").fill("un-mot-de-passe-long-2026")
    newcomer.locator("#id_password2").fill("un-mot-de-passe-long-2026")
    newcomer.get_by_role("button", name="Création de compte").click()
    (link,) = re.findall(r"^\s*(https?://\S+)$", terminal.getvalue(), flags=re.MULTILINE)
    newcomer.goto(link)
    newcomer.get_by_role("button", name="Confirmer").click()
    expect(newcomer).not_to_have_url(link)

    # 3. Her two old comments now carry her name; Bob's stays his.
    newcomer.goto(f"{live_server.url}/billets/mon-billet/")
    authors = newcomer.locator(".comment-author")
    expect(authors).to_have_text(["Claire Revenue", "Bob", "Claire Revenue"])
    shoot(newcomer, "import-02-history-claimed")
