"""Each hostile file an avatar form may receive, generated here with Pillow, and its outcome."""

import contextlib
import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from imaging import ImageRejected, encode, load_upload, prepare

MB = 1024 * 1024
LIMITS = {"max_bytes": 5 * MB, "max_pixels": 25_000_000}


def make(fmt="PNG", size=(8, 6), mode="RGB", color=(200, 30, 30), **options):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def animated(fmt, frames, size=(4, 4)):
    images = [Image.new("RGB", size, (i * 2 % 256, 0, i * 37 % 256)) for i in range(frames)]
    buffer = io.BytesIO()
    options = {"lossless": True} if fmt == "WEBP" else {}
    images[0].save(buffer, format=fmt, save_all=True, append_images=images[1:], duration=20, loop=0, **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def with_png_dimensions(data: bytes, width: int, height: int) -> bytes:
    """The same PNG whose header claims another size (CRC fixed): a decompression bomb's header."""
    ihdr = bytearray(data[16:29])
    ihdr[0:8] = struct.pack(">II", width, height)
    return data[:8] + png_chunk(b"IHDR", bytes(ihdr)) + data[33:]


def insert_before_iend(data: bytes, chunk: bytes) -> bytes:
    at = data.rindex(b"IEND") - 4
    return data[:at] + chunk + data[at:]


def rejected(data, **limits) -> ImageRejected:
    with pytest.raises(ImageRejected) as info:
        load_upload(io.BytesIO(data), **{**LIMITS, **limits})
    return info.value


class TestAccepted:
    @pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
    def test_each_accepted_format_loads(self, fmt):
        image = load_upload(io.BytesIO(make(fmt)), **LIMITS)
        assert image.size == (8, 6)

    def test_the_name_and_declared_type_do_not_matter(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("photo.txt", make("PNG"), content_type="text/plain")
        assert load_upload(upload, **LIMITS).format == "PNG"

    def test_bytes_are_accepted_too(self):
        assert load_upload(make("JPEG"), **LIMITS).format == "JPEG"

    def test_an_animation_within_the_limit_loads(self):
        assert load_upload(animated("GIF", 3), **LIMITS).n_frames == 3


class TestRefusedFormats:
    def test_svg(self):
        svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        error = rejected(svg)
        assert error.code == "format"
        assert str(error.message) == "Ce fichier n’est pas une image JPEG, PNG, WebP ou GIF."

    def test_tiff_renamed_png(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("avatar.png", make("TIFF"), content_type="image/png")
        with pytest.raises(ImageRejected) as info:
            load_upload(upload, **LIMITS)
        assert info.value.code == "format"

    def test_html(self):
        assert rejected(b"<!doctype html><html><body><script>alert(1)</script></body></html>").code == "format"

    def test_bmp_is_an_image_but_not_an_accepted_one(self):
        assert rejected(make("BMP")).code == "format"

    def test_a_narrower_format_list(self):
        error = rejected(make("GIF"), formats=("JPEG", "PNG"))
        assert error.code == "format"
        assert str(error.message) == "Ce fichier n’est pas une image d’un format accepté (JPEG, PNG)."

    def test_empty_file(self):
        error = rejected(b"")
        assert error.code == "empty"
        assert str(error.message) == "Le fichier est vide."


class TestSize:
    def test_over_the_byte_limit(self):
        data = make("PNG", size=(64, 64))
        error = rejected(data, max_bytes=len(data) - 1)
        assert error.code == "too_large"

    def test_message_names_the_limit(self):
        error = rejected(b"x" * (5 * MB + 1))
        assert str(error.message) == "L’image dépasse 5 Mo."

    def test_exactly_the_limit_is_fine(self):
        data = make("PNG")
        assert load_upload(io.BytesIO(data), max_bytes=len(data), max_pixels=100).size == (8, 6)

    def test_reads_no_more_than_the_limit_plus_one(self):
        class Counting(io.BytesIO):
            asked = []

            def read(self, n=-1):
                self.asked.append(n)
                return super().read(n)

        stream = Counting(b"\0" * 10_000)
        with pytest.raises(ImageRejected):
            load_upload(stream, max_bytes=1000, max_pixels=100)
        assert stream.asked == [1001]

    def test_too_many_pixels_for_our_limit(self):
        error = rejected(make("PNG", size=(200, 100)), max_pixels=19_999)
        assert error.code == "too_many_pixels"
        assert str(error.message) == "L’image est trop grande (plus de 0.019999 millions de pixels)."

    def test_message_for_the_usual_limit(self):
        bomb = with_png_dimensions(make("PNG", size=(1, 1)), 6000, 5000)
        error = rejected(bomb)
        assert error.code == "too_many_pixels"
        assert str(error.message) == "L’image est trop grande (plus de 25 millions de pixels)."

    def test_decompression_bomb_error_from_pillow(self):
        # 100 000 × 100 000: beyond twice Pillow's own limit, Pillow raises before any decoding.
        bomb = with_png_dimensions(make("PNG", size=(1, 1)), 100_000, 100_000)
        assert rejected(bomb, max_pixels=10**12).code == "too_many_pixels"

    def test_decompression_bomb_warning_is_an_error(self):
        # Between Pillow's limit and twice it Pillow only warns: the warning refuses the file too.
        side = int((Image.MAX_IMAGE_PIXELS * 1.5) ** 0.5)
        bomb = with_png_dimensions(make("PNG", size=(1, 1)), side, side)
        assert rejected(bomb, max_pixels=10**12).code == "too_many_pixels"


class TestPolyglots:
    def test_png_followed_by_html(self):
        error = rejected(make("PNG") + b"<html><script>alert(document.cookie)</script></html>")
        assert error.code == "trailing_data"
        assert "après la fin" in str(error.message)

    def test_gif_javascript_polyglot(self):
        # GIF89a/*...*/=alert(1): the header opens a JavaScript comment, the tail runs as script.
        gif = bytearray(make("GIF", size=(4, 4)))
        gif[6:8] = b"/*"
        assert rejected(bytes(gif) + b"*/=alert(1);").code == "trailing_data"

    def test_gif_with_trailing_data(self):
        assert rejected(make("GIF") + b"<?php system($_GET['c']); ?>").code == "trailing_data"

    def test_jpeg_with_trailing_zip(self):
        assert rejected(make("JPEG") + b"PK\x03\x04" + b"\x00" * 30).code == "trailing_data"

    def test_webp_with_trailing_html(self):
        assert rejected(make("WEBP") + b"<script>alert(1)</script>").code == "trailing_data"

    def test_padding_with_zero_bytes_is_harmless(self):
        assert load_upload(make("JPEG") + b"\0\0\0", **LIMITS).format == "JPEG"


class TestDamaged:
    @pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
    def test_truncated_file(self, fmt):
        data = make(fmt, size=(64, 64), color=None) if fmt != "GIF" else animated("GIF", 2, (64, 64))
        error = rejected(data[: len(data) * 2 // 3])
        assert error.code == "damaged"
        assert str(error.message) == "Le fichier est incomplet ou endommagé."

    def test_corrupt_png_data(self):
        data = bytearray(make("PNG", size=(32, 32)))
        idat = data.index(b"IDAT")
        data[idat + 6 : idat + 12] = b"\xff" * 6
        assert rejected(bytes(data)).code == "damaged"

    def test_magic_bytes_only(self):
        assert rejected(b"\x89PNG\r\n\x1a\n").code in {"damaged", "format"}


class TestPngText:
    def test_ztxt_bomb(self):
        bomb = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"\0" * (50 * MB), 9))
        error = rejected(insert_before_iend(make("PNG"), bomb))
        assert error.code == "metadata"
        assert "métadonnées" in str(error.message)

    def test_itxt_bomb(self):
        body = b"XML:com.adobe.xmp\0\x01\x00\0\0" + zlib.compress(b"A" * (20 * MB), 9)
        assert rejected(insert_before_iend(make("PNG"), png_chunk(b"iTXt", body))).code == "metadata"

    def test_many_plain_text_chunks(self):
        data = make("PNG")
        for i in range(40):
            data = insert_before_iend(data, png_chunk(b"tEXt", b"k%d\0" % i + b"x" * 10_000))
        assert rejected(data).code == "metadata"

    def test_a_short_text_chunk_is_fine(self):
        info = PngImagePlugin.PngInfo()
        info.add_text("Software", "GIMP")
        info.add_text("Comment", "bonjour", zip=True)
        assert load_upload(make("PNG", pnginfo=info), **LIMITS).format == "PNG"


class TestFrames:
    def test_too_many_gif_frames(self):
        error = rejected(animated("GIF", 101))
        assert error.code == "too_many_frames"
        assert str(error.message) == "L’animation compte trop d’images (plus de 100)."

    def test_too_many_webp_frames(self):
        data = animated("WEBP", 101)
        assert Image.open(io.BytesIO(data)).n_frames == 101
        assert rejected(data).code == "too_many_frames"

    def test_a_lower_frame_limit(self):
        assert rejected(animated("GIF", 5), max_frames=4).code == "too_many_frames"

    def test_prepare_keeps_the_first_frame(self):
        image = load_upload(animated("GIF", 3), **LIMITS)
        image.seek(2)
        clean = prepare(image)
        assert not hasattr(clean, "n_frames") or clean.n_frames == 1
        assert clean.getpixel((0, 0))[:3] == (0, 0, 0)


class TestModes:
    def test_cmyk_jpeg_becomes_rgb(self):
        image = load_upload(make("JPEG", mode="CMYK", color=(0, 255, 255, 0)), **LIMITS)
        assert image.mode == "CMYK"
        clean = prepare(image)
        assert clean.mode == "RGB"
        red, green, blue = clean.getpixel((2, 2))
        assert red > 200 and green < 60 and blue < 60

    def test_sixteen_bit_png_is_scaled_not_clipped(self):
        image = load_upload(make("PNG", mode="I;16", color=40_000), **LIMITS)
        clean = prepare(image)
        assert clean.mode == "RGB"
        assert clean.getpixel((0, 0)) == (156, 156, 156)

    def test_palette_with_transparency_becomes_rgba(self):
        source = Image.new("P", (4, 4), 0)
        source.putpalette([255, 0, 0] * 256)
        buffer = io.BytesIO()
        source.save(buffer, format="PNG", transparency=0)
        clean = prepare(load_upload(buffer.getvalue(), **LIMITS))
        assert clean.mode == "RGBA"
        assert clean.getpixel((0, 0))[3] == 0

    def test_greyscale_becomes_rgb(self):
        assert prepare(load_upload(make("PNG", mode="L", color=90), **LIMITS)).mode == "RGB"


def jpeg_with_exif(orientation=6):
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "Appareil espion"  # Make
    gps = exif.get_ifd(0x8825)
    gps[2] = (48.0, 51.0, 24.0)  # GPSLatitude
    gps[1] = "N"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 120, 10)).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


class TestPrepareAndEncode:
    def test_orientation_is_applied(self):
        image = load_upload(jpeg_with_exif(), **LIMITS)
        assert image.size == (40, 20)
        assert prepare(image).size == (20, 40)

    @pytest.mark.parametrize("fmt", ["WEBP", "PNG", "JPEG"])
    def test_no_exif_gps_or_icc_left(self, fmt):
        source = load_upload(jpeg_with_exif(), **LIMITS)
        source.info["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        data = encode(prepare(source), fmt)
        assert b"Appareil espion" not in data
        assert b"Exif" not in data
        reopened = Image.open(io.BytesIO(data))
        assert not reopened.getexif()
        assert "exif" not in reopened.info
        assert "icc_profile" not in reopened.info

    def test_prepare_drops_png_text(self):
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "Jeanne Secret")
        clean = prepare(load_upload(make("PNG", pnginfo=info), **LIMITS))
        assert clean.info == {}
        assert b"Jeanne Secret" not in encode(clean, "PNG")

    def test_encode_ignores_metadata_options(self):
        data = encode(Image.new("RGB", (4, 4)), "JPEG", exif=b"Exif\0\0junk", quality=80)
        assert b"junk" not in data

    def test_encode_makes_an_rgba_image_a_jpeg(self):
        data = encode(Image.new("RGBA", (4, 4), (1, 2, 3, 4)), "JPEG")
        assert Image.open(io.BytesIO(data)).mode == "RGB"

    def test_round_trip_through_load(self):
        data = encode(prepare(load_upload(make("PNG"), **LIMITS)), "WEBP", quality=80)
        assert load_upload(data, **LIMITS).format == "WEBP"


class TestNeverAnythingButImageRejected:
    """Damaged files of every kind: refused or accepted, never another exception (a 500 in a view)."""

    @pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
    def test_mutated_files(self, fmt):
        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st

        original = make(fmt, size=(24, 16), color=None) if fmt != "GIF" else animated("GIF", 2, (24, 16))

        @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(
            st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)), min_size=1, max_size=8),
            st.integers(0, len(original)),
        )
        def check(changes, cut):
            data = bytearray(original)
            for position, value in changes:
                data[position] = value
            with contextlib.suppress(ImageRejected):  # refused is fine; any other exception fails
                prepare(load_upload(bytes(data[: max(cut, 1)]), **LIMITS))

        check()
