"""Storage of documents, pages and segments: the one write path of ``corpus``.

Every function that writes takes an open project Database and runs in one transaction.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator

import pandas as pd
import sqlite_utils

from projectfile import NotFound, QdaError, now_iso, transaction, writes

from .language import detect_language, language_bucket
from .model import (
    Document,
    Outcome,
    Page,
    Segment,
    normalize_text,
    paragraphs_from_text,
    sha256_bytes,
)
from .text_mapping import TextMapping, map_ranges, text_mapping

_WORD = re.compile(r"\w+")


class DuplicateDocument(QdaError):
    """Identical content (same SHA-256) is already in the project: carries that document's id."""

    def __init__(self, document_id: int):
        super().__init__(f"identical content already in the project (document {document_id})")
        self.document_id = document_id


def find_by_sha(db: sqlite_utils.Database, sha256: str) -> int | None:
    """Return the id of the document with this content hash, or None."""
    row = db.execute("SELECT id FROM documents WHERE sha256 = ?", [sha256]).fetchone()
    return row[0] if row else None


def ocr_pending_hashes(db: sqlite_utils.Database) -> set[str]:
    """Return the file hashes of current documents with pages still waiting for OCR."""
    return {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT COALESCE(json_extract(d.metadata, '$.file_sha256'), d.sha256)"
            " FROM documents d JOIN pages p ON p.document_id = d.id"
            " WHERE d.is_current = 1 AND p.source = 'ocr_needed'"
        )
    }


def known_hashes(db: sqlite_utils.Database) -> set[str]:
    """Return the content hashes of every document in the project."""
    return {r[0] for r in db.execute("SELECT sha256 FROM documents")}


@writes("documents")
def store_document(db: sqlite_utils.Database, doc: Document, segment_language: bool = True) -> int:
    """Write ``doc`` with its pages and segments in one transaction; return its id.

    Raises DuplicateDocument when identical content is already stored.  A current document
    with the same source name and kind becomes the previous version (kept, with its codings).
    """
    doc.check()
    with transaction(db):
        dup = find_by_sha(db, doc.sha256)
        if dup is not None:
            raise DuplicateDocument(dup)
        prev = db.execute(
            "SELECT id, version FROM documents"
            " WHERE source_name = ? AND kind = ? AND is_current = 1"
            " ORDER BY version DESC LIMIT 1",
            [doc.source_name, doc.kind],
        ).fetchone()
        if prev and get_text(db, prev[0]) == doc.text:
            # the same text in other bytes (CRLF line ends, a BOM, another encoding): not a change
            raise DuplicateDocument(prev[0])
        version, previous_id = (prev[1] + 1, prev[0]) if prev else (1, None)
        if prev:
            db.execute("UPDATE documents SET is_current = 0 WHERE id = ?", [prev[0]])
        cur = db.execute(
            """INSERT INTO documents (title, kind, file_type, source_name, source_path, sha256,
                size, page_count, char_count, word_count, language, author, date, status, version,
                previous_id, is_current, ingested_at, metadata, warnings)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)""",
            [
                doc.title,
                doc.kind,
                doc.file_type,
                doc.source_name,
                doc.metadata.get("source_path"),
                doc.sha256,
                doc.size,
                len(doc.pages),
                len(doc.text),
                len(_WORD.findall(doc.text)),
                doc.language,
                doc.author,
                doc.date,
                doc.status,
                version,
                previous_id,
                now_iso(),
                json.dumps(doc.metadata, ensure_ascii=False),
                json.dumps(
                    doc.warnings
                    + (
                        [f"{len(doc.removed)} repeated header/footer lines left out"]
                        if doc.removed
                        else []
                    ),
                    ensure_ascii=False,
                ),
            ],
        )
        doc_id = cur.lastrowid
        db.execute(
            "INSERT INTO document_texts (document_id, text) VALUES (?, ?)", [doc_id, doc.text]
        )
        db.conn.executemany(
            "INSERT INTO pages (document_id, number, char_start, char_end, source, ocr_confidence)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(doc_id, p.number, p.start, p.end, p.source, p.confidence) for p in doc.pages],
        )
        rows = []
        for seq, s in enumerate(doc.segments):
            text = doc.text[s.start : s.end]
            lang = s.data.get("language")
            if lang is None and segment_language:
                lang = language_bucket(detect_language(text)) if len(text) > 40 else doc.language
            rows.append(
                (
                    doc_id,
                    seq,
                    s.kind,
                    s.start,
                    s.end,
                    s.page,
                    lang,
                    text,
                    json.dumps(s.data, ensure_ascii=False),
                )
            )
        with _fts_in_bulk(db, doc_id, len(rows)):
            db.conn.executemany(
                "INSERT INTO segments"
                " (document_id, seq, kind, char_start, char_end, page, language, text, data)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    return doc_id


# From this many segments on, a document's full-text rows are written with one INSERT … SELECT
# instead of the per-row trigger (measured ~4x faster for a 10,000-answer survey question).
BULK_FTS_MIN = 500


@contextlib.contextmanager
def _fts_in_bulk(db: sqlite_utils.Database, doc_id: int, n: int) -> Iterator[None]:
    """Inside the caller's transaction: pause the ``segments_ai`` FTS trigger while a document's
    segments are inserted, then index them in one statement and restore the trigger verbatim.

    The FTS rows are the trigger's (rowid, text); a rollback undoes the DDL with the rows."""
    trigger = (
        db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'segments_ai'"
        ).fetchone()
        if n >= BULK_FTS_MIN
        else None
    )
    if trigger is None:
        yield
        return
    db.conn.execute('DROP TRIGGER "segments_ai"')
    yield
    db.conn.execute(
        'INSERT INTO "segments_fts" (rowid, "text")'
        " SELECT rowid, text FROM segments WHERE document_id = ? ORDER BY rowid",
        [doc_id],
    )
    db.conn.execute(trigger[0])


