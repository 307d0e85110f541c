"""What members did, read from the audit log: a cheap change token and the rows of an activity
feed, each with the document and span it touched (when it touched one)."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd
import sqlite_utils

from .codes import code_paths

ACTIVITY_COLUMNS = [
    "id",
    "at",
    "coder",
    "action",
    "entity",
    "entity_id",
    "document_id",
    "char_start",
    "char_end",
    "code_path",
    "detail",
]


# the audit rows with the document each touched (a coding's, a memo's, a memo on a coding's)
_ROWS = (
    " FROM audit_log a"
    " LEFT JOIN codings c ON a.entity = 'codings' AND c.id = a.entity_id"
    " LEFT JOIN memos m ON a.entity = 'memos' AND m.id = a.entity_id"
    " LEFT JOIN codings mc ON mc.id = m.coding_id"
)
_DOCUMENT = "COALESCE(c.document_id, m.document_id, mc.document_id)"


def audit_token(
    db: sqlite_utils.Database,
    hidden_documents: Iterable[int] | None = (),
    viewer: str | None = None,
) -> int:
    """Return the id of the newest audit-log row (grows with every recorded change to codes,
    codings and memos, from any process).

    With ``hidden_documents`` (None: every document) only rows ``viewer`` may see count: work of
    others on those documents (a blind round) leaves the token as it was, so polling it reveals
    nothing about it."""
    if hidden_documents is not None and not hidden_documents:
        return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetchone()[0])
    where = f"a.coder = ? OR {_DOCUMENT} IS NULL"
    params: list = [viewer or ""]
    if hidden_documents is not None:
        ids = sorted({int(d) for d in hidden_documents})
        where += f" OR {_DOCUMENT} NOT IN ({', '.join('?' * len(ids))})"
        params += ids
    row = db.execute(f"SELECT a.id{_ROWS} WHERE {where} ORDER BY a.id DESC LIMIT 1", params)
    found = row.fetchone()
    return int(found[0]) if found else 0


def activity_frame(
    db: sqlite_utils.Database,
    since_id: int | None = None,
    limit: int = 200,
    hidden_documents: Iterable[int] = (),
    viewer: str | None = None,
) -> pd.DataFrame:
    """Return the newest audit-log rows (``ACTIVITY_COLUMNS``, newest first), each with the
    document and span of the coding or memo it changed, and the code's path.

    Rows by anyone but ``viewer`` on ``hidden_documents`` (blind documents the viewer may not see
    others' work on) are left out; ``since_id`` keeps only rows after that id. The codebook's
    history rows (``codebook_events``) repeat the change to ``codes`` beside them: left out."""
    sql = (
        "SELECT a.id, a.at, a.coder, a.action, a.entity, a.entity_id,"
        f" {_DOCUMENT} AS document_id,"
        " COALESCE(c.char_start, mc.char_start) AS char_start,"
        " COALESCE(c.char_end, mc.char_end) AS char_end,"
        " COALESCE(c.code_id, mc.code_id, m.code_id,"
        "   CASE WHEN a.entity = 'codes' THEN a.entity_id END) AS code_id,"
        " a.detail" + _ROWS + " WHERE a.id > ? AND a.entity != 'codebook_events'"
        " ORDER BY a.id DESC LIMIT ?"
    )
    hidden = {int(d) for d in hidden_documents}
    # rows hidden from the viewer still count against the limit: read a little more
    df = pd.read_sql_query(
        sql, db.conn, params=[int(since_id or 0), int(limit) * (3 if hidden else 1)]
    )
    if hidden and not df.empty:
        on_hidden = df["document_id"].isin(hidden) & (df["coder"] != (viewer or ""))
        df = df[~on_hidden].head(int(limit))
    paths = code_paths(db, include_deleted=True) if not df.empty else {}
    df["code_path"] = [
        paths.get(int(c), "") if pd.notna(c) else _code_name(d)
        for c, d in zip(df["code_id"], df["detail"])
    ]
    df["detail"] = df["detail"].map(_detail)
    for col in ("document_id", "char_start", "char_end"):
        df[col] = df[col].astype("Int64")
    return df[ACTIVITY_COLUMNS].reset_index(drop=True)


def _detail(text: str | None) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _code_name(detail: str | None) -> str:
    row = _detail(detail).get("row")
    return str(row.get("name") or "") if isinstance(row, dict) else ""
