"""A shareable copy of a project: without the earlier (real-name) versions of pseudonymized
transcripts, vacuumed so no deleted text stays in free pages."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from corpus import delete_document
from interviews import transcripts_frame
from projectfile import compact_project, copy_project, open_project

from .errors import DeidError


def shareable_copy(db: sqlite_utils.Database, dest: str | Path) -> Path:
    """Write a copy of the project without the originals of pseudonymized transcripts; return it.

    The copy is made with SQLite's backup API, the originals are deleted (with their segments,
    turns and FTS entries) and the file is vacuumed so no deleted text stays in free pages. Other
    packages' free text (memos, code definitions) is not changed: review it before sharing.
    """
    dest = Path(dest)
    if dest.exists():
        raise DeidError(f"{dest}: already exists")
    copy_project(db, dest)
    copy = open_project(dest)
    try:
        tr = transcripts_frame(copy, include_old=True)
        sources = set(tr.loc[tr["pseudonymized"] == 1, "source_document_id"].dropna().astype(int))
        old = tr[(tr["is_current"] == 0) | tr["document_id"].isin(sources)]
        for doc_id in sorted(set(old["document_id"].astype(int))):
            delete_document(copy, doc_id)
        compact_project(copy)
    finally:
        copy.conn.close()
    return dest