@writes("documents")
def log_outcomes(db: sqlite_utils.Database, run_id: str, outcomes: list[Outcome]) -> None:
    """Record a batch's per-file outcomes in the ingest log."""
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO ingest_log (run_id, at, path, status, reason, document_id, pages, seconds)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (run_id, now_iso(), o.path, o.status, o.reason, o.document_id, o.pages, o.seconds)
                for o in outcomes
            ],
        )


def ingest_log(db: sqlite_utils.Database, limit: int = 500) -> pd.DataFrame:
    """Return the latest ingest log rows, newest first (the ``ingest_log`` columns but ``id``)."""
    return pd.read_sql_query(
        "SELECT run_id, at, path, status, reason, document_id, pages, seconds FROM ingest_log"
        " ORDER BY id DESC LIMIT ?",
        db.conn,
        params=[limit],
    )


DOCUMENT_COLUMNS = [
    "id",
    "title",
    "kind",
    "file_type",
    "source_name",
    "page_count",
    "word_count",
    "language",
    "author",
    "date",
    "status",
    "version",
    "is_current",
    "sha256",
    "size",
    "ingested_at",
    "warnings",
]


def list_documents(
    db: sqlite_utils.Database, kind: str | None = None, include_old: bool = False
) -> pd.DataFrame:
    """Return one row per document with the columns in DOCUMENT_COLUMNS, ordered by title."""
    where, params = [], []
    if kind:
        where.append("kind = ?")
        params.append(kind)
    if not include_old:
        where.append("is_current = 1")
    sql = f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY title COLLATE NOCASE, version"
    df = pd.read_sql_query(sql, db.conn, params=params)
    df["warnings"] = df["warnings"].map(lambda s: "; ".join(json.loads(s)) if s else "")
    return df


def get_document(db: sqlite_utils.Database, document_id: int) -> dict:
    """Return the document row as a dict (metadata and warnings decoded); NotFound if absent."""
    row = db.execute("SELECT * FROM documents WHERE id = ?", [document_id]).fetchone()
    if row is None:
        raise NotFound(f"no document {document_id}")
    cols = [c[0] for c in db.execute("SELECT * FROM documents LIMIT 0").description]
    d = dict(zip(cols, row))
    d["metadata"] = json.loads(d["metadata"] or "{}")
    d["warnings"] = json.loads(d["warnings"] or "[]")
    return d


def get_text(db: sqlite_utils.Database, document_id: int) -> str:
    """Return the canonical text of a document; NotFound if absent."""
    row = db.execute(
        "SELECT text FROM document_texts WHERE document_id = ?", [document_id]
    ).fetchone()
    if row is None:
        raise NotFound(f"no document {document_id}")
    return row[0]


