"""Dataclasses of the text model: what parsers return and what storage writes.

A ``Document`` has one canonical text (NFC, ``\\n`` line ends); pages and segments are
``[start, end)`` ranges of code-point offsets into it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from projectfile import QdaError


class DocumentKind(StrEnum):
    """What a document is (stored in ``documents.kind``; the values are the schema's CHECK)."""

    POLICY = "policy"
    INTERVIEW = "interview"
    OTHER = "other"


class OutcomeStatus(StrEnum):
    """How one file of a batch went (``Outcome.status``, ``ingest_log.status``)."""

    OK = "ok"
    SKIPPED = "skipped"
    FAILED = "failed"


KINDS = tuple(DocumentKind)


class ParseError(QdaError):
    """A file that cannot be read: carries the file name, a plain-language reason and a code."""

    def __init__(self, filename: str, reason: str, code: str = "failed"):
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason
        self.code = code


@dataclass
class Page:
    """A page: ``[start, end)`` of the document text."""

    number: int  # 1-based
    start: int
    end: int
    source: str = "text"  # text | ocr (read by OCR) | ocr_needed (scanned, not read yet)
    confidence: float | None = None  # OCR: mean word confidence of the page, 0-100


@dataclass
class Segment:
    """A paragraph, turn, heading or table row: ``[start, end)`` of the document text."""

    start: int
    end: int
    kind: str = "paragraph"  # paragraph | turn | heading | table
    page: int | None = None
    data: dict[str, Any] = field(default_factory=dict)  # e.g. speaker, times for turns


@dataclass
class Document:
    """A parsed file: its canonical text, pages, segments and metadata, ready to store."""

    text: str
    title: str
    source_name: str
    kind: str = DocumentKind.POLICY
    file_type: str = "txt"
    pages: list[Page] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    sha256: str = ""
    size: int = 0
    language: str | None = None
    author: str | None = None
    date: str | None = None  # ISO date where the file says
    status: str = "ok"  # ok | no_text
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    # repeated headers/footers kept out of the text
    removed: list[str] = field(default_factory=list)

    def check(self) -> None:
        """Raise ValueError (a parser bug, not bad input) if a range falls outside the text."""
        n = len(self.text)
        for r in [*self.pages, *self.segments]:
            if not (0 <= r.start <= r.end <= n):
                raise ValueError(
                    f"{self.source_name}: range {r.start}-{r.end} outside text of {n} chars"
                )


@dataclass
class Outcome:
    """The result of one file in a batch: ``ok``, ``skipped`` or ``failed``."""

    path: str
    status: OutcomeStatus
    reason: str = ""
    document_id: int | None = None
    pages: int = 0
    seconds: float = 0.0


def normalize_text(text: str) -> str:
    """Return ``text`` in NFC with ``\\n`` line ends and no NUL characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return unicodedata.normalize("NFC", text)


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str) -> str:
    """Return the hex SHA-256 of the file at ``path``."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Return ``[start, end)`` narrowed past leading and trailing whitespace.

    An all-whitespace span comes back empty (start == end).
    """
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraphs_from_text(
    text: str, page: int | None = None, offset: int = 0, end: int | None = None
) -> list[Segment]:
    """Return paragraph segments of ``text[offset:end]``: blocks split by blank lines."""
    end = len(text) if end is None else end
    segs: list[Segment] = []
    pos = offset
    chunk = text[offset:end]
    for block in chunk.split("\n\n"):
        b_start = pos
        b_end = pos + len(block)
        pos = b_end + 2
        s, e = trim_span(text, b_start, b_end)
        if e > s:
            segs.append(Segment(start=s, end=e, kind="paragraph", page=page))
    return segs
