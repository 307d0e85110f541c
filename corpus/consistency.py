"""What corpus can say about its own tables' consistency, for the project's check: text lengths,
version successors, and the problems of documents, pages and segments."""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from projectfile import NotFound

PROBLEM_COLUMNS = ["kind", "table", "row_id", "message"]


def text_length(db: sqlite_utils.Database, document_id: int) -> int:
    """Return the length in characters of a document's stored text; NotFound if it has none."""
    row = db.execute(
        "SELECT length(text) FROM document_texts WHERE document_id = ?", [int(document_id)]
    ).fetchone()
    if row is None:
        raise NotFound(f"no document {document_id}")
    return int(row[0])


def text_lengths(db: sqlite_utils.Database) -> dict[int, int]:
    """Return {document id: length of its stored text} for every document that has a text."""
    rows = db.execute("SELECT document_id, length(text) FROM document_texts").fetchall()
    return {int(i): int(n) for i, n in rows}


def version_successors(db: sqlite_utils.Database) -> dict[int, int]:
    """Return {document id: id of the version stored after it} for every superseded version."""
    rows = db.execute(
        "SELECT previous_id, id FROM documents WHERE previous_id IS NOT NULL ORDER BY id"
    ).fetchall()
    return {int(p): int(i) for p, i in rows}


def _range_problems(db: sqlite_utils.Database, table: str, label: str) -> list[dict]:
    rows = db.execute(
        f"SELECT x.rowid, {label}, x.document_id, x.char_start, x.char_end, length(t.text)"
        f" FROM {table} x"
        " LEFT JOIN document_texts t ON t.document_id = x.document_id"
        " WHERE t.document_id IS NULL OR x.char_start < 0 OR x.char_end < x.char_start"
        " OR x.char_end > length(t.text)"
    ).fetchall()
    out = []
    for row_id, name, doc, s, e, n in rows:
        where = "a document with no text" if n is None else f"document {doc} (0..{n})"
        out.append(
            {
                "kind": "out of bounds",
                "table": table,
                "row_id": row_id,
                "message": f"{table[:-1]} {name} [{s}, {e}) is not inside {where}",
            }
        )
    return out


def corpus_problems(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return PROBLEM_COLUMNS for documents, pages and segments that break the text model."""
    out: list[dict] = []
    for doc, count, n in db.execute(
        "SELECT d.id, d.char_count, length(t.text) FROM documents d"
        " LEFT JOIN document_texts t ON t.document_id = d.id"
        " WHERE t.document_id IS NULL OR d.char_count != length(t.text)"
    ).fetchall():
        message = (
            "has no stored text"
            if n is None
            else f"char_count says {count} characters, its text has {n}"
        )
        out.append({"kind": "length", "table": "documents", "row_id": doc, "message": f"{message}"})
    out += _range_problems(db, "pages", "x.number")
    out += _range_problems(db, "segments", "x.seq")
    previous = dict(db.execute("SELECT id, previous_id FROM documents").fetchall())
    current: dict[int, list[int]] = {}
    for (doc,) in db.execute("SELECT id FROM documents WHERE is_current = 1").fetchall():
        root, seen = doc, {doc}
        while previous.get(root) is not None and previous[root] not in seen:
            root = previous[root]
            seen.add(root)
        current.setdefault(root, []).append(doc)
    for root, docs in sorted(current.items()):
        if len(docs) > 1:
            out.append(
                {
                    "kind": "versions",
                    "table": "documents",
                    "row_id": root,
                    "message": f"the chain of document {root} has {len(docs)} current versions"
                    f" ({', '.join(map(str, sorted(docs)))})",
                }
            )
    return pd.DataFrame(out, columns=PROBLEM_COLUMNS)
