"""Documents and interview data for coding tests.

Imported by name (``from coding_data import ...``), never through ``conftest``: which folder's
conftest a bare ``conftest`` import finds depends on which test folders run together.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from corpus.model import Document, paragraphs_from_text
from interviews import import_transcripts

INTERVIEW_DATA = Path(__file__).resolve().parents[1] / "interviews" / "data"
TEXTS = {
    "policy": (
        "The binational council met in Monterrey.\n\n"
        "Public funding came from CONACYT. Private funding came from firms.\n\n"
        "Training programmes for technicians were the main barrier."
    ),
    "other": (
        "Technology transfer between universities and firms was slow. Funding was scarce. "
        "🙂 Año nuevo."
    ),
}


def make_document(text: str, title: str, kind: str = "policy") -> Document:
    """Return a Document with paragraph segments split on blank lines (corpus's own rule)."""
    segs = paragraphs_from_text(text)
    return Document(
        text=text,
        title=title,
        source_name=f"{title}.txt",
        kind=kind,
        segments=segs,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        size=len(text.encode()),
    )


def import_interviews(db, *paths, roles: dict[str, str] | None = None) -> list[int]:
    """Import transcript files with the interviews package; return their document ids."""
    outcomes = import_transcripts([str(p) for p in paths], db, roles=roles)
    assert [o.status for o in outcomes] == ["ok"] * len(paths), outcomes
    return [o.document_id for o in outcomes]
