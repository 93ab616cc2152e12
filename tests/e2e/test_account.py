"""Accounts in a real browser: profile and avatar, two-factor authentication for the admin, data rights."""

import json
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from PIL import Image
from playwright.sync_api import expect

from accounts.models import User
from comments.models import Comment
from tests.factories import CommentFactory, ModeratorFactory, PostFactory, UserFactory
from tests.totp import totp_code

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "motdepasse-solide-42"  # tests/factories.py


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def log_in(page, base_url, email, next_path=""):
    page.goto(f"{base_url}/comptes/login/{'?next=' + next_path if next_path else ''}")
    page.get_by_label("Adresse e-mail").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_load_state("load")


def confirm_password_if_asked(page):
    if "/reauthenticate/" in page.url:
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Confirmer").click()
        page.wait_for_load_state("load")


def test_reader_sets_a_profile_and_an_avatar(live_server, new_page, shoot, tmp_path):
    reader = UserFactory(email="claire@example.org", display_name="Claire Lectrice")
    post = PostFactory(title="Payer en ligne sans risque", slug="payer-en-ligne")
    CommentFactory(post=post, author=reader, status=Comment.Status.APPROVED, body="Un avis publié.")
    photo = tmp_path / "vacances.jpg"
    image = Image.new("RGB", (640, 480), (230, 120, 30))
    image.paste((30, 90, 200), (160, 80, 480, 400))
    exif = Image.Exif()
    exif[0x010F] = "Appareil espion"
    image.save(photo, format="JPEG", exif=exif)

    page = new_page()
    log_in(page, live_server.url, reader.email)
    page.locator(".whoami").click()  # the reader's links are grouped under their name
    page.get_by_role("link", name="Mon compte").click()
    expect(page.locator("h1")).to_have_text("Mon profil")
    expect(page.locator(".avatar-edit img.avatar")).to_have_attribute(
        "src", "/comptes/avatar/" + str((reader.pk * 137) % 360) + "/CL.svg"
    )
    shoot(page, "account-01-profile-without-avatar")

    # A file that is not an image: refused with a sentence, no error page.
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    page.get_by_label("Nouvel avatar").set_input_files(str(fake))
    page.get_by_role("button", name="Envoyer l’image").click()
    expect(page.locator(".errorlist")).to_contain_text("n’est pas une image JPEG, PNG, WebP ou GIF")
    shoot(page, "account-02-avatar-refused")

    page.get_by_label("Nouvel avatar").set_input_files(str(photo))
    page.get_by_role("button", name="Envoyer l’image").click()
    expect(page.locator(".messages")).to_contain_text("Votre nouvel avatar est en place")
    avatar = page.locator(".avatar-edit img.avatar")
    expect(avatar).to_have_attribute("src", re.compile(r"^/media/avatars/[0-9a-f]{32}-96\.webp$"))
    expect(avatar).to_have_js_property("naturalWidth", 96)  # loaded (waits for it), and 96 px wide
    page.locator("#id_bio").fill("Lectrice assidue.\nJ’aime les <b>banques</b>.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".messages")).to_contain_text("Votre profil est enregistré")
    shoot(page, "account-03-profile-with-avatar")

    page.get_by_role("link", name="Voir mon profil public").click()
    expect(page.locator(".profile-bio")).to_contain_text("J’aime les <b>banques</b>.")
    shoot(page, "account-04-public-profile")

    # The comment thread shows the new avatar at once (the thread's cache version moved).
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    comment_avatar = page.locator(".comment .avatar").first
    expect(comment_avatar).to_have_attribute("src", re.compile(r"-48\.webp$"))
    expect(comment_avatar).to_have_js_property("naturalWidth", 48)  # loaded (waits for it), and 48 px wide
    shoot(page, "account-05-comment-with-avatar")

    reader.refresh_from_db()
    page.goto(f"{live_server.url}/comptes/profil/")
    page.get_by_role("button", name="Retirer mon avatar").click()
    expect(page.locator(".messages")).to_contain_text("vos initiales le remplacent")
    assert not User.objects.get(pk=reader.pk).avatar


def test_moderator_must_set_up_two_factor_authentication_for_the_admin(live_server, new_page, shoot, settings):
    settings.ACCOUNTS_STAFF_REQUIRE_MFA = True
    moderator = ModeratorFactory(email="mina@example.org", display_name="Mina Modératrice")
    page = new_page()

    # The admin's login is the site's; then the admin sends to the two-factor set-up.
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/comptes/login/"))
    page.get_by_label("Adresse e-mail").fill(moderator.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_load_state("load")
    # allauth asks for the password again before a security change (the admin's message shows there).
    expect(page.locator(".messages")).to_contain_text("L’administration demande la double authentification")
    confirm_password_if_asked(page)
    expect(page.locator("h1")).to_have_text("Activer l’application d’authentification")
    shoot(page, "account-06-mfa-setup")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Code de l’application").fill(totp_code(secret))
    page.get_by_role("button", name="Activer").click()
    page.wait_for_load_state("load")
    shoot(page, "account-07-mfa-activated")

    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#site-name")).to_contain_text("Causerie")

    # Next time: password, then the code.
    page.context.clear_cookies()
    cache.clear()  # the activation's code may still be in its 30 seconds: allauth accepts a code once
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Adresse e-mail").fill(moderator.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.locator("h1")).to_have_text("Double authentification")
    shoot(page, "account-08-mfa-code")
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#site-name")).to_contain_text("Causerie")
    shoot(page, "account-09-admin-after-mfa")


def test_reader_downloads_their_data_then_deletes_the_account(live_server, new_page, shoot):
    reader = UserFactory(email="paul@example.org", display_name="Paul Partant")
    post = PostFactory(title="Les agences ferment", slug="agences")
    CommentFactory(post=post, author=reader, status=Comment.Status.APPROVED, body="Je garde ce souvenir.")
    page = new_page()
    log_in(page, live_server.url, reader.email)
    page.goto(f"{live_server.url}/comptes/mes-donnees/")
    shoot(page, "account-10-my-data")

    page.get_by_role("button", name="Télécharger mes données").click()
    page.wait_for_load_state("load")
    shoot(page, "account-11-reauthenticate")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Confirmer").click()
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == "paul@example.org"
    assert data["comments"]["comments"][0]["body"] == "Je garde ce souvenir."

    page.goto(f"{live_server.url}/comptes/mes-donnees/")
    page.get_by_label("Les laisser en ligne, signés « Compte supprimé »").check()
    page.get_by_label("Je comprends que la suppression de mon compte est définitive.").check()
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    page.wait_for_load_state("load")
    confirm_password_if_asked(page)
    expect(page.locator(".messages")).to_contain_text("Votre compte est supprimé")
    shoot(page, "account-12-deleted")
    assert not User.objects.filter(email="paul@example.org").exists()
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    expect(page.locator(".comment")).to_contain_text("Compte supprimé")
    expect(page.locator(".comment")).to_contain_text("Je garde ce souvenir.")
    shoot(page, "account-13-comment-kept-anonymised")
