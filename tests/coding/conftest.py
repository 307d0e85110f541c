"""Fixtures for coding tests: a project with a few stored documents."""

from __future__ import annotations

import hashlib

import pytest

from corpus.model import Document, Segment
from corpus.store import store_document

TEXTS = {
    "policy": (
        "The binational council met in Monterrey.\n\n"
        "Public funding came from CONACYT. Private funding came from firms.\n\n"
        "Training programmes for technicians were the main barrier."
    ),
    "other": "Technology transfer between universities and firms was slow. Funding was scarce. 🙂 Año nuevo.",
}


def make_document(text: str, title: str, kind: str = "policy") -> Document:
    """Return a Document with paragraph segments split on blank lines."""
    segs, pos = [], 0
    for part in text.split("\n\n"):
        start = text.index(part, pos)
        segs.append(Segment(start, start + len(part), "paragraph"))
        pos = start + len(part)
    return Document(
        text=text,
        title=title,
        source_name=f"{title}.txt",
        kind=kind,
        segments=segs,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        size=len(text.encode()),
    )


@pytest.fixture
def docs(db):
    """Store the TEXTS documents; return {title: document id}."""
    return {
        title: store_document(db, make_document(text, title), segment_language=False)
        for title, text in TEXTS.items()
    }