def get_pages(db: sqlite_utils.Database, document_id: int) -> pd.DataFrame:
    """Return the pages of a document: number, char_start, char_end, source (text, ocr,
    ocr_needed), ocr_confidence (mean OCR word confidence 0-100, else None)."""
    return pd.read_sql_query(
        "SELECT number, char_start, char_end, source, ocr_confidence FROM pages"
        " WHERE document_id = ? ORDER BY number",
        db.conn,
        params=[document_id],
    )


def get_segments(
    db: sqlite_utils.Database, document_id: int, kind: str | None = None
) -> pd.DataFrame:
    """Return a document's segments in order: id, seq, kind, offsets, page, language, text, data."""
    sql = (
        "SELECT id, seq, kind, char_start, char_end, page, language, text, data"
        " FROM segments WHERE document_id = ?"
    )
    params: list = [document_id]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    return pd.read_sql_query(sql + " ORDER BY seq", db.conn, params=params)


def page_of(db: sqlite_utils.Database, document_id: int, offset: int) -> int | None:
    """Return the page number holding character ``offset`` of a document, or None."""
    row = db.execute(
        "SELECT number FROM pages"
        " WHERE document_id = ? AND char_start <= ? AND ? < MAX(char_end, char_start + 1)"
        " ORDER BY number LIMIT 1",
        [document_id, offset, offset],
    ).fetchone()
    return row[0] if row else None


@writes("documents")
def set_document_fields(db: sqlite_utils.Database, document_id: int, **fields) -> None:
    """Update editable fields of a document (title, kind, author, date, language)."""
    allowed = {"title", "kind", "author", "date", "language"}
    bad = set(fields) - allowed
    if bad:  # a caller's mistake, like an unknown keyword argument
        raise TypeError(f"cannot edit {', '.join(sorted(bad))}")
    if not fields:
        return
    with transaction(db):
        sets = ", ".join(f"{k} = ?" for k in fields)
        db.execute(f"UPDATE documents SET {sets} WHERE id = ?", [*fields.values(), document_id])


@writes("documents")
def delete_document(db: sqlite_utils.Database, document_id: int) -> None:
    """Delete a document and everything that points at it (cascades through foreign keys)."""
    with transaction(db):
        row = db.execute(
            "SELECT previous_id, is_current FROM documents WHERE id = ?", [document_id]
        ).fetchone()
        if row is None:
            raise NotFound(f"no document {document_id}")
        db.execute("DELETE FROM documents WHERE id = ?", [document_id])
        if row[1] and row[0]:
            db.execute("UPDATE documents SET is_current = 1 WHERE id = ?", [row[0]])


def documents_token(db: sqlite_utils.Database) -> tuple[int, int, int, int]:
    """Return a cheap token that changes when documents are added, deleted, made current or
    logged by an ingest (from any process): (max id, count, current count, last ingest-log id)."""
    docs = db.execute(
        "SELECT COALESCE(MAX(id), 0), COUNT(*), COALESCE(SUM(is_current), 0) FROM documents"
    ).fetchone()
    last_log = db.execute("SELECT COALESCE(MAX(id), 0) FROM ingest_log").fetchone()[0]
    return int(docs[0]), int(docs[1]), int(docs[2]), int(last_log)


def project_stats(db: sqlite_utils.Database) -> dict:
    """Return counts for the dashboard: documents, pages, words, segments, by kind."""
    r = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(page_count), 0), COALESCE(SUM(word_count), 0)"
        " FROM documents WHERE is_current = 1"
    ).fetchone()
    by_kind = dict(
        db.execute(
            "SELECT kind, COUNT(*) FROM documents WHERE is_current = 1 GROUP BY kind"
        ).fetchall()
    )
    segs = db.execute(
        "SELECT COUNT(*) FROM segments WHERE document_id IN"
        " (SELECT id FROM documents WHERE is_current = 1)"
    ).fetchone()[0]
    return {"documents": r[0], "pages": r[1], "words": r[2], "segments": segs, "by_kind": by_kind}


