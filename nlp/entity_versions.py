"""Entity mentions follow a corrected text to its new version (``corpus.text_mapping``).

An edit or a re-ingested corrected file makes a new version (``coding.edit_document``,
``coding.follow_new_versions``); its mentions are mapped from the previous version instead of being
lost until the next extraction. A segment whose text did not change keeps its extraction record
too, so ``extract_entities`` skips it; a changed segment gets its mapped mentions now and is re-run
by the next extraction (which replaces them).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import sqlite_utils

from corpus import get_document, get_segments, get_text, list_documents, text_mapping
from projectfile import transaction, writes

from .embeddings import text_hash


@writes("documents")
def carry_entities(
    db: sqlite_utils.Database, document_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Map the previous version's mentions onto each current document (of ``document_ids``, or
    all) that has a previous version with mentions and none itself; return {document id: mentions
    carried}."""
    ids = (
        [int(i) for i in list_documents(db)["id"]]
        if document_ids is None
        else [int(i) for i in document_ids]
    )
    out: dict[int, int] = {}
    for new_id in ids:
        old_id = get_document(db, new_id)["previous_id"]
        if old_id is None or _has_mentions(db, new_id) or not _has_mentions(db, old_id):
            continue
        out[new_id] = _carry(db, int(old_id), new_id)
    return out


def _has_mentions(db: sqlite_utils.Database, document_id: int) -> bool:
    return (
        db.execute("SELECT 1 FROM entities WHERE document_id = ? LIMIT 1", [document_id]).fetchone()
        is not None
    )


def _carry(db: sqlite_utils.Database, old_id: int, new_id: int) -> int:
    old_text, new_text = get_text(db, old_id), get_text(db, new_id)
    mapping = text_mapping(old_text, new_text)
    segs = get_segments(db, new_id)
    starts = [int(s) for s in segs["char_start"]]
    seg_rows = list(zip(segs["id"], segs["char_start"], segs["char_end"], segs["text"]))
    mentions = db.execute(
        "SELECT char_start, char_end, text, label, canonical, source, language, pipeline_version"
        " FROM entities WHERE document_id = ? ORDER BY char_start",
        [old_id],
    ).fetchall()
    rows = []
    for s, e, text, label, canonical, source, lang, version in mentions:
        span = mapping.span(s, e, old_text, new_text)
        if span is None or new_text[span[0] : span[1]] != text:
            continue  # the name itself was changed: the next extraction finds the new one
        i = bisect.bisect_right(starts, span[0]) - 1
        if i < 0 or not (seg_rows[i][1] <= span[0] and span[1] <= seg_rows[i][2]):
            continue
        rows.append(
            (
                new_id,
                int(seg_rows[i][0]),
                span[0],
                span[1],
                text,
                label,
                canonical,
                source,
                lang,
                version,
            )
        )
    runs = {
        r[0]: r[1:]
        for r in db.execute(
            "SELECT text_hash, pipeline_version, language, status, done_at FROM entity_runs"
            " WHERE document_id = ?",
            [old_id],
        ).fetchall()
    }
    run_rows = []
    for sid, _s, _e, text in seg_rows:
        done = runs.get(text_hash(text))
        if done:
            run_rows.append((int(sid), new_id, text_hash(text), *done))
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO entities (document_id, segment_id, char_start, char_end, text, label,"
            " canonical, source, language, pipeline_version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.conn.executemany(
            "INSERT OR REPLACE INTO entity_runs (segment_id, document_id, text_hash,"
            " pipeline_version, language, status, done_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            run_rows,
        )
    return len(rows)
