"""``parse_transcript(path)``: read a transcript file of any supported shape into a Transcript."""

from __future__ import annotations

import os
from pathlib import Path

from corpus import bytes_to_text, normalize_text

from .labels import is_labelled, parse_labels
from .model import ParseError, Transcript
from .noscribe import is_noscribe_html, parse_noscribe_html
from .otter import is_otter, parse_otter
from .plain import parse_plain
from .srt import is_srt, parse_srt
from .vtt import is_vtt, parse_vtt
from .whisper import is_whisper_json, parse_whisper_json
from .word import docx_blocks, table_transcript

MAX_BYTES = 50 * 1024 * 1024
SUFFIXES = (".txt", ".vtt", ".srt", ".docx", ".md", ".text", ".json", ".html", ".htm")


def parse_transcript(
    path: str | os.PathLike, data: bytes | None = None, name: str | None = None
) -> Transcript:
    """Return the transcript in the file at ``path`` (or ``data``), detecting its format.

    Raises ParseError (naming the file and, where it applies, the line) for empty files and
    broken VTT/SRT timing; anything else unrecognised becomes plain text with a warning.
    """
    name = name or Path(path).name
    if data is None:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise ParseError(
                name,
                f"file of {size // (1024 * 1024)} MB is larger than the"
                f" {MAX_BYTES // (1024 * 1024)} MB limit",
                code="too_large",
            )
        data = Path(path).read_bytes()
    if not data.strip():
        raise ParseError(name, "the file is empty", code="empty")
    suffix = Path(name).suffix.lower()
    if data[:2] == b"PK" or suffix == ".docx":
        tr = _parse_docx(data, name)
    else:
        text, encoding = bytes_to_text(data, name)
        tr = parse_text(normalize_text(text), name, suffix)
        tr.encoding = encoding
        if encoding not in ("utf-8", "ascii"):
            tr.warnings.append(f"{name}: decoded as {encoding}")
    if not any(t.text.strip() for t in tr.turns):
        raise ParseError(name, "no text found in the transcript", code="empty")
    return tr


def parse_text(text: str, name: str, suffix: str = ".txt") -> Transcript:
    """Return the transcript of decoded text, by its shape (VTT, SRT, Whisper JSON, noScribe
    HTML, Otter, labels, plain)."""
    if not text.strip():
        raise ParseError(name, "the file is empty", code="empty")
    if suffix in (".html", ".htm") or is_noscribe_html(text):
        return parse_noscribe_html(text, name)
    if suffix == ".json" or is_whisper_json(text):
        return parse_whisper_json(text, name)
    if is_vtt(text) or suffix == ".vtt":
        return parse_vtt(text.lstrip("\ufeff"), name)
    lines = text.split("\n")
    if suffix == ".srt" or is_srt(lines):
        return parse_srt(text, name)
    if is_otter(lines):
        return parse_otter(text, name)
    if is_labelled(lines):
        return parse_labels(text, name)
    return parse_plain(text, name)


def _parse_docx(data: bytes, name: str) -> Transcript:
    lines, tables = docx_blocks(data, name)
    from_table = table_transcript(tables, name)
    text = "\n\n".join(line for line in lines if line.strip())
    if from_table is not None:
        # a small details table (date | place, interviewee | name) above labelled paragraphs is
        # not the transcript
        table_words = sum(len(t.text.split()) for t in from_table.turns)
        if not (is_labelled(text.split("\n")) and len(text.split()) > table_words):
            return from_table
    if not text.strip():
        raise ParseError(name, "no text found in the DOCX file", code="empty")
    tr = parse_text(text, name, ".docx")
    tr.format = {"labels": "docx-labels", "otter": "docx-otter", "plain": "docx-plain"}.get(
        tr.format, tr.format
    )
    return tr
