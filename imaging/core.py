"""Refuse hostile or broken image files, then strip and re-encode the good ones.

Pillow identifies the format from the bytes; a small structural reader per format then
finds where the image really ends, so that a file carrying anything after it (an HTML
page, a script: the "polyglot" files) is refused. Decoding happens under a pixel limit
with Pillow's decompression-bomb warning turned into an error, and a file that does not
decode completely is refused rather than patched up.
"""

import contextlib
import io
import struct
import warnings
import zlib

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

DEFAULT_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MAX_FRAMES = 100
# Text chunks (tEXt, zTXt, iTXt) of a PNG, decompressed, all together. Real photos carry a
# few hundred bytes; a "zTXt bomb" is a few kilobytes that inflate to gigabytes.
MAX_PNG_TEXT_BYTES = 256 * 1024

_FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)


def _format_lazy(message, **params):
    """Interpolate when the message is shown, in the language active then."""
    return lazy(lambda: str(message) % params, str)()


class ImageRejected(Exception):
    """The file is refused; ``message`` is a sentence for the user, ``code`` for the program."""

    def __init__(self, message, code="invalid"):
        super().__init__(str(message))
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


class _Damaged(Exception):
    """Raised by the structural readers: the bytes do not follow the format."""


def _not_an_image(formats):
    if tuple(formats) == DEFAULT_FORMATS:
        message = _("Ce fichier n’est pas une image JPEG, PNG, WebP ou GIF.")
    else:
        names = ", ".join(_FORMAT_NAMES.get(f, f) for f in formats)
        message = _format_lazy(_("Ce fichier n’est pas une image d’un format accepté (%(formats)s)."), formats=names)
    return ImageRejected(message, code="format")


def _damaged():
    return ImageRejected(_("Le fichier est incomplet ou endommagé."), code="damaged")


def _too_many_pixels(max_pixels):
    millions = f"{max_pixels / 1_000_000:g}"
    return ImageRejected(
        _format_lazy(_("L’image est trop grande (plus de %(millions)s millions de pixels)."), millions=millions),
        code="too_many_pixels",
    )


def _read(file, max_bytes):
    if isinstance(file, (bytes, bytearray, memoryview)):
        return bytes(file[: max_bytes + 1])
    if hasattr(file, "seek"):
        with contextlib.suppress(OSError, ValueError):
            file.seek(0)
    data = file.read(max_bytes + 1)
    return data if isinstance(data, bytes) else bytes(data or b"")


def _human_size(max_bytes):
    if max_bytes >= 1024 * 1024:
        return f"{max_bytes / (1024 * 1024):g} Mo"
    return f"{max(1, max_bytes // 1024)} ko"


# --- Where does the image end? One reader per format. --------------------------------------


def _skip_gif_sub_blocks(data, i):
    n = len(data)
    while True:
        if i >= n:
            raise _Damaged
        size = data[i]
        i += 1
        if size == 0:
            return i
        i += size


