"""A superuser downloads the blog from the admin's index, in Chromium: the file is named, and it is the backup."""

import json

import pytest
from playwright.sync_api import expect

from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "motdepasse-solide-42"


def test_a_superuser_downloads_the_backup(live_server, new_page, shoot, settings, tmp_path):
    settings.ACCOUNTS_STAFF_REQUIRE_MFA = False
    root = UserFactory(email="root@example.org", display_name="Root", is_staff=True, is_superuser=True)
    post = PostFactory(author=root, title="Le col", slug="col")
    CommentFactory(post=post, body="Bravo.", status="approved")
    page = new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.get_by_label("Adresse e-mail").fill(root.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    module = page.locator("#blog-export")
    expect(module.locator("h2")).to_have_text("Importer, exporter le blog")
    shoot(page, "export-01-admin-index")
    with page.expect_download() as info:
        module.get_by_role("link", name="Sauvegarde Causerie (JSON)").click()
    download = info.value
    assert download.suggested_filename.startswith("causerie-") and download.suggested_filename.endswith(".json")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "causerie-backup/1" and data["posts"][0]["comments"][0]["body"] == "Bravo."
