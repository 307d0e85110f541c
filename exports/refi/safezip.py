"""Safe reading of zip archives and XML from outside: limits checked before anything is read.

Zip: entry count, declared and actual uncompressed sizes, compression ratio, no absolute or ``../``
paths; entries are read one at a time into memory with a hard cap (never ``extractall``).
XML: defusedxml with DTDs forbidden, so external entities and entity-expansion bombs are refused.
"""

from __future__ import annotations

import lzma
import os
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError as XmlParseError
from defusedxml.ElementTree import fromstring

from interviews import AUDIO_SUFFIXES
from projectfile import (
    MEDIA_FILE,
    REFI_SOURCE_TEXT,
    REFI_TEXT_TOTAL,
    REFI_XML,
    NotFound,
    limit_reason,
)

from ..errors import ImportFileError

MAX_ENTRIES = 20_000
MAX_TOTAL_BYTES = 2 * 1024**3
MAX_ENTRY_BYTES = 512 * 1024**2
# What an import keeps is capped, whatever the archive claims: memory follows these figures.
MAX_XML_BYTES = REFI_XML.value  # the project XML (.qde), parsed whole
MAX_TEXT_ENTRY_BYTES = REFI_SOURCE_TEXT.value  # one source's text (about 8,000 pages)
MAX_READ_BYTES = REFI_TEXT_TOTAL.value  # all entries read by one import together
MAX_RATIO = 200  # uncompressed / compressed, for entries over RATIO_FLOOR bytes
RATIO_FLOOR = 1024 * 1024
# what zipfile and the decompressors raise for a damaged or unsupported stream
DAMAGED_STREAM = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    RuntimeError,
    ValueError,
    NotImplementedError,
    zlib.error,
    lzma.LZMAError,
)


@dataclass
class Limits:
    max_entries: int = MAX_ENTRIES
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_entry_bytes: int = MAX_ENTRY_BYTES
    max_ratio: float = MAX_RATIO
    max_xml_bytes: int = MAX_XML_BYTES
    max_text_entry_bytes: int = MAX_TEXT_ENTRY_BYTES
    max_read_bytes: int = MAX_READ_BYTES
    # a recording in the archive (an audio or video source's file): copied out, never read whole
    max_media_bytes: int = MEDIA_FILE.value


def is_media(name: str) -> bool:
    """Return True for an entry named like a recording (.mp3, .m4a, .wav, .mp4, ...)."""
    return name.lower().endswith(AUDIO_SUFFIXES)


def _unsafe_name(name: str) -> bool:
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return True
    parts = name.replace("\\", "/").split("/")
    return ".." in parts