def store_version(
    db: sqlite_utils.Database,
    document_id: int,
    text: str,
    mapping: TextMapping | None = None,
    note: str = "edited",
) -> int:
    """Store ``text`` as the next version of current document ``document_id``; return its id.

    Pages and segments move through ``mapping`` (``text_mapping(old, new)`` when not given); a
    paragraph split by a new blank line becomes two, new text outside every segment becomes new
    paragraphs, a segment whose text was deleted goes. The earlier version stays, with all that
    points at it. Raises DuplicateDocument when the text is unchanged.
    """
    old = get_document(db, document_id)
    if not old["is_current"]:
        raise QdaError(
            f"document {document_id} ({old['title']}) is an earlier version; edit the current one"
        )
    text = normalize_text(text)
    old_text = get_text(db, document_id)
    if text == old_text:
        raise DuplicateDocument(document_id)
    mapping = mapping or text_mapping(old_text, text)
    old_pages = get_pages(db, document_id)
    pages = [
        # a page read by OCR stays marked so in the new version, with its confidence
        Page(int(n), r[0], r[1], src, None if pd.isna(conf) else float(conf))
        for n, r, src, conf in zip(
            old_pages["number"],
            map_ranges(mapping, zip(old_pages["char_start"], old_pages["char_end"])),
            old_pages["source"],
            old_pages["ocr_confidence"],
        )
        if r is not None
    ]
    segments = _mapped_segments(db, document_id, text, mapping, pages)
    doc = Document(
        text=text,
        title=old["title"],
        source_name=old["source_name"],
        kind=old["kind"],
        file_type=old["file_type"],
        pages=pages,
        segments=segments,
        # an edited text is told apart from a file of the same bytes and from its earlier versions
        sha256=sha256_bytes(f"{note} v{old['version'] + 1} of {document_id}\n{text}".encode()),
        size=len(text.encode("utf-8")),
        language=old["language"],
        author=old["author"],
        date=old["date"],
        status=old["status"],
        warnings=[f"{note} version of document {document_id}"],
        metadata=dict(old["metadata"], edited_from=int(document_id)),
    )
    return store_document(db, doc)


def _mapped_segments(
    db: sqlite_utils.Database, document_id: int, text: str, mapping: TextMapping, pages: list[Page]
) -> list[Segment]:
    def page_at(offset: int) -> int | None:
        return next((p.number for p in pages if p.start <= offset < max(p.end, p.start + 1)), None)

    old = get_segments(db, document_id)
    out: list[Segment] = []
    spans = map_ranges(mapping, zip(old["char_start"], old["char_end"]))
    for row, span in zip(old.itertuples(), spans):
        if span is None or not text[span[0] : span[1]].strip():
            continue
        data = json.loads(row.data or "{}")
        page = None if pd.isna(row.page) else int(row.page)
        if row.kind == "paragraph" and "\n\n" in text[span[0] : span[1]]:
            out += paragraphs_from_text(text, page, span[0], span[1])
        else:
            data.setdefault("language", row.language)
            out.append(Segment(span[0], span[1], row.kind, page, data))
    out.sort(key=lambda s: (s.start, s.end))
    gaps, pos = [], 0
    for s in out:
        if s.start > pos:
            gaps.append((pos, s.start))
        pos = max(pos, s.end)
    gaps.append((pos, len(text)))
    for a, b in gaps:
        if text[a:b].strip():
            out += [
                Segment(g.start, g.end, "paragraph", page_at(g.start))
                for g in paragraphs_from_text(text, None, a, b)
            ]
    out.sort(key=lambda s: (s.start, s.end))
    return out


def version_chain(db: sqlite_utils.Database, document_id: int) -> list[int]:
    """Return the ids of a document's versions from the first to ``document_id``."""
    chain, cur = [], int(document_id)
    while cur is not None:
        chain.append(cur)
        row = db.execute("SELECT previous_id FROM documents WHERE id = ?", [cur]).fetchone()
        cur = row[0] if row else None
    return chain[::-1]


def current_version(db: sqlite_utils.Database, document_id: int) -> int:
    """Return the id of the current version of the document ``document_id`` belongs to."""
    row = db.execute(
        "SELECT d2.id FROM documents d1 JOIN documents d2"
        " ON d2.source_name = d1.source_name AND d2.kind = d1.kind AND d2.is_current = 1"
        " WHERE d1.id = ? ORDER BY d2.version DESC LIMIT 1",
        [int(document_id)],
    ).fetchone()
    if row is None:
        raise NotFound(f"no document {document_id}")
    return row[0]
