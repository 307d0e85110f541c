"""What other packages may compose into their own queries over corpus's tables, as SQL corpus
owns: the ids of current document versions. Nothing else of corpus's tables leaves this package
as SQL; titles, lengths and texts come through functions."""

from __future__ import annotations

import json

import sqlite_utils

from projectfile import NotFound


def current_documents_sql() -> str:
    """Return a subquery selecting the ids of current document versions (``id IN (...)``)."""
    return "SELECT id FROM documents WHERE is_current = 1"


def _by_id(db: sqlite_utils.Database, column: str, document_ids) -> dict:
    if document_ids is None:
        return dict(db.execute(f"SELECT id, {column} FROM documents").fetchall())
    ids = json.dumps(sorted({int(d) for d in document_ids}))  # json_each: no variable limit
    sql = f"SELECT id, {column} FROM documents WHERE id IN (SELECT value FROM json_each(?))"
    return dict(db.execute(sql, [ids]).fetchall())


def document_titles(db: sqlite_utils.Database, document_ids=None) -> dict[int, str]:
    """Return {document id: title} for ``document_ids`` (every version when None); ids that
    are not documents are left out."""
    return _by_id(db, "title", document_ids)


def document_lengths(db: sqlite_utils.Database, document_ids=None) -> dict[int, int]:
    """Return {document id: length of its text} for ``document_ids`` (all when None)."""
    return _by_id(db, "char_count", document_ids)


def is_current(db: sqlite_utils.Database, document_id: int) -> bool:
    """Return whether a document is the current version of its chain; NotFound if absent."""
    row = db.execute("SELECT is_current FROM documents WHERE id = ?", [int(document_id)]).fetchone()
    if row is None:
        raise NotFound(f"no document {document_id}")
    return bool(row[0])


def current_documents_stamp(db: sqlite_utils.Database) -> tuple[int, int, int]:
    """Return a stamp that changes whenever the set of current document versions changes (an
    edit, an undone edit, an import, a deletion): for caches keyed on what counts."""
    row = db.execute(
        "SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(id), 0) FROM documents"
        " WHERE is_current = 1"
    ).fetchone()
    return tuple(row)