def _gif_end(data):
    """(end offset, number of frames)."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise _Damaged
    packed = data[10]
    i = 13 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0)
    frames = 0
    n = len(data)
    while True:
        if i > n:
            raise _Damaged
        if i == n:
            # No trailer byte: common in the wild and harmless (nothing follows the image).
            if frames == 0:
                raise _Damaged
            return i, frames
        block = data[i]
        if block == 0x3B:
            return i + 1, frames
        if block == 0x21:
            i = _skip_gif_sub_blocks(data, i + 2)
        elif block == 0x2C:
            frames += 1
            i = _skip_gif_image(data, i)
        else:
            raise _Damaged


def _skip_gif_image(data, i):
    """Offset after the image starting at ``i``: descriptor, local colour table, LZW data."""
    if i + 10 > len(data):
        raise _Damaged
    packed = data[i + 9]
    i += 10
    if packed & 0x80:
        i += 3 * 2 ** ((packed & 7) + 1)
    return _skip_gif_sub_blocks(data, i + 1)


def _png_end(data):
    """(end offset, decompressed size of the text chunks)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise _Damaged
    i, n, text = 8, len(data), 0
    while True:
        if i + 12 > n:
            raise _Damaged
        length, kind = struct.unpack(">I4s", data[i : i + 8])
        end = i + 12 + length
        if end > n:
            raise _Damaged
        body = data[i + 8 : i + 8 + length]
        if kind == b"tEXt":
            text += length
        elif kind == b"zTXt":
            text += _inflated_size(body.partition(b"\0")[2][1:], MAX_PNG_TEXT_BYTES - text)
        elif kind == b"iTXt":
            keyword, _sep, rest = body.partition(b"\0")
            compressed = rest[:1] == b"\x01"
            rest = rest[2:].partition(b"\0")[2].partition(b"\0")[2]  # language, translated keyword
            text += _inflated_size(rest, MAX_PNG_TEXT_BYTES - text) if compressed else len(rest)
        if text > MAX_PNG_TEXT_BYTES:
            raise ImageRejected(
                _("L’image contient trop de métadonnées ; enregistrez-la à nouveau sans métadonnées."),
                code="metadata",
            )
        if kind == b"IEND":
            return end, text
        i = end


def _inflated_size(compressed, budget):
    """Size of the inflated data, stopping one byte past the budget (a bomb costs nothing)."""
    try:
        return len(zlib.decompressobj().decompress(compressed, max(budget, 0) + 1))
    except zlib.error as exc:
        raise _Damaged from exc


def _webp_end(data):
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise _Damaged
    size = struct.unpack("<I", data[4:8])[0]
    end = 8 + size + (size & 1)
    if end > len(data):
        raise _Damaged
    return end


def _jpeg_stream_end(data, i):
    """End offset of the JPEG stream starting at ``i`` (SOI ... EOI)."""
    n = len(data)
    if data[i : i + 2] != b"\xff\xd8":
        raise _Damaged
    i += 2
    while i < n:
        marker, i = _jpeg_marker(data, i)
        if marker == 0xD9:
            return i
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        if i + 2 > n:
            raise _Damaged
        length = (data[i] << 8) | data[i + 1]
        if length < 2:
            raise _Damaged
        i += length
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the next real marker
            i = _skip_entropy_coded(data, i)
    raise _Damaged


def _jpeg_marker(data, i):
    """(marker byte, offset after it) for the marker at ``i``, fill bytes (0xFF runs) skipped."""
    n = len(data)
    if data[i] != 0xFF:
        raise _Damaged
    while i < n and data[i] == 0xFF:
        i += 1
    if i >= n:
        raise _Damaged
    return data[i], i + 1


