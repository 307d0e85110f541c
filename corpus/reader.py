"""Helpers behind the Corpus and Search pages: uploads, page lookup, escaped text with a mark."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from projectfile import Progress

from .ingest import ingest
from .model import Outcome
from .parse import ParseOptions
from .sources import keep_uploaded_sources


def save_uploads(files: list[tuple[str, bytes]], folder: str | Path) -> list[Path]:
    """Write uploaded (name, bytes) pairs into ``folder`` under safe names; return the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths, used = [], set()
    for name, data in files:
        base = (
            re.sub(r"[^\w.\- ]+", "_", Path(name.replace("\\", "/")).name).strip(" .") or "upload"
        )
        candidate, n = base, 1
        while candidate in used:  # two uploads with the same name keep both
            stem, dot, ext = base.rpartition(".")
            candidate = f"{stem or base}-{n}{dot}{ext}" if dot else f"{base}-{n}"
            n += 1
        used.add(candidate)
        path = folder / candidate
        path.write_bytes(data)
        paths.append(path)
    return paths


def page_for_offset(pages: pd.DataFrame, offset: int) -> int:
    """Return the number of the last page (of ``get_pages``) starting at or before ``offset``.

    1 when the document has no pages.
    """
    before = pages[pages.char_start <= offset]
    if before.empty:
        return int(pages.number.iloc[0]) if not pages.empty else 1
    return int(before.number.max())


def passage_html(text: str, start: int, end: int, highlight: tuple[int, int] | None = None) -> str:
    """Return ``text[start:end]`` escaped for HTML, ``highlight`` (absolute offsets) in <mark>."""
    if highlight is None or highlight[1] <= start or highlight[0] >= end:
        return html.escape(text[start:end])
    a, b = max(start, highlight[0]), min(end, highlight[1])
    return (
        html.escape(text[start:a])
        + '<mark id="focus">'
        + html.escape(text[a:b])
        + "</mark>"
        + html.escape(text[b:end])
    )


def ingest_uploads(
    db,
    files: list[tuple[str, bytes]],
    folder: str | Path,
    kind: str = "policy",
    password: str | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    ocr_languages: str | None = ParseOptions.ocr_languages,
) -> list[Outcome]:
    """Save uploaded (name, bytes) pairs into ``folder`` and ingest them; one Outcome per file.

    ``ocr_languages`` are tesseract's languages for scanned pages ('eng+spa'); None turns OCR off
    (scanned pages stay flagged). Uploaded PDFs are kept beside the project (``corpus.sources``)
    so their page images outlive ``folder``."""
    paths = save_uploads(files, folder)
    outcomes = ingest(
        [str(p) for p in paths],
        db,
        kind=kind,
        password=password or None,
        progress=progress,
        workers=workers,
        ocr_languages=ocr_languages,
    )
    keep_uploaded_sources(db, paths, folder)
    return outcomes
