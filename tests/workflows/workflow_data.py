"""A small coded transcript project for the use-case tests, and a fake sentence encoder."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np

from coding import code_span, ensure_code_path
from corpus import get_text, list_documents
from workflows import import_transcripts

TEXT = (
    "Interviewer: How did teh consortium start?\n\n"
    "Maria Lopez: It started in 2019 in Monterrey. The funding came late. We waited a year.\n\n"
    "Interviewer: Thank you."
)


def coded_transcript(db, folder: Path) -> tuple[int, Path]:
    """Import TEXT as a transcript and code two spans with 'Funding'; return (id, source)."""
    src = folder / "maria.txt"
    src.write_text(TEXT, encoding="utf-8")
    report = import_transcripts(db, [src])
    assert [o.status for o in report.outcomes] == ["ok"], report.outcomes
    doc = int(list_documents(db)["id"].iloc[0])
    ensure_code_path(db, "Funding", coder="ana")
    text = get_text(db, doc)
    for needle in ("teh consortium", "The funding came late."):
        s = text.index(needle)
        code_span(db, doc, s, s + len(needle), "Funding", "ana")
    return doc, src


class FakeEncoder:
    """Deterministic 384-dimensional unit vectors from each text's CRC (stands in for MiniLM)."""

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        out = []
        for text in texts:
            rng = np.random.default_rng(zlib.crc32(text.encode()))
            v = rng.standard_normal(384).astype("float32")
            out.append(v / np.linalg.norm(v))
        return np.stack(out) if out else np.zeros((0, 384), "float32")
