"""Hostile uploads through the real avatar form: each file's expected outcome, never a 5xx,
and nothing stored that holds a script, metadata or a name the sender chose.

The files are generated here (the generators are the imaging tests' own); the table below is
issue 6's list, one row per file. `stored` rows are accepted and re-encoded, `refused` rows get
a 422 with the sentence the reader sees.
"""

import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.imaging.test_core import (
    MB,
    animated,
    insert_before_iend,
    jpeg_with_exif,
    make,
    png_chunk,
    with_png_dimensions,
)

pytestmark = pytest.mark.django_db


def gif_javascript_polyglot() -> bytes:
    gif = bytearray(make("GIF", size=(4, 4)))
    gif[6:8] = b"/*"  # GIF89a/* … */=alert(1): a valid GIF that is also a script
    return bytes(gif) + b"*/=alert(1);"


def huge_exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "A" * 60_000  # ImageDescription: ~60 KB of metadata
    exif[0x010F] = "Appareil espion"
    exif.get_ifd(0x8825)[2] = (48.0, 51.0, 24.0)  # GPSLatitude
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 10)).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
TIFF = make("TIFF")
ZTXT_BOMB = insert_before_iend(make("PNG"), png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"\0" * (50 * MB), 9)))

FILES = {
    "decompression bomb": with_png_dimensions(make("PNG"), 60_000, 60_000),
    "zTXt bomb": ZTXT_BOMB,
    "truncated": make("JPEG", size=(64, 64))[:300],
    "GIF/JS polyglot": gif_javascript_polyglot(),
    "PNG followed by HTML": make("PNG") + b"<html><script>alert(1)</script>",
    "SVG with script": SVG,
    "TIFF named .png": TIFF,
    "0 bytes": b"",
    "huge EXIF with GPS": huge_exif_with_gps(),
    "EXIF orientation and GPS": jpeg_with_exif(),
    "many-frame GIF": animated("GIF", 150),
    "few-frame GIF": animated("GIF", 3),
    "CMYK JPEG": make("JPEG", mode="CMYK", color=(0, 255, 255, 0)),
    "16-bit PNG": make("PNG", mode="I;16", color=40_000),
    "path traversal name": make("JPEG"),
    "double extension name": make("JPEG"),
    "script as a name": make("PNG"),
}

# fmt: off
CASES = [
    # file                        its name                          outcome    what the reader reads
    ("decompression bomb",        "bombe.png",                      "refused", "trop grande"),
    ("zTXt bomb",                 "texte.png",                      "refused", None),
    ("truncated",                 "coupee.jpg",                     "refused", "incomplet ou endommagé"),
    ("GIF/JS polyglot",           "polyglotte.gif",                 "refused", "après la fin"),
    ("PNG followed by HTML",      "page.png",                       "refused", "après la fin"),
    ("SVG with script",           "dessin.svg",                     "refused", "pas une image JPEG"),
    ("TIFF named .png",           "photo.png",                      "refused", "pas une image JPEG"),
    ("0 bytes",                   "vide.jpg",                       "refused", "vide"),
    ("huge EXIF with GPS",        "exif.jpg",                       "stored",  None),
    ("EXIF orientation and GPS",  "tourne.jpg",                     "stored",  None),
    ("many-frame GIF",            "anime.gif",                      "refused", None),
    ("few-frame GIF",             "anime.gif",                      "stored",  None),
    ("CMYK JPEG",                 "cmjn.jpg",                       "stored",  None),
    ("16-bit PNG",                "seize.png",                      "stored",  None),
    ("path traversal name",       "../../../etc/passwd.jpg",        "stored",  None),
    ("double extension name",     "avatar.php.jpg",                 "stored",  None),
    ("script as a name",          "<script>alert(1)</script>.png",  "stored",  None),
]
# fmt: on


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(("name", "filename", "outcome", "sentence"), CASES, ids=[case[0] for case in CASES])
def test_hostile_upload(client, reader, media, name, filename, outcome, sentence, django_capture_on_commit_callbacks):
    data = FILES[name]
    client.force_login(reader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:avatar_upload"),
            {"avatar": SimpleUploadedFile(filename, data, content_type="image/png")},
        )
    assert response.status_code < 500
    files = sorted(path for path in media.rglob("*") if path.is_file())
    reader.refresh_from_db()
    if outcome == "refused":
        assert response.status_code == 422, name
        if sentence:
            assert sentence in response.content.decode(), name
        assert files == [] and reader.avatar == ""
        return
    assert response.status_code == 302, name
    assert files, name
    for path in files:
        content = path.read_bytes()
        assert path.parent == media / "avatars" and path.suffix == ".webp"
        assert "passwd" not in path.name and "php" not in path.name and "script" not in path.name
        for forbidden in (b"<script", b"alert(", b"Exif", b"Appareil espion", b"XMP", b"<?php"):
            assert forbidden not in content, (name, path.name, forbidden)
        image = Image.open(path)
        assert image.format == "WEBP" and not image.getexif() and "icc_profile" not in image.info
        assert getattr(image, "n_frames", 1) == 1
