import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from PIL import Image

import imaging
from blog import images
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

ORIENTATION = 0x0112
GPS_INFO = 0x8825


def image_bytes(fmt="JPEG", size=(2000, 1000), color=(200, 30, 30), mode="RGB", exif=None, **options):
    image = Image.new(mode, size, color)
    buffer = io.BytesIO()
    if exif is not None:
        options["exif"] = exif
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def exif_with(orientation=None, gps=False):
    exif = Image.Exif()
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        exif[0x010F] = "Appareil de Test"  # Make
        exif.get_ifd(GPS_INFO)[2] = (48.0, 51.0, 24.0)  # GPSLatitude
    return exif


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def opened(name):
    with default_storage.open(name) as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
        return image


class TestLoadCover:
    def test_a_jpeg_is_decoded(self):
        image = images.load_cover(upload(image_bytes()))
        assert image.size == (2000, 1000)
        assert image.mode == "RGB"

    def test_orientation_is_applied(self):
        image = images.load_cover(upload(image_bytes(size=(600, 300), exif=exif_with(orientation=6))))
        assert image.size == (300, 600)

    def test_png_keeps_its_transparency_and_webp_is_accepted(self):
        png = images.load_cover(upload(image_bytes("PNG", mode="RGBA", color=(0, 0, 0, 0)), "a.png"))
        assert png.mode == "RGBA"
        assert images.load_cover(upload(image_bytes("WEBP"), "a.webp")).size == (2000, 1000)

    @pytest.mark.parametrize(
        ("data", "code"),
        [
            (b"<html><script>alert(1)</script></html>", "format"),
            (image_bytes("GIF", size=(100, 100), color=1, mode="P"), "format"),
            (image_bytes()[:3000], "damaged"),
            (b"", "empty"),
            (image_bytes() + b"<?php echo 1; ?>", "trailing_data"),
        ],
    )
    def test_refused_with_a_reason(self, data, code):
        with pytest.raises(imaging.ImageRejected) as refused:
            images.load_cover(upload(data))
        assert refused.value.code == code
        assert str(refused.value.message)

    def test_the_name_and_declared_type_do_not_matter(self):
        assert images.load_cover(upload(image_bytes("PNG"), "photo.exe", "text/html")).size == (2000, 1000)

    def test_too_many_pixels_is_refused_before_decoding(self, monkeypatch):
        monkeypatch.setattr(images, "MAX_PIXELS", 1000 * 1000)
        with pytest.raises(imaging.ImageRejected) as refused:
            images.load_cover(upload(image_bytes("PNG", size=(1001, 1000))))
        assert refused.value.code == "too_many_pixels"

    def test_too_heavy_is_refused(self, monkeypatch):
        monkeypatch.setattr(images, "MAX_BYTES", 1000)
        with pytest.raises(imaging.ImageRejected) as refused:
            images.load_cover(upload(image_bytes()))
        assert refused.value.code == "too_large"


