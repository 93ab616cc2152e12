import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts import services
from accounts.avatars import initials
from comments.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(fmt="JPEG", size=(300, 200), exif=True, orientation=6):
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((20, 40, 200), (0, 0, size[0] // 2, size[1]))  # left half blue: orientation shows
    buffer = io.BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x0112] = orientation
        data[0x010F] = "Appareil espion"
        data.get_ifd(0x8825)[2] = (48.0, 51.0, 24.0)
        options["exif"] = data
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def upload(client, data, name="photo.jpg", content_type="image/jpeg"):
    return client.post(
        reverse("accounts:avatar_upload"), {"avatar": SimpleUploadedFile(name, data, content_type=content_type)}
    )


def stored(media):
    return sorted(p.name for p in (media / "avatars").glob("*")) if (media / "avatars").exists() else []


class TestUpload:
    def test_good_photo_is_stored_square_at_each_size_without_metadata(self, client, reader, media):
        client.force_login(reader)
        response = upload(client, photo())
        assert response.status_code == 302
        reader.refresh_from_db()
        assert re.fullmatch(r"avatars/[0-9a-f]{32}", reader.avatar)
        files = stored(media)
        assert len(files) == 3
        for size in (48, 96, 192):
            path = media / reader.avatar_name(size)
            data = path.read_bytes()
            image = Image.open(path)
            assert image.format == "WEBP"
            assert image.size == (size, size)
            assert b"Appareil espion" not in data and b"Exif" not in data
            assert not image.getexif()
        # Orientation 6 turned the 300×200 photo upright: its blue half is now on top.
        top = Image.open(media / reader.avatar_name(192)).convert("RGB").getpixel((96, 10))
        assert top[2] > top[0]

    def test_the_file_name_never_comes_from_the_user(self, client, reader, media):
        client.force_login(reader)
        upload(client, photo(), name="../../evil.php.jpg")
        assert all(re.fullmatch(r"[0-9a-f]{32}-(48|96|192)\.webp", name) for name in stored(media))

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "pas une image JPEG"),
            (b"", "est vide"),
            (b"<html><body>bonjour</body></html>", "pas une image JPEG"),
            (photo("PNG", exif=False) + b"<script>alert(1)</script>", "après la fin"),
            (photo("PNG", exif=False)[:200], "incomplet ou endommagé"),
        ],
    )
    def test_hostile_files_are_refused_with_a_clear_message(self, client, reader, media, data, message):
        client.force_login(reader)
        response = upload(client, data, name="avatar.png", content_type="image/png")
        assert response.status_code == 422
        assert message in response.content.decode()
        reader.refresh_from_db()
        assert reader.avatar == ""
        assert stored(media) == []

    def test_tiff_renamed_png_is_refused(self, client, reader):
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, format="TIFF")
        client.force_login(reader)
        response = upload(client, buffer.getvalue(), name="avatar.png", content_type="image/png")
        assert response.status_code == 422

    def test_too_heavy_a_file_is_refused(self, client, reader, settings):
        settings.ACCOUNTS_AVATAR_MAX_BYTES = 1000
        client.force_login(reader)
        response = upload(client, photo(size=(400, 400)))
        assert response.status_code == 422
        assert "L’image dépasse 1000 ko." in response.content.decode() or "dépasse" in response.content.decode()

    def test_too_many_pixels_is_refused(self, client, reader, settings):
        settings.ACCOUNTS_AVATAR_MAX_PIXELS = 10_000
        client.force_login(reader)
        response = upload(client, photo(size=(200, 200)))
        assert response.status_code == 422
        assert "trop grande" in response.content.decode()

    def test_post_only_and_login_required(self, client, reader):
        assert client.get(reverse("accounts:avatar_upload")).status_code == 302  # to the login page
        client.force_login(reader)
        assert client.get(reverse("accounts:avatar_upload")).status_code == 405


