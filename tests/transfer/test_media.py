"""--media-from: images copied from a local folder through imaging (metadata gone), links rewritten; a missing
or refused file is reported and its link left; nothing outside the folder is read, nothing fetched."""

from io import StringIO

import pytest
from django.core.management import call_command
from PIL import Image

from blog.models import Post
from tests.transfer.wxr_builder import item, wxr
from transfer.services import blog_import

pytestmark = pytest.mark.django_db

OLD = "https://ancien.example/wp-content/uploads"


def picture(path, fmt="JPEG", size=(40, 30), exif=True):
    """A small real image; a JPEG carries EXIF with a camera maker and GPS coordinates."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, (200, 30, 30))
    options = {}
    if exif and fmt == "JPEG":
        data = Image.Exif()
        data[0x010F] = "Appareil Secret"  # Make
        data[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPSInfo
        options["exif"] = data.tobytes()
    image.save(path, fmt, **options)
    return path


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    return settings.MEDIA_ROOT


@pytest.fixture
def uploads(tmp_path):
    root = tmp_path / "uploads"
    picture(root / "2020/01/photo.jpg")
    picture(root / "2020/01/photo-300x200.jpg", size=(30, 20))
    picture(root / "2019/12/schema.png", fmt="PNG")
    (root / "2020/01/faux.jpg").write_bytes(b"pas une image")
    secret = picture(tmp_path / "dehors" / "secret.jpg")
    (root / "2020/01/lien.jpg").symlink_to(secret)
    return root


def body(*urls):
    return "\n\n".join(f'<a href="{url}"><img src="{url}" alt=""></a>' for url in urls)


def stored(media_root):
    return sorted(path for path in (media_root / "imports").glob("*") if path.is_file()) if media_root.exists() else []


class TestCopied:
    def test_images_are_copied_reencoded_and_the_links_rewritten(self, blog_author, export, uploads, media_root):
        text = wxr(item(1, content=body(f"{OLD}/2020/01/photo.jpg", f"{OLD}/2019/12/schema.png")))
        report = blog_import(path=export(text), media_from=uploads)
        assert dict(report.media) == {"copied": 2, "missing": 0}
        post = Post.objects.get()
        assert OLD not in post.body and OLD not in post.body_html
        files = stored(media_root)
        assert sorted(path.suffix for path in files) == [".jpg", ".png"]
        for path in files:
            assert f"/media/imports/{path.name}" in post.body_html
        with Image.open(next(path for path in files if path.suffix == ".jpg")) as copy:
            assert copy.size == (40, 30)
            assert not copy.getexif()  # camera and GPS gone
            assert "exif" not in copy.info

    def test_the_same_image_is_stored_once(self, blog_author, export, uploads, media_root):
        url = f"{OLD}/2020/01/photo.jpg"
        text = wxr(item(1, content=body(url)), item(2, content=body(url)))
        report = blog_import(path=export(text), media_from=uploads)
        assert report.media["copied"] == 1
        assert len(stored(media_root)) == 1

    def test_found_by_name_in_takeout_albums(self, blog_author, export, tmp_path, media_root):
        albums = tmp_path / "Albums"
        picture(albums / "Mon blog" / "vacances.jpg")
        url = "https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEh/s1600/vacances.jpg"
        report = blog_import(path=export(wxr(item(1, content=body(url)))), media_from=albums)
        assert dict(report.media) == {"copied": 1, "missing": 0}
        assert "blogger.googleusercontent.com" not in Post.objects.get().body_html

    def test_a_second_import_changes_nothing(self, blog_author, export, uploads, media_root):
        text = wxr(item(1, content=body(f"{OLD}/2020/01/photo.jpg")))
        blog_import(path=export(text), media_from=uploads)
        again = blog_import(path=export(text), media_from=uploads)
        assert again.created == 0 and again.updated == 0
        assert len(stored(media_root)) == 1

    def test_dry_run_counts_and_stores_nothing(self, blog_author, export, uploads, media_root):
        text = wxr(item(1, content=body(f"{OLD}/2020/01/photo.jpg", f"{OLD}/2020/01/absente.jpg")))
        report = blog_import(path=export(text), media_from=uploads, dry_run=True)
        assert dict(report.media) == {"copied": 1, "missing": 1}
        assert stored(media_root) == [] and Post.objects.count() == 0


class TestMissingOrRefused:
    @pytest.mark.parametrize(
        "url",
        [
            f"{OLD}/2020/01/absente.jpg",  # not in the folder
            f"{OLD}/2020/01/faux.jpg",  # not an image
            f"{OLD}/2020/01/lien.jpg",  # a link to a file outside the folder
            f"{OLD}/../../dehors/secret.jpg",  # a path leaving the folder
            f"{OLD}/%2E%2E/dehors/secret.jpg",
        ],
    )
    def test_reported_and_the_link_left(self, blog_author, export, uploads, media_root, url):
        report = blog_import(path=export(wxr(item(1, content=body(url)))), media_from=uploads)
        assert dict(report.media) == {"copied": 0, "missing": 1}
        assert any(url in warning for warning in report.warnings)
        assert url in Post.objects.get().body
        assert stored(media_root) == []

    def test_links_to_other_files_are_left_alone(self, blog_author, export, uploads, media_root):
        text = wxr(item(1, content=f'<a href="{OLD}/2020/01/notice.pdf">notice</a> <a href="https://x.example/">x</a>'))
        report = blog_import(path=export(text), media_from=uploads)
        assert dict(report.media) == {"copied": 0, "missing": 0}


class TestCommand:
    def test_media_from_copies(self, blog_author, export, uploads, media_root):
        out = StringIO()
        path = export(wxr(item(1, content=body(f"{OLD}/2020/01/photo.jpg"))))
        call_command("import_blog", str(path), "--media-from", str(uploads), "--json", stdout=out)
        assert '"media": {"copied": 1, "missing": 0}' in out.getvalue()

    def test_the_report_in_words_counts_them(self, blog_author, export, uploads, media_root):
        out = StringIO()
        path = export(wxr(item(1, content=body(f"{OLD}/2020/01/photo.jpg", f"{OLD}/2020/01/absente.jpg"))))
        call_command("import_blog", str(path), "--media-from", str(uploads), stdout=out)
        assert "Images copiées : 1 ; manquantes : 1" in out.getvalue()

    def test_a_folder_that_is_not_one_is_refused(self, blog_author, export, tmp_path):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="dossier"):
            call_command("import_blog", str(export(wxr(item(1)))), "--media-from", str(tmp_path / "rien"))
        assert Post.objects.count() == 0


def test_pillow_writes_the_exif_the_test_relies_on(tmp_path):
    """The fixture's JPEG really carries the metadata the copy must lose (else the test above proves nothing)."""
    with Image.open(picture(tmp_path / "p.jpg")) as image:
        assert image.getexif()[0x010F] == "Appareil Secret"
