"""A post's cover image: from the uploaded file to the few files readers' browsers choose from.

The upload is judged by `imaging` (format by content, size and pixel limits, decompression
bombs, truncated or polyglot files refused with a French message), then oriented and
stripped of every metadata (EXIF, GPS, ICC, text). What is stored, all under server-made
names in covers/ of the default storage:

- the master, `Post.cover`: a JPEG no wider than MASTER_MAX_WIDTH, for later re-renditions;
- renditions at RENDITION_WIDTHS (never upscaled: a narrower image gives its own width),
  each in WebP and in JPEG for the browsers without WebP.

`Post.cover_renditions` records them by storage name, never by URL (a bucket's signed
URLs expire; MEDIA_URL may move):

    {"width": 1600, "height": 900,
     "webp": [{"width": 480, "height": 270, "name": "covers/3f…-480.webp"}, …],
     "jpeg": [{"width": 480, "height": 270, "name": "covers/3f…-480.jpg"}, …]}
"""

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

import imaging

RENDITION_WIDTHS = (480, 960, 1440)
MASTER_MAX_WIDTH = 2560
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = ("JPEG", "PNG", "WEBP")
JPEG_OPTIONS = {"quality": 82, "optimize": True, "progressive": True}
WEBP_OPTIONS = {"quality": 80, "method": 4}
# Where a transparent cover shows through in the JPEG fallback: the page's own background.
BACKGROUND = (255, 255, 255)


def load_cover(upload) -> Image.Image:
    """The uploaded file decoded, oriented and without metadata; raises imaging.ImageRejected."""
    image = imaging.load_upload(upload, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS, formats=FORMATS)
    return imaging.prepare(image)


def _resized(image: Image.Image, width: int) -> Image.Image:
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _flattened(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent parts laid on the page's background, not turned black."""
    if image.mode != "RGBA":
        return image.convert("RGB")
    background = Image.new("RGB", image.size, BACKGROUND)
    background.paste(image, mask=image.getchannel("A"))
    return background


def rendition_widths(width: int) -> list[int]:
    """The widths to make for an image this wide: RENDITION_WIDTHS, capped at its own width."""
    return sorted({min(target, width) for target in RENDITION_WIDTHS})


def master_bytes(image: Image.Image) -> bytes:
    """The JPEG kept as `Post.cover`."""
    return imaging.encode(_flattened(_resized(image, MASTER_MAX_WIDTH)), "JPEG", **JPEG_OPTIONS)


def make_renditions(image: Image.Image, *, storage=None) -> dict:
    """Write the WebP and JPEG renditions of a prepared image; return what to keep in `cover_renditions`.

    If a write fails, the files already written are removed before the error goes on.
    """
    storage = storage or default_storage
    stem = f"covers/{uuid.uuid4().hex}"
    renditions = {"width": image.width, "height": image.height, "webp": [], "jpeg": []}
    written = []
    try:
        for width in rendition_widths(image.width):
            resized = _resized(image, width)
            for kind, fmt, extension, options, picture in (
                ("webp", "WEBP", "webp", WEBP_OPTIONS, resized),
                ("jpeg", "JPEG", "jpg", JPEG_OPTIONS, _flattened(resized)),
            ):
                name = storage.save(f"{stem}-{width}.{extension}", ContentFile(imaging.encode(picture, fmt, **options)))
                written.append(name)
                renditions[kind].append({"width": resized.width, "height": resized.height, "name": name})
    except Exception:
        delete_files(written, storage=storage)
        raise
    return renditions


def rendition_names(renditions: dict) -> list[str]:
    return [item["name"] for kind in ("webp", "jpeg") for item in (renditions or {}).get(kind, [])]


def delete_files(names, *, storage=None) -> None:
    storage = storage or default_storage
    for name in names:
        if name:
            storage.delete(name)


def _url(name: str) -> str:
    return default_storage.url(name)


def cover_url(post, width: int = 1440) -> str:
    """URL of the post's largest JPEG rendition no wider than `width` (the smallest if all are wider), or ""."""
    jpegs = (post.cover_renditions or {}).get("jpeg") or []
    if not post.cover or not jpegs:
        return ""
    fitting = [item for item in jpegs if item["width"] <= width]
    chosen = max(fitting, key=lambda item: item["width"]) if fitting else min(jpegs, key=lambda item: item["width"])
    return _url(chosen["name"])


def picture_sources(post) -> dict | None:
    """What templates/blog/_cover.html needs: srcsets, the fallback's URL and its intrinsic size."""
    renditions = post.cover_renditions or {}
    jpegs = sorted(renditions.get("jpeg") or [], key=lambda item: item["width"])
    if not post.cover or not jpegs:
        return None
    webps = sorted(renditions.get("webp") or [], key=lambda item: item["width"])
    fallback = jpegs[min(1, len(jpegs) - 1)]  # the 960 one when there is one: good enough for any old browser
    return {
        "webp_srcset": ", ".join(f"{_url(item['name'])} {item['width']}w" for item in webps),
        "jpeg_srcset": ", ".join(f"{_url(item['name'])} {item['width']}w" for item in jpegs),
        "src": _url(fallback["name"]),
        "width": fallback["width"],
        "height": fallback["height"],
    }


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of encoded image bytes (for tests and checks)."""
    with Image.open(io.BytesIO(data)) as image:
        return image.size
