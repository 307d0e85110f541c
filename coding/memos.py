"""Memos on the project, a document, a code, a case or a coding, and the summaries of framework
matrix cells (target 'cell': a row key and a code); full-text searchable."""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from corpus import current_version, get_document, to_fts_query
from projectfile import NotFound, acting_on, now_iso, writes

from .blind import blind_filter
from .case_data import case_names
from .cell_rows import row_label, split_row_key
from .codes import code_path, resolve_code
from .history import CodingError, recorded
from .spans import Notify

MEMO_COLUMNS = [
    "memo_id",
    "target",
    "target_id",
    "title",
    "text",
    "author",
    "created_at",
    "updated_at",
    "cell_row",
]
TARGETS = ("project", "document", "code", "case", "coding", "cell")
SUMMARY_COLUMNS = ["row_key", "code_id", "memo_id", "text", "author", "updated_at"]


@writes("memo")
def add_memo(
    db: sqlite_utils.Database,
    text: str,
    author: str,
    target: str = "project",
    target_id: int | str | None = None,
    title: str = "",
    notify: Notify | None = None,
) -> int:
    """Write a memo on a target (project, document, code, case, coding); return its id.

    A memo on a superseded version goes on the current one (``notify`` is told); one on a coding
    of a superseded version is refused (the coding there is history)."""
    if target not in TARGETS:
        raise CodingError(f"a memo goes on one of {', '.join(TARGETS)}, not '{target}'")
    if target == "cell":
        raise CodingError("a cell's summary is written with set_cell_summary (row key and code)")
    if not (text or "").strip() and not (title or "").strip():
        raise CodingError("an empty memo")
    values = {
        "target": target,
        "document_id": None,
        "code_id": None,
        "coding_id": None,
        "case_id": None,
    }
    if target == "code":
        values["code_id"] = resolve_code(db, target_id)
    elif target != "project":
        if target_id is None:
            raise CodingError(f"a {target} memo needs the {target}'s id")
        values[f"{target}_id"] = int(target_id)
        if target == "case":
            if int(target_id) not in case_names(db):
                raise NotFound(f"no case {target_id}")
        if (
            target == "coding"
            and not db.execute("SELECT 1 FROM codings WHERE id = ?", [int(target_id)]).fetchone()
        ):
            raise NotFound(f"no coding {target_id}")
    stamp = now_iso()
    with recorded(db, author, f"add {target} memo") as rec:
        moved = _current_target(db, values)  # in the write transaction, as codings are
        memo_id = rec.insert(
            "memos",
            {
                **values,
                "title": title or "",
                "text": text or "",
                "author": author,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
    if moved is not None and notify is not None:
        notify(
            f"memo written on the current version {values['document_id']} (document {moved}"
            " was superseded)"
        )
    return memo_id


def _current_target(db: sqlite_utils.Database, values: dict) -> int | None:
    """Point a document memo at the current version (return the superseded id it was aimed at);
    refuse a memo on a coding of a superseded version."""
    doc = values["document_id"]
    if doc is not None and not get_document(db, doc)["is_current"]:
        values["document_id"] = current_version(db, doc)
        return doc
    if values["coding_id"] is not None:
        row = db.execute(
            "SELECT document_id FROM codings WHERE id = ?", [values["coding_id"]]
        ).fetchone()
        if row and row[0] is not None and not get_document(db, row[0])["is_current"]:
            raise CodingError(
                f"coding {values['coding_id']} is on document {row[0]}, a superseded version;"
                f" write the memo on its coding in the current version"
                f" {current_version(db, row[0])}"
            )
    return None


def _memo_author(db: sqlite_utils.Database, memo_id: int) -> str | None:
    row = db.execute("SELECT author FROM memos WHERE id = ?", [int(memo_id)]).fetchone()
    return row[0] if row else None


@writes("memo")
def update_memo(
    db: sqlite_utils.Database,
    memo_id: int,
    author: str,
    text: str | None = None,
    title: str | None = None,
) -> None:
    """Change a memo's text or title."""
    values = {k: v for k, v in (("text", text), ("title", title)) if v is not None}
    with (
        acting_on(db, _memo_author(db, memo_id), "memo.others"),
        recorded(db, author, "edit memo") as rec,
    ):
        rec.update("memos", memo_id, **values, updated_at=now_iso())


@writes("memo")
def delete_memo(db: sqlite_utils.Database, memo_id: int, author: str) -> None:
    """Delete a memo (undoable)."""
    with (
        acting_on(db, _memo_author(db, memo_id), "memo.others"),
        recorded(db, author, "delete memo") as rec,
    ):
        rec.update("memos", memo_id, deleted_at=now_iso())


def memos_frame(
    db: sqlite_utils.Database,
    target: str | None = None,
    target_id: int | None = None,
    query: str | None = None,
    author: str | None = None,
) -> pd.DataFrame:
    """Return memos (MEMO_COLUMNS), newest first; ``query`` is a full-text search over title and
    text."""
    where, params = ["m.deleted_at IS NULL"], []
    if target:
        where.append("m.target = ?")
        params.append(target)
    if target_id is not None and target:
        column = "code_id" if target == "cell" else f"{target}_id"
        where.append(f"m.{column} = ?" if target != "project" else "1")
        if target != "project":
            params.append(int(target_id))
    if author:
        where.append("m.author = ?")
        params.append(author)
    hidden = blind_filter(
        db,
        "COALESCE(m.document_id, (SELECT g.document_id FROM codings g WHERE g.id = m.coding_id))",
        "m.author",
        by_name=True,
    )
    if hidden:  # in an open blind round a member sees only their own memos there
        where.append(hidden[0])
        params += hidden[1]
    join = ""
    if query and query.strip():
        join = "JOIN memos_fts f ON f.rowid = m.id"
        where.append("memos_fts MATCH ?")
        params.append(to_fts_query(query))
    return pd.read_sql_query(
        f"""SELECT m.id AS memo_id, m.target,
                   COALESCE(m.document_id, m.code_id, m.case_id, m.coding_id) AS target_id,
                   m.title, m.text, m.author, m.created_at, m.updated_at, m.cell_row
            FROM memos m {join} WHERE {" AND ".join(where)} ORDER BY m.updated_at DESC, m.id
              DESC""",
        db.conn,
        params=params,
    )


def _cell_memos(db: sqlite_utils.Database, key: str, code_id: int) -> list[int]:
    """Return the ids of the active summaries of one cell, newest first."""
    return [
        r[0]
        for r in db.execute(
            "SELECT id FROM memos WHERE target = 'cell' AND cell_row = ? AND code_id = ?"
            " AND deleted_at IS NULL ORDER BY updated_at DESC, id DESC",
            [key, code_id],
        )
    ]


@writes("memo")
def set_cell_summary(
    db: sqlite_utils.Database, row_key: str, code: int | str, text: str, author: str
) -> int | None:
    """Write the researcher's summary of a framework cell (row key, code); return its memo id.

    One summary per cell: a second write edits it (the memo's author becomes who wrote last and
    ``updated_at`` when; the audit log keeps every version), an empty text deletes it (None is
    returned). One undoable action. Cells of merged cases may hold two summaries until the next
    write, which keeps one."""
    kind, rest = split_row_key(row_key)
    code_id = resolve_code(db, code)
    title = f"{row_label(db, row_key)} × {code_path(db, code_id)}"
    text = (text or "").strip()
    existing = _cell_memos(db, row_key, code_id)
    stamp = now_iso()
    with recorded(db, author, "write cell summary") as rec:
        for memo_id in existing[1:] if text else existing:
            rec.update("memos", memo_id, deleted_at=stamp)
        if not text:
            return None
        if existing:
            rec.update(
                "memos", existing[0], text=text, title=title, author=author, updated_at=stamp
            )
            return existing[0]
        return rec.insert(
            "memos",
            {
                "target": "cell",
                "cell_row": row_key,
                "code_id": code_id,
                "case_id": int(rest) if kind == "case" else None,
                "title": title,
                "text": text,
                "author": author,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )


def cell_summaries(db: sqlite_utils.Database, codes=None) -> pd.DataFrame:
    """Return SUMMARY_COLUMNS, one row per cell with a summary (several summaries of one cell,
    as after merging two cases, joined newest first; memo_id is the newest), for ``codes`` (ids)
    or every code."""
    where, params = ["target = 'cell'", "deleted_at IS NULL"], []
    if codes is not None:
        ids = [int(c) for c in codes]
        where.append(f"code_id IN ({', '.join('?' * len(ids)) or 'NULL'})")
        params += ids
    df = pd.read_sql_query(
        "SELECT cell_row AS row_key, code_id, id AS memo_id, text, author, updated_at FROM memos"
        f" WHERE {' AND '.join(where)} ORDER BY cell_row, code_id, updated_at DESC, id DESC",
        db.conn,
        params=params,
    )
    if df.empty or not df.duplicated(["row_key", "code_id"]).any():
        return df[SUMMARY_COLUMNS]
    first = df.drop_duplicates(["row_key", "code_id"]).set_index(["row_key", "code_id"])
    first["text"] = df.groupby(["row_key", "code_id"], sort=False)["text"].agg("\n\n".join)
    return first.reset_index()[SUMMARY_COLUMNS]


@writes("memo")
def move_cell_summaries(db: sqlite_utils.Database, from_key: str, to_key: str, author: str) -> int:
    """Reattach the summaries of row ``from_key`` (a row that no longer exists, such as an
    attribute value renamed) to row ``to_key``; return how many moved (one undoable action)."""
    kind, rest = split_row_key(to_key)
    split_row_key(from_key)
    rows = db.execute(
        "SELECT id, code_id FROM memos WHERE target = 'cell' AND cell_row = ?"
        " AND deleted_at IS NULL",
        [from_key],
    ).fetchall()
    label = row_label(db, to_key)
    with recorded(db, author, "reattach cell summaries") as rec:
        for memo_id, code_id in rows:
            rec.update(
                "memos",
                memo_id,
                cell_row=to_key,
                case_id=int(rest) if kind == "case" else None,
                title=f"{label} × {code_path(db, code_id)}",
                updated_at=now_iso(),
            )
    return len(rows)
