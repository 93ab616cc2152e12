"""Opening an export safely: a file or a .zip, streamed, with common damage repaired and the rest refused.

- XML goes through defusedxml's iterparse with DTDs and entities refused, so no entity expansion and
  no network access; elements are cleared by the readers as they go (bounded memory).
- A .zip is checked before anything is read: no absolute path or `..`, an uncompressed size and a
  compression ratio under limits, and the bytes actually read are counted too (a lying header).
- Damage seen in real exports is repaired line by line, with a warning: stray bytes before the XML
  declaration, an undeclared `app:` prefix (Blogger's `<app:control>`), an unquoted attribute value.
  Anything else is refused with the line and column the parser gave.
"""

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

import defusedxml.ElementTree as SafeET
from django.utils.translation import gettext as _

MAX_UNCOMPRESSED = 2 * 1024**3  # 2 GB: far above a real blog's export
MAX_RATIO = 100  # a compressed XML export is rarely past 15:1; a bomb is past 1000:1
APP_NS = "http://purl.org/atom/app#"


class ImportRefused(Exception):
    """The file cannot be imported; the message says why (and where, for broken XML). Nothing was written."""


def open_export(path) -> io.BufferedIOBase:
    """A binary stream of the export at `path`: the file itself, or the one XML file inside a .zip."""
    path = str(path)
    if zipfile.is_zipfile(path):
        return _open_zip_member(path)
    return open(path, "rb")  # noqa: SIM115 — the caller closes it


def _open_zip_member(path: str) -> io.BufferedIOBase:
    archive = zipfile.ZipFile(path)
    members = [info for info in archive.infolist() if not info.is_dir()]
    for info in members:
        _check_member(info)
    if sum(info.file_size for info in members) > MAX_UNCOMPRESSED:
        raise ImportRefused(_("Archive refusée : trop volumineuse une fois décompressée."))
    xml = _takeout_feeds(members) or [info for info in members if info.filename.lower().endswith((".xml", ".atom"))]
    if not xml:
        raise ImportRefused(_("L’archive ne contient aucun fichier XML."))
    return _Bounded(archive.open(max(xml, key=lambda info: info.file_size)), MAX_UNCOMPRESSED)


