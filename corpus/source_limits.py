"""Size checks on another project's documents before a merge reads them (cheap queries only).

The other project is open read-only and immutable (``projectfile.open_source_project``), where
SQLite itself refuses to load any value over one document's text; these checks turn that into
a message naming the document and the limit, and bound the rows and text read in all.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

from projectfile import (
    DOCUMENT_PARAGRAPHS,
    MERGE_DOCUMENT,
    MERGE_TEXT,
    check_limit,
    check_rows,
    over_limit,
    table_bytes,
)


def check_source_documents(db: sqlite_utils.Database, label: str) -> None:
    """Raise ``LimitExceeded`` when the other project's documents are over a limit: rows, one
    document's text or paragraphs, or all documents' text together."""
    check_rows(db, label, ["documents", "pages"])
    check_limit(
        label, MERGE_TEXT, "the text of its documents", table_bytes(db, "document_texts"), "takes"
    )
    for doc_id, title in db.conn.execute("SELECT id, title FROM documents").fetchall():
        subject = f"the text of document {str(title)[:80]!r}"
        try:
            row = db.conn.execute(
                "SELECT length(CAST(text AS BLOB)) FROM document_texts WHERE document_id = ?",
                [doc_id],
            ).fetchone()
        except sqlite3.DataError:  # SQLite refused to load it (over its length limit)
            raise over_limit(label, MERGE_DOCUMENT, subject, None) from None
        check_limit(label, MERGE_DOCUMENT, subject, row[0] if row else 0)
    top = db.conn.execute(
        "SELECT d.title, COUNT(*) AS n FROM segments s JOIN documents d ON d.id = s.document_id"
        " GROUP BY s.document_id ORDER BY n DESC LIMIT 1"
    ).fetchone()
    if top:
        check_limit(label, DOCUMENT_PARAGRAPHS, f"document {str(top[0])[:80]!r}", top[1], "has")
