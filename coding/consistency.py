"""The project's own check (``cli.py check``, run after imports and merges): what is inconsistent
in the project file, one row per problem.

Corpus reports its own tables (``corpus.corpus_problems``); this adds codings out of their text,
codings stranded on a superseded version, rows pointing at missing codes, coders, documents or
codings, and SQLite's ``integrity_check`` and ``foreign_key_check``.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from corpus import (
    PROBLEM_COLUMNS,
    corpus_problems,
    list_documents,
    text_lengths,
    version_successors,
)

from .spans import span_problem
from .states import CodingScope


def _problem(kind: str, table: str, row_id, message: str) -> dict:
    return {"kind": kind, "table": table, "row_id": row_id, "message": message}


def coding_bounds_problems(db: sqlite_utils.Database) -> list[dict]:
    """Active codings whose span is not inside their document's text, or whose document is
    missing."""
    lengths = text_lengths(db)
    out = []
    for cid, doc, scope, s, e in db.execute(
        "SELECT id, document_id, scope, char_start, char_end FROM codings"
        " WHERE deleted_at IS NULL AND scope != ? ORDER BY id",
        [CodingScope.CASE],
    ).fetchall():
        n = lengths.get(doc)
        if n is None:
            out.append(_problem("missing", "codings", cid, f"its document {doc} is missing"))
        elif scope == CodingScope.DOCUMENT and (s, e) != (0, n):
            out.append(
                _problem(
                    "out of bounds",
                    "codings",
                    cid,
                    f"whole-document coding [{s}, {e}) does not cover document {doc} (0..{n})",
                )
            )
        elif scope == CodingScope.SPAN and span_problem(s, e, n):
            out.append(
                _problem(
                    "out of bounds",
                    "codings",
                    cid,
                    f"span [{s}, {e}) is not inside document {doc} (0..{n})",
                )
            )
    return out


def stranded_problems(db: sqlite_utils.Database) -> list[dict]:
    """Active codings on a superseded version with neither a copy on the next version (same code,
    coder, scope and creation time: what an edit's carry writes) nor a review item."""
    current = set(list_documents(db)["id"].astype(int))
    rows = [
        r
        for r in db.execute(
            "SELECT c.id, c.document_id, c.code_id, c.coder_id, c.scope, c.created_at"
            " FROM codings c WHERE c.deleted_at IS NULL AND c.document_id IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM coding_reviews r WHERE r.coding_id = c.id)"
        ).fetchall()
        if r[1] not in current
    ]
    if not rows:
        return []
    successors = version_successors(db)
    later = sorted({successors[r[1]] for r in rows if r[1] in successors})
    copies: set[tuple] = set()
    for i in range(0, len(later), 500):
        part = later[i : i + 500]
        copies.update(
            db.execute(
                "SELECT document_id, code_id, coder_id, scope, created_at FROM codings"
                f" WHERE document_id IN ({', '.join('?' * len(part))})",
                part,
            ).fetchall()
        )
    out = []
    for cid, doc, code_id, coder_id, scope, created in rows:
        nxt = successors.get(doc)
        if nxt is not None and (nxt, code_id, coder_id, scope, created) in copies:
            continue
        where = f"its next version {nxt}" if nxt is not None else "no later version"
        out.append(
            _problem(
                "stranded",
                "codings",
                cid,
                f"on document {doc}, a superseded version, with no copy on {where} and no"
                " review item: it is in no count",
            )
        )
    return out


def missing_row_problems(db: sqlite_utils.Database) -> list[dict]:
    """Codings and memos pointing at codes, coders, documents or codings that are not there."""
    out = []
    checks = [
        ("codings", "code_id", "codes", "its code"),
        ("codings", "coder_id", "coders", "its coder"),
        ("memos", "code_id", "codes", "its code"),
        ("memos", "coding_id", "codings", "its coding"),
        ("coding_reviews", "coding_id", "codings", "its coding"),
    ]
    for table, column, target, what in checks:
        for row_id, ref in db.execute(
            f"SELECT x.id, x.{column} FROM {table} x LEFT JOIN {target} t ON t.id = x.{column}"
            f" WHERE x.{column} IS NOT NULL AND t.id IS NULL"
        ).fetchall():
            out.append(
                _problem("missing", table, row_id, f"{what} ({target[:-1]} {ref}) is missing")
            )
    documents = set(list_documents(db, include_old=True)["id"].astype(int))
    for row_id, doc in db.execute(
        "SELECT id, document_id FROM memos WHERE document_id IS NOT NULL"
    ).fetchall():
        if doc not in documents:
            out.append(_problem("missing", "memos", row_id, f"its document {doc} is missing"))
    return out


def sqlite_problems(db: sqlite_utils.Database) -> list[dict]:
    """SQLite's own checks of the file: ``integrity_check`` and ``foreign_key_check``."""
    out = []
    for (message,) in db.execute("PRAGMA integrity_check").fetchall():
        if message != "ok":
            out.append(_problem("sqlite", "", None, f"integrity_check: {message}"))
    for table, row_id, parent, _fk in db.execute("PRAGMA foreign_key_check").fetchall():
        out.append(_problem("foreign key", table, row_id, f"points at a missing row of {parent}"))
    return out


def check_project(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return one row per inconsistency (kind, table, row_id, message); empty when the project
    is whole."""
    rows = corpus_problems(db).to_dict("records")
    rows += coding_bounds_problems(db)
    rows += stranded_problems(db)
    rows += missing_row_problems(db)
    rows += sqlite_problems(db)
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
