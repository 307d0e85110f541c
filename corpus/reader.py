"""Pure helpers behind the Corpus and Search pages: uploads, outcome tables, escaped page text with a highlight."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from .model import Outcome

OUTCOME_COLUMNS = ["file", "status", "reason", "document_id", "pages"]


def save_uploads(files: list[tuple[str, bytes]], folder: str | Path) -> list[Path]:
    """Write uploaded (name, bytes) pairs into ``folder`` under safe base names; return the paths."""
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


def outcomes_frame(outcomes: list[Outcome]) -> pd.DataFrame:
    """Return one row per file (columns OUTCOME_COLUMNS) with bare file names."""
    rows = [
        {
            "file": Path(o.path).name,
            "status": o.status,
            "reason": o.reason,
            "document_id": o.document_id,
            "pages": o.pages,
        }
        for o in outcomes
    ]
    df = pd.DataFrame(rows, columns=OUTCOME_COLUMNS)
    df["document_id"] = df["document_id"].astype("Int64")
    return df


def outcome_counts(outcomes: list[Outcome]) -> dict[str, int]:
    """Return how many files were ingested (ok), skipped and failed."""
    return {k: sum(o.status == k for o in outcomes) for k in ("ok", "skipped", "failed")}


def page_for_offset(pages: pd.DataFrame, offset: int) -> int:
    """Return the number of the last page (from ``get_pages``) starting at or before ``offset``; 1 when none."""
    before = pages[pages.char_start <= offset]
    if before.empty:
        return int(pages.number.iloc[0]) if not pages.empty else 1
    return int(before.number.max())


def passage_html(text: str, start: int, end: int, highlight: tuple[int, int] | None = None) -> str:
    """Return ``text[start:end]`` escaped for HTML, with the ``highlight`` range (absolute offsets) in <mark>."""
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
    progress=None,
    workers: int | None = None,
) -> list[Outcome]:
    """Save uploaded (name, bytes) pairs into ``folder`` and ingest them; return one Outcome per file."""
    from .ingest import ingest

    paths = save_uploads(files, folder)
    return ingest(
        [str(p) for p in paths],
        db,
        kind=kind,
        password=password or None,
        progress=progress,
        workers=workers,
    )
