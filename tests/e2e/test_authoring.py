"""A staff author writes a draft in Markdown in the admin, previews it, gives it a cover with its
alternative text, schedules it; readers see nothing until its date, then the post is there."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import re_path
from django.utils import timezone
from django.views.static import serve
from PIL import Image
from playwright.sync_api import expect

from blog.models import Post
from config.urls import urlpatterns as site_urlpatterns
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "motdepasse-solide-42"

# The site's URLs plus the uploaded files, which the live server does not serve by itself
# (in production nginx or the bucket does).
urlpatterns = [
    *site_urlpatterns,
    re_path(r"^media/(?P<path>.*)$", lambda request, path: serve(request, path, settings.MEDIA_ROOT)),
]


@pytest.fixture
def media_served(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROOT_URLCONF = __name__


def photo() -> bytes:
    """A landscape "photo": a sky, a façade and a door, with an EXIF camera name to be stripped."""
    image = Image.new("RGB", (1800, 900), (120, 170, 220))
    image.paste((230, 220, 200), (300, 350, 1500, 900))
    image.paste((90, 60, 40), (820, 600, 980, 900))
    exif = Image.Exif()
    exif[0x010F] = "Appareil de Test"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def author():
    user = UserFactory(email="edith@example.org", display_name="Édith Rédactrice", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="blog"),
        Permission.objects.get(content_type__app_label="accounts", codename="view_user"),
    )
    return user


BODY = """Les banques découvrent l'écriture en ligne : « un billet par semaine », disent-elles !

## Pourquoi maintenant ?

- parce que les clients *lisent* ;
- parce que la **relation** change.

Pour en savoir plus : https://example.org/guide?page=2"""


def test_write_preview_cover_schedule_then_published(live_server, new_page, shoot, media_served):
    edith = author()
    base = live_server.url

    # 1. Édith logs in to the admin and writes a draft in Markdown.
    page = new_page()
    page.goto(f"{base}/admin/")
    page.get_by_label("Adresse e-mail").fill(edith.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.goto(f"{base}/admin/blog/post/add/")
    page.locator("#id_title").fill("L’écriture en ligne arrive à la banque")
    page.locator("#id_title").press("Tab")
    expect(page.locator("#id_slug")).to_have_value("lecriture-en-ligne-arrive-a-la-banque")  # made from the title
    page.locator("#id_body").fill(BODY)
    expect(page.locator("#id_body_helptext")).to_contain_text("**gras**")
    shoot(page, "40-admin-writing")

    # 2. She previews it: a new tab in the site's look, French typography applied, nothing saved.
    with page.expect_popup() as popup:
        page.get_by_role("button", name="Prévisualiser").click()
    preview = popup.value
    preview.wait_for_load_state()
    expect(preview.locator(".preview-banner")).to_contain_text("rien n’est enregistré")
    expect(preview.locator("h1")).to_have_text("L’écriture en ligne arrive à la banque")
    expect(preview.locator(".post-body h2")).to_have_text("Pourquoi maintenant\u202f?")
    expect(preview.locator(".post-body")).to_contain_text(
        "l’écriture en ligne\u202f: «\u202fun billet par semaine\u202f»"
    )
    expect(preview.locator(".post-body a")).to_have_attribute("href", "https://example.org/guide?page=2")
    shoot(preview, "41-preview")
    preview.close()
    assert not Post.objects.exists()

    # 3. A cover without its alternative text is refused with a clear message.
    page.locator("#id_cover_file").set_input_files(
        {"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": photo()}
    )
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    expect(page.locator("#id_cover_alt_error")).to_contain_text("Une image de couverture demande son texte alternatif")
    expect(page.locator("#id_cover_file_error")).to_contain_text("choisissez-la à nouveau")
    shoot(page, "42-cover-needs-alt")

    # 4. With the text, and scheduled for tomorrow.
    page.locator("#id_cover_file").set_input_files(
        {"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": photo()}
    )
    page.locator("#id_cover_alt").fill("La façade d’une agence bancaire sous un ciel bleu")
    page.locator("#id_status").select_option("published")
    tomorrow = timezone.localtime() + timedelta(days=1)
    page.locator("#id_published_at_0").fill(tomorrow.strftime("%d/%m/%Y"))
    page.locator("#id_published_at_1").fill("09:00:00")
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    expect(page.locator(".messagelist")).to_contain_text("a été ajouté")
    post = Post.objects.get()
    assert not post.is_published
    assert [item["width"] for item in post.cover_renditions["webp"]] == [480, 960, 1440]
    expect(page.locator(".cover-thumbnail")).to_have_attribute(
        "alt", "La façade d’une agence bancaire sous un ciel bleu"
    )
    shoot(page, "43-scheduled-with-cover")

    # 5. The list says when it will appear; the draft link shows it to staff.
    page.goto(f"{base}/admin/blog/post/")
    expect(page.locator(".post-state-scheduled")).to_contain_text("Programmé pour le")
    shoot(page, "44-admin-list-scheduled")
    page.goto(f"{base}/admin/blog/post/{post.pk}/change/")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="Voir le brouillon").click()
    draft = popup.value
    draft.wait_for_load_state()
    expect(draft.locator(".preview-banner")).to_contain_text("Programmé pour le")
    cover = draft.locator(".post-cover img")
    expect(cover).to_have_attribute("alt", "La façade d’une agence bancaire sous un ciel bleu")
    draft.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=cover.element_handle())  # loaded
    assert cover.evaluate("img => img.currentSrc").endswith(".webp")
    shoot(draft, "45-draft-as-staff")

    # 6. Readers see nothing of it: not on the home page, not at its address.
    reader = new_page()
    reader.goto(f"{base}/")
    expect(reader.locator("body")).not_to_contain_text("L’écriture en ligne arrive à la banque")
    assert reader.goto(f"{base}{post.get_absolute_url()}").status == 404
    assert reader.goto(f"{base}/admin/blog/post/{post.pk}/draft/").status == 404
    reader.goto(f"{base}/")
    shoot(reader, "46-home-before-the-date")

    # 7. Its date comes (moved back rather than waited for): it appears, with nobody doing anything.
    # A new visitor: the first one's browser may keep its copy of the home page for BLOG_PAGE_MAX_AGE.
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    reader = new_page()
    reader.goto(f"{base}/")
    expect(reader.get_by_role("link", name="L’écriture en ligne arrive à la banque", exact=True)).to_be_visible()
    shoot(reader, "47-home-after-the-date")
    reader.goto(f"{base}{post.get_absolute_url()}")
    expect(reader.locator("h1")).to_have_text("L’écriture en ligne arrive à la banque")
    cover = reader.locator(".post-cover img")
    expect(cover).to_have_attribute("width", "960")
    assert cover.get_attribute("loading") is None  # the post page's cover is not lazy
    reader.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=cover.element_handle())  # loaded
    shoot(reader, "48-post-published-with-cover")
