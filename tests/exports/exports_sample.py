"""Sample data for exports tests: a paged policy brief and an interview (fictional demo text)."""

from __future__ import annotations

import hashlib

from corpus import Document, Segment
from corpus.model import Page

POLICY = (
    "Consejo Binacional de Innovación — Policy brief (fictional demo text).\n\n"
    "The US–Mexico council funded 12 consortia & 3 labs; 50% of the money came from CONACYT.\n\n"
    "Page two: training_programmes for technicians {were} the main barrier ~ said the $ "
    "report #3.\n\n"
    "Año nuevo, tecnología nueva: el consorcio 🙂 firmó el acuerdo."
)
INTERVIEW = (
    "Interviewer: How did the consortium start?\n"
    "Expert 3: We signed with the council in 1994, right after NAFTA.\n"
    "Interviewer: And funding?\n"
    "Expert 3: Funding was scarce; =SUM(A1) was our joke about budgets.\n"
    "Line two of the same turn."
)


def make_doc(text: str, title: str, kind: str, pages: list[Page] | None = None) -> Document:
    """Return a Document with paragraph (or line) segments."""
    segs, pos = [], 0
    sep = "\n\n" if kind == "policy" else "\n"
    for part in text.split(sep):
        start = text.index(part, pos)
        segs.append(Segment(start, start + len(part), "paragraph"))
        pos = start + len(part)
    return Document(
        text=text,
        title=title,
        source_name=f"{title}.txt",
        kind=kind,
        pages=pages or [],
        segments=segs,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        size=len(text.encode()),
        file_type="pdf" if pages else "txt",
    )


def span(text: str, phrase: str) -> tuple[int, int]:
    """Return the [start, end) of ``phrase`` in ``text``."""
    s = text.index(phrase)
    return s, s + len(phrase)


VTT = """WEBVTT

00:12:31.000 --> 00:12:40.000
<v Moderadora>¿Cómo empezó el consorcio aeroespacial?

00:12:41.500 --> 00:13:05.000
<v Experto 3>Empezamos con el consejo binacional en 1994, después del TLCAN.

00:13:06.000 --> 00:13:30.000
<v Experto 3>La financiación pública fue escasa y los técnicos eran la barrera.
"""
