"""Safe handling of images sent by users: pure functions, no Django model, no storage.

    image = load_upload(file, max_bytes=5 * 1024 * 1024, max_pixels=25_000_000)  # or ImageRejected
    clean = prepare(image)              # oriented, first frame, RGB/RGBA, no metadata
    data = encode(clean, "WEBP", quality=85)

The file is judged by its content only, never by its name or declared content type.
"""

from imaging.core import DEFAULT_FORMATS, ImageRejected, encode, load_upload, prepare

__all__ = ["DEFAULT_FORMATS", "ImageRejected", "encode", "load_upload", "prepare"]
