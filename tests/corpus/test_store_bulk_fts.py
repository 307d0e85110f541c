"""store_document's bulk full-text path (many segments): the same FTS rows as the per-row
trigger, the trigger restored verbatim, and nothing left behind when the write fails."""

from __future__ import annotations

import sqlite3

import pytest

from corpus.model import Document, Segment, sha256_bytes
from corpus.search import count_hits, search
from corpus.store import BULK_FTS_MIN, DuplicateDocument, store_document


def _doc(n: int, word: str) -> Document:
    parts = [f"Answer {i} mentions {word} and técnicos number{i}." for i in range(n)]
    text = "\n\n".join(parts)
    segments, pos = [], 0
    for part in parts:
        segments.append(Segment(start=pos, end=pos + len(part), kind="paragraph"))
        pos += len(part) + 2
    return Document(
        text=text,
        title=f"{word} {n}",
        source_name=f"{word}-{n}.txt",
        kind="other",
        file_type="txt",
        segments=segments,
        sha256=sha256_bytes(text.encode()),
        size=len(text),
    )


def _trigger(db) -> str:
    return db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'segments_ai'"
    ).fetchone()[0]


def test_bulk_and_per_row_paths_index_the_same_rows(db):
    before = _trigger(db)
    small = store_document(db, _doc(BULK_FTS_MIN - 1, "aerospace"), segment_language=False)
    big = store_document(db, _doc(BULK_FTS_MIN + 50, "aerospace"), segment_language=False)
    assert _trigger(db) == before
    # every segment of both documents is in the FTS index under its own rowid
    fts = dict(db.execute("SELECT rowid, text FROM segments_fts").fetchall())
    segs = dict(db.execute("SELECT id, text FROM segments").fetchall())
    assert fts == segs and len(segs) == 2 * BULK_FTS_MIN + 49
    assert count_hits(db, "aerospace") == 2 * BULK_FTS_MIN + 49
    assert count_hits(db, "tecnicos", document_ids=[big]) == BULK_FTS_MIN + 50
    hit = search(db, '"number7"', document_ids=[small])
    assert len(hit) == 1
    # the trigger still works for later single inserts
    store_document(db, _doc(3, "foundry"), segment_language=False)
    assert count_hits(db, "foundry") == 3
    assert db.execute("INSERT INTO segments_fts(segments_fts) VALUES('integrity-check')")


def test_failed_bulk_write_leaves_no_row_and_the_trigger(db):
    doc = _doc(BULK_FTS_MIN + 10, "aerospace")
    store_document(db, doc, segment_language=False)
    before = _trigger(db)
    with pytest.raises(DuplicateDocument):
        store_document(db, doc, segment_language=False)
    bad = _doc(BULK_FTS_MIN + 10, "maquila")
    bad.segments.append(Segment(start=0, end=5, kind=None))  # NOT NULL: fails mid-insert
    with pytest.raises(sqlite3.IntegrityError):
        store_document(db, bad, segment_language=False)
    assert _trigger(db) == before
    assert count_hits(db, "maquila") == 0
    assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1