class TestReplaceAndRemove:
    def test_a_new_avatar_replaces_the_old_files(self, client, reader, media, django_capture_on_commit_callbacks):
        client.force_login(reader)
        with django_capture_on_commit_callbacks(execute=True):
            upload(client, photo())
        reader.refresh_from_db()
        first = reader.avatar
        with django_capture_on_commit_callbacks(execute=True):
            upload(client, photo("PNG", exif=False))
        reader.refresh_from_db()
        assert reader.avatar != first
        assert len(stored(media)) == 3
        assert not (media / f"{first}-48.webp").exists()

    def test_remove(self, client, reader, media, django_capture_on_commit_callbacks):
        client.force_login(reader)
        with django_capture_on_commit_callbacks(execute=True):
            upload(client, photo())
            response = client.post(reverse("accounts:avatar_remove"))
        assert response.status_code == 302
        reader.refresh_from_db()
        assert reader.avatar == ""
        assert stored(media) == []

    def test_remove_is_post_only(self, client, reader):
        client.force_login(reader)
        assert client.get(reverse("accounts:avatar_remove")).status_code == 405


class TestGeneratedAvatar:
    def test_initials(self):
        assert initials("claire lectrice") == "CL"
        assert initials("Émile") == "É"
        assert initials("  ") == ""
        assert initials("Jean Paul Sartre") == "JP"

    def test_svg_with_long_cache(self, client):
        response = client.get(reverse("accounts:default_avatar", kwargs={"hue": 120, "initials": "CL"}))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        assert "max-age=31536000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
        assert ">CL</text>" in response.content.decode()
        assert "hsl(120," in response.content.decode()

    @pytest.mark.parametrize("initials_", ["<s", "ABC", "a&"])
    def test_anything_else_in_the_address_is_not_found(self, client, initials_):
        url = reverse("accounts:default_avatar", kwargs={"hue": 1, "initials": initials_})
        assert client.get(url).status_code == 404

    def test_text_is_escaped_anyway(self):
        from accounts.avatars import default_avatar_svg

        assert "&lt;" in default_avatar_svg("<a", 3) and "<a" not in default_avatar_svg("<a", 3).replace("<svg", "")

    def test_the_tag_without_an_avatar(self, reader):
        from django.template import Context, Template

        html = Template("{% load avatars %}{% avatar person size=48 %}").render(Context({"person": reader}))
        assert html.startswith('<img class="avatar" src="/comptes/avatar/')
        assert 'width="48" height="48" alt=""' in html

    def test_the_tag_with_an_avatar_offers_twice_the_size(self, reader):
        from django.template import Context, Template

        services.user_set_avatar(user=reader, file=io.BytesIO(photo()))
        html = Template("{% load avatars %}{% avatar person size=48 %}").render(Context({"person": reader}))
        assert f'src="/media/{reader.avatar}-48.webp"' in html
        assert f'srcset="/media/{reader.avatar}-96.webp 2x"' in html


class TestCommentThread:
    def test_the_cached_thread_shows_the_new_avatar_at_once(self, client, reader, post, moderator, media):
        CommentFactory(post=post, author=reader, status=Comment.Status.APPROVED, body="Bonjour")
        first = client.get(post.get_absolute_url()).content.decode()
        assert "/comptes/avatar/" in first
        services.user_set_avatar(user=reader, file=io.BytesIO(photo()))
        second = client.get(post.get_absolute_url()).content.decode()
        assert f"/media/{reader.avatar}-48.webp" in second

    def test_a_new_name_shows_at_once_too(self, client, reader, post):
        CommentFactory(post=post, author=reader, status=Comment.Status.APPROVED, body="Bonjour")
        assert "Claire Lectrice" in client.get(post.get_absolute_url()).content.decode()
        services.user_update_profile(user=reader, display_name="Claire Nouvelle", bio="")
        assert "Claire Nouvelle" in client.get(post.get_absolute_url()).content.decode()

    def test_the_served_file_is_an_image(self, client, reader, media):
        services.user_set_avatar(user=reader, file=io.BytesIO(photo()))
        response = client.get(f"/media/{reader.avatar_name(48)}")
        assert response.status_code == 200
        assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (48, 48)
