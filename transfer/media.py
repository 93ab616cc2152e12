"""An imported post's images, copied from a local folder (`--media-from DIR`) and its links rewritten.

The folder is a copy of WordPress's `wp-content/uploads` or Google Takeout's `Blogger/Albums/`. An image
the post links to (`<img src>`, `<a href>` to a .jpg, .png, .gif or .webp) is looked for there: by its
path after `wp-content/uploads/`, then by its file name anywhere in the folder (Takeout's albums, Blogger's
`…/s1600/photo.jpg`). Found, it goes through `imaging` — decoded with size limits, re-encoded, every
metadata stripped (EXIF, GPS, ICC, XMP) — and is stored under `imports/`, named by its content (the same
image stored once, a second import finds it); the link then points at the copy. Missing, refused (a path
leaving the folder, a file that is not a sound image) or too large: the link is left as it was and the
report counts it `missing`, with a warning. Nothing is fetched from the network. A dry run reads and
checks every file, and stores none.
"""

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

import imaging
from transfer.formats.xmlinput import ImportRefused

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
MAX_BYTES = 30 * 1024 * 1024
MAX_PIXELS = 50_000_000
# What each format becomes here: a GIF's first frame, as PNG (imaging keeps the first frame only).
ENCODINGS = {
    "JPEG": ("JPEG", ".jpg", {"quality": 88, "optimize": True}),
    "PNG": ("PNG", ".png", {"optimize": True}),
    "GIF": ("PNG", ".png", {"optimize": True}),
    "WEBP": ("WEBP", ".webp", {"quality": 88}),
}
_LINK = re.compile(r"""\b(src|href)(\s*=\s*)(["'])([^"'<>]+)\3""", re.I)


class Media:
    """The images of one import, each file read once; `rewrite(html)` gives the post's HTML with new links."""

    def __init__(self, folder, report, *, store: bool = True):
        self.root = Path(folder).resolve()
        if not self.root.is_dir():
            raise ImportRefused(_("--media-from : « %(dir)s » n’est pas un dossier.") % {"dir": folder})
        self.report, self.store = report, store
        self.done: dict[str, str | None] = {}  # link in the export -> new URL, or None (missing)
        self._by_name: dict[str, list[Path]] | None = None

    def rewrite(self, html: str, *, where: str = "") -> str:
        """`html` with each local copy's link in place of the old one; the rest as it was."""

        def swap(match: re.Match) -> str:
            url = match.group(4)
            new = self._copy(url, where) if _is_image(url) else None
            return f"{match.group(1)}{match.group(2)}{match.group(3)}{new or url}{match.group(3)}"

        return _LINK.sub(swap, html)

    def _copy(self, url: str, where: str) -> str | None:
        if url not in self.done:
            path = self._find(url)
            new = self._store(path, url, where) if path is not None else None
            if path is None:
                self._missing(url, where, _("introuvable dans le dossier"))
            self.done[url] = new
        return self.done[url]

    def _missing(self, url: str, where: str, why: str) -> None:
        self.report.media["missing"] += 1
        self.report.warn(
            _("« %(where)s » : image %(url)s non copiée (%(why)s), lien laissé tel quel.")
            % {"where": where, "url": url, "why": why}
        )

    def _find(self, url: str) -> Path | None:
        """The file in the folder for this link, or None. A path that would leave the folder is refused."""
        path = unquote(urlsplit(url).path)
        relative = path.split("/wp-content/uploads/", 1)[1] if "/wp-content/uploads/" in path else ""
        if relative:
            found = self._inside(relative)
            if found is not None:
                return found
        return self._named(path.rsplit("/", 1)[-1])

    def _inside(self, relative: str) -> Path | None:
        candidate = (self.root / relative.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.root) or ".." in Path(relative).parts:
            return None
        return candidate if candidate.is_file() else None

    def _named(self, name: str) -> Path | None:
        """A file of that name anywhere in the folder (read once): Takeout's albums, Blogger's image URLs."""
        if not name or name in (".", ".."):
            return None
        if self._by_name is None:
            self._by_name = {}
            for directory, _dirs, files in os.walk(self.root):  # symbolic links to folders are not followed
                for file in files:
                    self._by_name.setdefault(file, []).append(Path(directory) / file)
        for path in self._by_name.get(name, []):
            if path.resolve().is_relative_to(self.root) and path.is_file():
                return path.resolve()
        return None

    def _store(self, path: Path, url: str, where: str) -> str | None:
        """The image re-encoded without metadata and stored (unless a dry run): its URL here, or None."""
        try:
            with path.open("rb") as file:
                image = imaging.load_upload(file, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)
            fmt, suffix, options = ENCODINGS[image.format]
            data = imaging.encode(imaging.prepare(image), fmt, **options)
        except (imaging.ImageRejected, OSError, KeyError) as error:
            self._missing(url, where, str(error) or _("image illisible"))
            return None
        self.report.media["copied"] += 1
        name = f"imports/{hashlib.sha256(data).hexdigest()[:32]}{suffix}"
        if self.store and not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(data))
        return default_storage.url(name)


def _is_image(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https"):
        return False
    return Path(unquote(parts.path)).suffix.lower() in IMAGE_SUFFIXES