class TestRenditions:
    @pytest.mark.parametrize(
        ("width", "expected"),
        [(2000, [480, 960, 1440]), (1440, [480, 960, 1440]), (800, [480, 800]), (300, [300])],
    )
    def test_widths_never_upscale(self, width, expected):
        assert images.rendition_widths(width) == expected

    def test_webp_and_jpeg_at_each_width_under_covers(self, media):
        image = images.load_cover(upload(image_bytes(size=(2000, 1000))))
        renditions = images.make_renditions(image)
        assert (renditions["width"], renditions["height"]) == (2000, 1000)
        for kind, fmt, extension in (("webp", "WEBP", ".webp"), ("jpeg", "JPEG", ".jpg")):
            sizes = [(item["width"], item["height"]) for item in renditions[kind]]
            assert sizes == [(480, 240), (960, 480), (1440, 720)]
            for item in renditions[kind]:
                assert item["name"].startswith("covers/") and item["name"].endswith(extension)
                stored = opened(item["name"])
                assert stored.format == fmt
                assert stored.size == (item["width"], item["height"])

    def test_one_server_made_stem_per_cover(self, media):
        image = images.load_cover(upload(image_bytes(size=(500, 250)), name="../../etc/passwd.jpg"))
        names = images.rendition_names(images.make_renditions(image))
        assert len(names) == 4
        stems = {name.rsplit("-", 1)[0] for name in names}
        assert len(stems) == 1
        assert "passwd" not in next(iter(stems))
        assert len(next(iter(stems))) == len("covers/") + 32

    def test_metadata_is_stripped(self, media):
        data = image_bytes(size=(600, 300), exif=exif_with(orientation=6, gps=True))
        assert b"Appareil de Test" in data
        image = images.load_cover(upload(data))
        for name in images.rendition_names(images.make_renditions(image)):
            stored = opened(name)
            assert not stored.getexif()
            assert "icc_profile" not in stored.info
            assert stored.size[1] > stored.size[0]  # portrait: the orientation was applied, then dropped
            with default_storage.open(name) as file:
                assert b"Appareil de Test" not in file.read()
        assert b"Appareil de Test" not in images.master_bytes(image)

    def test_transparency_becomes_the_page_background_in_jpeg(self, media):
        image = images.load_cover(upload(image_bytes("PNG", size=(500, 250), mode="RGBA", color=(0, 0, 0, 0))))
        renditions = images.make_renditions(image)
        assert opened(renditions["jpeg"][0]["name"]).getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=2)
        assert opened(renditions["webp"][0]["name"]).mode == "RGBA"

    def test_a_failed_write_leaves_no_file(self, media, monkeypatch):
        calls = []
        real_save = default_storage.save

        def failing_save(name, content, **kwargs):
            calls.append(name)
            if len(calls) == 3:
                raise OSError("disque plein")
            return real_save(name, content, **kwargs)

        monkeypatch.setattr(default_storage, "save", failing_save)
        with pytest.raises(OSError):
            images.make_renditions(images.load_cover(upload(image_bytes())))
        assert not list((media / "covers").iterdir())

    def test_master_is_a_jpeg_no_wider_than_the_limit(self):
        image = images.load_cover(upload(image_bytes("PNG", size=(3000, 1500))))
        assert images.image_size(images.master_bytes(image)) == (2560, 1280)


def post_with_cover(widths=(480, 960, 1440), ratio=0.5):
    renditions = {"width": widths[-1], "height": int(widths[-1] * ratio), "webp": [], "jpeg": []}
    for width in widths:
        for kind, extension in (("webp", "webp"), ("jpeg", "jpg")):
            renditions[kind].append(
                {"width": width, "height": int(width * ratio), "name": f"covers/abc-{width}.{extension}"}
            )
    return PostFactory.build(
        cover="covers/abc.jpg", cover_alt="Une agence « bancaire » & son guichet", cover_renditions=renditions
    )


class TestCoverUrl:
    @pytest.mark.parametrize(("width", "expected"), [(1440, 1440), (2000, 1440), (1200, 960), (960, 960), (100, 480)])
    def test_largest_jpeg_not_wider(self, width, expected):
        assert images.cover_url(post_with_cover(), width) == f"/media/covers/abc-{expected}.jpg"

    def test_no_cover_no_url(self):
        assert images.cover_url(PostFactory.build(), 1440) == ""


class TestCoverTemplate:
    def render(self, post, **context):
        return render_to_string("blog/_cover.html", {"post": post, **context})

    def test_picture_with_webp_sources_and_a_jpeg_fallback(self):
        html = self.render(post_with_cover())
        assert "<picture>" in html
        assert (
            '<source type="image/webp" srcset="/media/covers/abc-480.webp 480w, /media/covers/abc-960.webp 960w, '
            '/media/covers/abc-1440.webp 1440w" sizes="(max-width: 45rem) 100vw, 45rem">'
        ) in html
        assert 'src="/media/covers/abc-960.jpg"' in html
        assert (
            'srcset="/media/covers/abc-480.jpg 480w, /media/covers/abc-960.jpg 960w, /media/covers/abc-1440.jpg 1440w"'
            in html
        )
        assert 'width="960" height="480"' in html
        assert 'alt="Une agence « bancaire » &amp; son guichet"' in html
        assert 'loading="lazy"' in html
        assert 'decoding="async"' in html

    def test_eager_on_the_post_page_and_sizes_passed_in(self):
        html = self.render(post_with_cover(), eager=True, sizes="(max-width: 30rem) 100vw, 20rem")
        assert "loading=" not in html
        assert html.count('sizes="(max-width: 30rem) 100vw, 20rem"') == 2

    def test_a_single_small_rendition(self):
        html = self.render(post_with_cover(widths=(300,)))
        assert 'src="/media/covers/abc-300.jpg"' in html
        assert 'width="300" height="150"' in html

    def test_no_query(self, django_assert_num_queries):
        post = post_with_cover()
        with django_assert_num_queries(0):
            self.render(post)

    def test_nothing_without_a_cover(self):
        assert self.render(PostFactory.build()).strip() == ""