class SafeZip:
    """A checked zip archive: ``names()``, ``read(name)`` with size caps; use as a context
    manager."""

    def __init__(self, path: str | os.PathLike, limits: Limits | None = None):
        self.path = Path(path)
        self.label = self.path.name
        self.limits = limits or Limits()
        if not self.path.is_file():
            raise NotFound(f"{self.label}: no such file")
        if not zipfile.is_zipfile(self.path):
            raise ImportFileError(
                self.label, "not a zip archive (a .qdpx file is a zip with project.qde inside)"
            )
        try:
            self.zf = zipfile.ZipFile(self.path)
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ImportFileError(self.label, f"damaged zip archive ({exc})") from exc
        self._check(infos)
        self.infos = {i.filename: i for i in infos if not i.is_dir()}
        self.read_bytes = 0  # across all reads: capped by limits.max_read_bytes

    def _check(self, infos: list[zipfile.ZipInfo]) -> None:
        lim = self.limits
        if len(infos) > lim.max_entries:
            raise ImportFileError(
                self.label,
                f"too many entries ({len(infos)} > {lim.max_entries}); "
                "refusing a possible zip bomb",
            )
        total = 0
        for info in infos:
            if _unsafe_name(info.filename):
                raise ImportFileError(
                    self.label,
                    f"entry '{info.filename}' points outside the archive (absolute or ../ path)",
                )
            if info.flag_bits & 0x1:
                raise ImportFileError(self.label, f"entry '{info.filename}' is encrypted")
            media = is_media(info.filename)
            if info.file_size > (lim.max_media_bytes if media else lim.max_entry_bytes):
                raise ImportFileError(
                    self.label, f"entry '{info.filename}' is too large ({info.file_size} bytes)"
                )
            if info.file_size > RATIO_FLOOR and info.file_size > lim.max_ratio * max(
                info.compress_size, 1
            ):
                raise ImportFileError(
                    self.label,
                    f"entry '{info.filename}' compresses "
                    f"{info.file_size // max(info.compress_size, 1)}:1; "
                    "refusing a possible zip bomb",
                )
            total += 0 if media else info.file_size
        if total > lim.max_total_bytes:
            raise ImportFileError(
                self.label,
                f"uncompressed contents too large ({total} bytes); refusing a possible zip bomb",
            )

    def names(self) -> list[str]:
        """Return the names of the file entries."""
        return list(self.infos)

    def find(self, name: str) -> str | None:
        """Return the entry called ``name`` (case-insensitive, '\\' or '/' separators), or None."""
        want = posixpath.normpath(name.replace("\\", "/")).lstrip("/").lower()
        for n in self.infos:
            if posixpath.normpath(n.replace("\\", "/")).lower() == want:
                return n
        return None

    def read(self, name: str) -> bytes:
        """Return the bytes of entry ``name``, refusing entries that inflate past their declared
        size or the cap."""
        info = self.infos.get(name)
        if info is None:
            raise ImportFileError(self.label, f"no entry '{name}' in the archive")
        self._check_kept(name, info.file_size)
        cap = min(info.file_size, self.limits.max_entry_bytes)
        chunks, size = [], 0
        try:
            with self.zf.open(info) as fh:
                while True:
                    chunk = fh.read(1 << 20)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > cap:
                        raise ImportFileError(
                            self.label, f"entry '{name}' inflates past its declared size; refusing"
                        )
                    chunks.append(chunk)
        except DAMAGED_STREAM as exc:
            raise ImportFileError(self.label, f"cannot read entry '{name}' ({exc})") from exc
        self.read_bytes += size
        return b"".join(chunks)

    def extract(self, name: str, dest: Path) -> Path:
        """Copy the recording in entry ``name`` to the file ``dest`` in chunks, refusing one that
        is not named as a recording or inflates past its declared size; return ``dest``."""
        info = self.infos.get(name)
        if info is None or not is_media(name):
            raise ImportFileError(self.label, f"no recording '{name}' in the archive")
        size = 0
        try:
            with self.zf.open(info) as fh, dest.open("wb") as out:
                while chunk := fh.read(1 << 20):
                    size += len(chunk)
                    if size > min(info.file_size, self.limits.max_media_bytes):
                        raise ImportFileError(
                            self.label, f"entry '{name}' inflates past its declared size; refusing"
                        )
                    out.write(chunk)
        except DAMAGED_STREAM as exc:
            dest.unlink(missing_ok=True)
            raise ImportFileError(self.label, f"cannot read entry '{name}' ({exc})") from exc
        except ImportFileError:
            dest.unlink(missing_ok=True)
            raise
        return dest

    def _check_kept(self, name: str, size: int, subject: str | None = None) -> None:
        """Refuse an entry over its cap (XML or text) or one that would pass the import's cap."""
        lim = self.limits
        is_xml = subject is None and name.lower().endswith((".qde", ".qdc", ".xml"))
        cap = lim.max_xml_bytes if is_xml else lim.max_text_entry_bytes
        if size > cap:
            limit = replace(REFI_XML if is_xml else REFI_SOURCE_TEXT, value=cap)
            raise ImportFileError(
                self.label, limit_reason(limit, subject or f"'{name}'", size, "holds")
            )
        if self.read_bytes + size > lim.max_read_bytes:
            limit = replace(REFI_TEXT_TOTAL, value=lim.max_read_bytes)
            raise ImportFileError(
                self.label, limit_reason(limit, "the sources", self.read_bytes + size, "hold")
            )

    def keep_text(self, name: str, size: int) -> None:
        """Count ``size`` characters of text held inside the project XML (``<PlainTextContent>``)
        against the same caps as a source's text file: one source, and the import in all."""
        self._check_kept(name, size, subject=name)
        self.read_bytes += size

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def parse_xml(data: bytes, label: str) -> Element:
    """Return the root element of outside XML; DTDs, entities and external references are
    refused."""
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ImportFileError(
            label,
            f"XML declares a DTD or entities, which are refused for safety ({type(exc).__name__})",
        ) from exc
    except XmlParseError as exc:
        raise ImportFileError(label, f"XML does not parse ({exc})") from exc


def local(tag: str) -> str:
    """Return an element tag without its namespace."""
    return tag.rsplit("}", 1)[-1]