def _skip_entropy_coded(data, i):
    """Offset of the first real marker at or after ``i`` (stuffed 0xFF00, restart markers and fill bytes skipped)."""
    n = len(data)
    while True:
        j = data.find(b"\xff", i)
        if j < 0 or j + 1 >= n:
            raise _Damaged
        following = data[j + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            i = j + 2
        elif following == 0xFF:
            i = j + 1
        else:
            return j


def _jpeg_end(data, multi_picture):
    """(end offset, number of pictures); an MPO file (some cameras) is JPEGs one after another."""
    end, count = _jpeg_stream_end(data, 0), 1
    while multi_picture and data[end : end + 2] == b"\xff\xd8" and count < MAX_FRAMES + 1:
        end, count = _jpeg_stream_end(data, end), count + 1
    return end, count


def _structure(data, fmt):
    """(end offset, frames or None when Pillow should count them)."""
    if fmt in ("JPEG", "MPO"):
        return _jpeg_end(data, multi_picture=fmt == "MPO")
    if fmt == "PNG":
        return _png_end(data)[0], None
    if fmt == "GIF":
        return _gif_end(data)
    if fmt == "WEBP":
        return _webp_end(data), None
    raise _Damaged


# --- The public API -----------------------------------------------------------------------


def load_upload(file, *, max_bytes: int, max_pixels: int, formats=DEFAULT_FORMATS, max_frames: int = MAX_FRAMES):
    """Read an uploaded file and return its decoded image (first frame loaded), or raise ImageRejected.

    ``file`` is anything with ``read()`` (a Django UploadedFile, a BytesIO) or bytes. At most
    ``max_bytes + 1`` bytes are read.
    """
    formats = tuple(formats)
    data = _read_within(file, max_bytes)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with _decoding(max_pixels):
            image = _open(data, formats)
        frames = _check_structure(data, image, formats)
        _check_size(image, frames, max_pixels=max_pixels, max_frames=max_frames)
        with _decoding(max_pixels):
            image.load()
    return image


def _read_within(file, max_bytes):
    data = _read(file, max_bytes)
    if len(data) > max_bytes:
        raise ImageRejected(_format_lazy(_("L’image dépasse %(size)s."), size=_human_size(max_bytes)), code="too_large")
    if not data:
        raise ImageRejected(_("Le fichier est vide."), code="empty")
    # Pillow's own module-wide switch must stay off: a truncated file is refused, not padded with grey.
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must be False.")
    return data


@contextlib.contextmanager
def _decoding(max_pixels):
    """Pillow's errors while opening or decoding, as the user's refusal."""
    try:
        yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(max_pixels) from exc
    except _DECODE_ERRORS as exc:
        raise _damaged() from exc


def _open(data, formats):
    try:
        return Image.open(io.BytesIO(data), formats=list(formats))
    except UnidentifiedImageError as exc:
        raise _not_an_image(formats) from exc


def _check_structure(data, image, formats):
    """The number of frames (None: Pillow counts); refuses another format, a damaged file or data after the image."""
    fmt = "JPEG" if image.format == "MPO" else image.format
    if fmt not in formats:
        raise _not_an_image(formats)
    try:
        end, frames = _structure(data, image.format)
    except _Damaged as exc:
        raise _damaged() from exc
    if data[end:].strip(b"\0"):
        raise ImageRejected(
            _(
                "Le fichier contient autre chose qu’une image après la fin de celle-ci ; "
                "enregistrez-la à nouveau avec un logiciel d’images."
            ),
            code="trailing_data",
        )
    return frames


def _check_size(image, frames, *, max_pixels, max_frames):
    width, height = image.size
    if width < 1 or height < 1:
        raise _damaged()
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels)
    if frames is None:
        frames = getattr(image, "n_frames", 1)
    if frames > max_frames:
        raise ImageRejected(
            _format_lazy(_("L’animation compte trop d’images (plus de %(count)s)."), count=max_frames),
            code="too_many_frames",
        )


def _has_alpha(image):
    return "A" in image.getbands() or "transparency" in image.info


def prepare(image):
    """A new RGB or RGBA image: EXIF orientation applied, first frame only, no metadata at all.

    Raises ImageRejected when the image cannot be made so (a broken EXIF block, say).
    """
    try:
        return _prepare(image)
    except (*_DECODE_ERRORS, TypeError, KeyError) as exc:
        raise _damaged() from exc


def _prepare(image):
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    image = ImageOps.exif_transpose(image)
    mode = image.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        # 16-bit or wider greyscale: scale down; a plain convert("L") would clip at 255.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
        mode = "L"
    if mode == "CMYK":
        image = image.convert("RGB")
    elif _has_alpha(image):
        image = image.convert("RGBA")
    elif image.mode != "RGB":
        image = image.convert("RGB")
    return Image.frombytes(image.mode, image.size, image.tobytes())


_METADATA_OPTIONS = ("exif", "icc_profile", "pnginfo", "xmp", "comment", "extra")


def encode(image, fmt: str, **options) -> bytes:
    """Encode ``image`` in ``fmt`` carrying no metadata (EXIF, GPS, ICC profile, text, XMP)."""
    for key in _METADATA_OPTIONS:
        options.pop(key, None)
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    if fmt.upper() in ("JPEG", "JPG") and image.mode == "RGBA":
        image = image.convert("RGB")
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    buffer = io.BytesIO()
    clean.save(buffer, format=fmt, **options)
    return buffer.getvalue()