def _takeout_feeds(members: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """A Google Takeout archive's Blogger feed (`…/Blogger/Blogs/<blog>/feed.atom`), whatever else it holds.

    An archive of several blogs is refused: which one to import is the owner's choice, not ours.
    """
    feeds = [
        info
        for info in members
        if PurePosixPath(info.filename).name == "feed.atom"
        and PurePosixPath(info.filename).parts[-4:-2] == ("Blogger", "Blogs")
        and not info.filename.startswith("__MACOSX/")
    ]
    if len(feeds) > 1:
        names = ", ".join(sorted(PurePosixPath(info.filename).parts[-2] for info in feeds))
        raise ImportRefused(
            _("L’archive Takeout contient plusieurs blogs (%(names)s) : gardez-en un seul, ou importez son feed.atom.")
            % {"names": names}
        )
    return feeds


def _check_member(info: zipfile.ZipInfo) -> None:
    """Refuse a member whose path leaves the archive, or whose compression ratio is a bomb's."""
    parts = PurePosixPath(info.filename.replace("\\", "/")).parts
    if info.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
        raise ImportRefused(_("Archive refusée : chemin dangereux « %(name)s ».") % {"name": info.filename})
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        raise ImportRefused(_("Archive refusée : taux de compression suspect (%(name)s).") % {"name": info.filename})


class _Bounded(io.RawIOBase):
    """A stream that refuses to yield more than `limit` bytes (a zip member whose header lies)."""

    def __init__(self, raw, limit: int):
        self.raw, self.left = raw, limit

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        self.left -= len(data)
        if self.left < 0:
            raise ImportRefused(_("Archive refusée : trop volumineuse une fois décompressée."))
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        self.raw.close()
        super().close()


_UNQUOTED = re.compile(rb"(<[A-Za-z][^<>]*?\s[\w:.-]+=)([^\s\"'<>=`]+)(?=[\s/>])")
_CDATA_OPEN, _CDATA_CLOSE = b"<![CDATA[", b"]]>"


class Repairing(io.RawIOBase):
    """The export's bytes, line by line, with the known kinds of damage repaired and each kind noted once."""

    def __init__(self, stream, warn: Callable[[str], None]):
        self.lines = iter(stream)
        self.warn, self.pending, self.noted = warn, b"", set()
        self.first, self.in_cdata, self.app_declared = True, False, False

    def readable(self):
        return True

    def readinto(self, buffer):
        while len(self.pending) < len(buffer):
            line = next(self.lines, None)
            if line is None:
                break
            self.pending += self._repair(line)
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        return size

    def _note(self, kind: str, message: str) -> None:
        if kind not in self.noted:
            self.noted.add(kind)
            self.warn(message)

    def _repair(self, line: bytes) -> bytes:
        if self.first:
            line = self._strip_leading_junk(line)
        if b"xmlns:app=" in line:
            self.app_declared = True
        if not self.app_declared and b"<app:" in line:
            line = re.sub(rb"<(app:[\w-]+)(?=[\s>/])", rb'<\1 xmlns:app="' + APP_NS.encode() + rb'"', line)
            self._note("app", _("Préfixe « app: » non déclaré : déclaration ajoutée."))
        return self._quote_attributes(line)

    def _strip_leading_junk(self, line: bytes) -> bytes:
        """Whatever comes before the first `<` (a BOM aside), over as many lines as it takes."""
        body = line[3:] if line.startswith(b"\xef\xbb\xbf") else line
        start = body.find(b"<")
        if start < 0:
            if body.strip():
                self._note("junk", _("Octets parasites avant la déclaration XML : retirés."))
            return b""
        self.first = False
        if body[:start].strip():
            self._note("junk", _("Octets parasites avant la déclaration XML : retirés."))
        return body[start:]

    def _quote_attributes(self, line: bytes) -> bytes:
        """Quote unquoted attribute values in tags, outside CDATA sections (which may span lines)."""
        out, rest = [], line
        while rest:
            if self.in_cdata:
                end = rest.find(_CDATA_CLOSE)
                if end < 0:
                    out.append(rest)
                    break
                out.append(rest[: end + 3])
                rest, self.in_cdata = rest[end + 3 :], False
                continue
            start = rest.find(_CDATA_OPEN)
            markup, rest = (rest, b"") if start < 0 else (rest[:start], rest[start:])
            fixed = _quote_all(markup)
            if fixed != markup:
                self._note("quotes", _("Valeur d’attribut sans guillemets : guillemets ajoutés."))
            out.append(fixed)
            if start >= 0:
                out.append(_CDATA_OPEN)
                rest, self.in_cdata = rest[len(_CDATA_OPEN) :], True
        return b"".join(out)


def _quote_all(markup: bytes) -> bytes:
    """Quote every unquoted value: one pass per attribute of a tag (the pattern starts at its `<`)."""
    for _pass in range(50):
        fixed = _UNQUOTED.sub(rb'\1"\2"', markup)
        if fixed == markup:
            break
        markup = fixed
    return markup


def iter_elements(stream, warn: Callable[[str], None]) -> Iterator[tuple[str, object]]:
    """(event, element) pairs, "start" and "end", from the repaired stream; broken XML refused with its place."""
    source = io.BufferedReader(Repairing(stream, warn), 1 << 16)
    try:
        yield from SafeET.iterparse(source, events=("start", "end"), forbid_dtd=True, forbid_entities=True)
    except SafeET.ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise ImportRefused(
            _("XML invalide, ligne %(line)d, colonne %(column)d : %(error)s")
            % {"line": line, "column": column + 1, "error": str(error).split(":")[0]}
        ) from error
    except (SafeET.DTDForbidden, SafeET.EntitiesForbidden, SafeET.ExternalReferenceForbidden) as error:
        raise ImportRefused(
            _("XML refusé : DTD et entités ne sont pas acceptées (%(error)s).") % {"error": error}
        ) from error


def split_tag(tag: str) -> tuple[str, str]:
    """'{namespace}local' -> (namespace, local)."""
    if tag.startswith("{"):
        namespace, _sep, local = tag[1:].partition("}")
        return namespace, local
    return "", tag
