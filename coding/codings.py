"""Codings: code a span, a whole document or a whole case; list, edit, delete; batches; move to a
new version."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd
import sqlite_utils

from projectfile import NotFound, now_iso, transaction

from .case_data import case_names
from .codes import code_paths, descendants, resolve_code
from .history import CodingError, audit, ensure_coder, recorded

CODING_COLUMNS = [
    "coding_id",
    "document_id",
    "document_title",
    "char_start",
    "char_end",
    "text",
    "code_id",
    "code_path",
    "color",
    "coder",
    "created_at",
    "memo",
    "weight",
    "scope",
    "case_id",
    "batch_id",
]


def document_length(db: sqlite_utils.Database, document_id: int) -> int:
    """Return the length of a document's text in characters; raise NotFound if it is absent."""
    row = db.execute("SELECT char_count FROM documents WHERE id = ?", [int(document_id)]).fetchone()
    if row is None:
        raise NotFound(f"no document {document_id}")
    return row[0]


def _check_span(db: sqlite_utils.Database, document_id: int, start: int, end: int) -> None:
    n = document_length(db, document_id)
    if not (0 <= int(start) < int(end) <= n):
        raise CodingError(
            f"span [{start}, {end}) is not inside document {document_id} (0..{n}) or is empty"
        )


def _active_duplicate(db, document_id, case_id, scope, start, end, code_id, coder_id) -> int | None:
    row = db.execute(
        "SELECT id FROM codings WHERE code_id = ? AND coder_id = ? AND scope = ? AND document_id"
        " IS ?"
        " AND case_id IS ? AND char_start = ? AND char_end = ? AND deleted_at IS NULL",
        [code_id, coder_id, scope, document_id, case_id, start, end],
    ).fetchone()
    return row[0] if row else None


def _add(
    db, coder, label, session, document_id, case_id, scope, start, end, code, memo, weight
) -> int:
    code_id = resolve_code(db, code)
    coder_id = ensure_coder(db, coder)
    with recorded(db, coder, label, session) as rec:
        dup = _active_duplicate(db, document_id, case_id, scope, start, end, code_id, coder_id)
        if dup is not None:
            return dup
        return rec.insert(
            "codings",
            {
                "document_id": document_id,
                "case_id": case_id,
                "scope": scope,
                "char_start": start,
                "char_end": end,
                "code_id": code_id,
                "coder_id": coder_id,
                "created_at": now_iso(),
                "memo": memo,
                "weight": weight,
            },
        )


def code_span(
    db: sqlite_utils.Database,
    document_id: int,
    start: int,
    end: int,
    code: int | str,
    coder: str,
    memo: str | None = None,
    weight: float | None = None,
    session: str | None = None,
) -> int:
    """Code ``[start, end)`` of a document with ``code`` (id or path); return the coding id
    (existing if identical)."""
    _check_span(db, document_id, start, end)
    return _add(
        db,
        coder,
        "code span",
        session,
        int(document_id),
        None,
        "span",
        int(start),
        int(end),
        code,
        memo,
        weight,
    )


def code_document(
    db: sqlite_utils.Database,
    document_id: int,
    code: int | str,
    coder: str,
    memo: str | None = None,
    session: str | None = None,
) -> int:
    """Code a whole document; return the coding id."""
    n = document_length(db, document_id)
    return _add(
        db,
        coder,
        "code document",
        session,
        int(document_id),
        None,
        "document",
        0,
        n,
        code,
        memo,
        None,
    )


def code_case(
    db: sqlite_utils.Database,
    case_id: int,
    code: int | str,
    coder: str,
    memo: str | None = None,
    session: str | None = None,
) -> int:
    """Code a whole case (an interviews case id); return the coding id."""
    names = case_names(db)
    if int(case_id) not in names:
        raise NotFound(f"no case {case_id}")
    return _add(db, coder, "code case", session, None, int(case_id), "case", 0, 0, code, memo, None)


def update_coding(
    db: sqlite_utils.Database, coding_id: int, coder: str, session: str | None = None, **fields
) -> None:
    """Change a coding's code (id or path), span, memo or weight."""
    allowed = {"code", "char_start", "char_end", "memo", "weight"}
    bad = set(fields) - allowed
    if bad:
        raise CodingError(f"cannot change {', '.join(sorted(bad))} of a coding")
    coding_id = int(coding_id)
    row = db.execute(
        "SELECT document_id, char_start, char_end, scope FROM codings WHERE id = ? AND deleted_at"
        " IS NULL",
        [coding_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"no coding {coding_id}")
    values = {k: v for k, v in fields.items() if k != "code"}
    if "code" in fields:
        values["code_id"] = resolve_code(db, fields["code"])
    if "char_start" in values or "char_end" in values:
        if row[3] != "span":
            raise CodingError("only span codings have a span to change")
        _check_span(db, row[0], values.get("char_start", row[1]), values.get("char_end", row[2]))
    with recorded(db, coder, "edit coding", session) as rec:
        rec.update("codings", coding_id, **values)


def delete_coding(
    db: sqlite_utils.Database, coding_id: int, coder: str, session: str | None = None
) -> None:
    """Delete a coding (undoable; kept in the audit log)."""
    coding_id = int(coding_id)
    with recorded(db, coder, "delete coding", session) as rec:
        row = db.execute("SELECT deleted_at FROM codings WHERE id = ?", [coding_id]).fetchone()
        if row is None or row[0] is not None:
            raise NotFound(f"no coding {coding_id}")
        rec.update("codings", coding_id, deleted_at=now_iso())


def codings_frame(
    db: sqlite_utils.Database,
    codes: Iterable[int | str] | int | str | None = None,
    children: bool = False,
    coders: Iterable[str] | str | None = None,
    documents: Iterable[int] | None = None,
    batch_id: int | None = None,
    include_deleted: bool = False,
) -> pd.DataFrame:
    """Return one row per coding with CODING_COLUMNS, ordered by document and position.

    ``codes`` are ids or paths; ``children`` includes their descendants.  Whole-case codings have
    no document (document_id NaN, empty text).
    """
    where, params = ["k.deleted_at IS NULL"], []
    if not include_deleted:
        where.append("c.deleted_at IS NULL")
    ids = code_ids(db, codes, children)
    if ids is not None:
        where.append(f"c.code_id IN ({', '.join('?' * len(ids))})")
        params += ids
    if coders is not None:
        names = [coders] if isinstance(coders, str) else list(coders)
        where.append(f"r.name IN ({', '.join('?' * len(names))})")
        params += names
    if documents is not None:
        docs = [int(d) for d in documents]
        where.append(f"c.document_id IN ({', '.join('?' * len(docs))})")
        params += docs
    if batch_id is not None:
        where.append("c.batch_id = ?")
        params.append(int(batch_id))
    df = pd.read_sql_query(
        f"""
        SELECT c.id AS coding_id, c.document_id, d.title AS document_title, c.char_start,
          c.char_end,
               CASE WHEN c.scope = 'span' THEN substr(t.text, c.char_start + 1, c.char_end -
                 c.char_start) ELSE '' END AS text,
               c.code_id, '' AS code_path, k.color, r.name AS coder, c.created_at, c.memo,
                 c.weight, c.scope, c.case_id,
               c.batch_id
        FROM codings c
        JOIN codes k ON k.id = c.code_id
        JOIN coders r ON r.id = c.coder_id
        LEFT JOIN documents d ON d.id = c.document_id
        LEFT JOIN document_texts t ON t.document_id = c.document_id
        WHERE {" AND ".join(where)}
        ORDER BY c.document_id, c.char_start, c.char_end, c.id
        """,
        db.conn,
        params=params,
    )
    paths = code_paths(db, include_deleted=True)
    df["code_path"] = df["code_id"].map(paths)
    return df[CODING_COLUMNS]


def code_ids(db: sqlite_utils.Database, codes, children: bool = False) -> list[int] | None:
    """Return the ids for ``codes`` (ids or paths, one or many), with descendants when
    ``children``."""
    if codes is None:
        return None
    items = [codes] if isinstance(codes, (int, str)) else list(codes)
    out: list[int] = []
    for c in items:
        cid = resolve_code(db, c)
        for i in descendants(db, cid) if children else [cid]:
            if i not in out:
                out.append(i)
    return out


def move_codings(
    db: sqlite_utils.Database,
    old_document_id: int,
    new_document_id: int,
    map_offset: Callable[[int], int],
    coder: str = "system",
) -> int:
    """Copy the active codings of a document to its new version with mapped offsets; return how many
    were copied.

    Spans that collapse to nothing under the map are skipped; whole-document codings cover the new
    text.
    """
    old_document_id, new_document_id = int(old_document_id), int(new_document_id)
    new_len = document_length(db, new_document_id)
    rows = db.execute(
        "SELECT id, scope, char_start, char_end, code_id, coder_id, created_at, memo, weight FROM"
        " codings"
        " WHERE document_id = ? AND deleted_at IS NULL ORDER BY id",
        [old_document_id],
    ).fetchall()
    copied = 0
    with transaction(db):
        for cid, scope, s, e, code_id, coder_id, created, memo, weight in rows:
            if scope == "document":
                ns, ne = 0, new_len
            else:
                ns, ne = int(map_offset(s)), int(map_offset(e))
                ns, ne = max(0, ns), min(new_len, ne)
                if ne <= ns:
                    continue
            if _active_duplicate(db, new_document_id, None, scope, ns, ne, code_id, coder_id):
                continue
            new_id = db.execute(
                "INSERT INTO codings (document_id, scope, char_start, char_end, code_id, coder_id,"
                " created_at, memo, weight)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [new_document_id, scope, ns, ne, code_id, coder_id, created, memo, weight],
            ).lastrowid
            audit(
                db,
                coder,
                "create",
                "codings",
                new_id,
                {"moved_from": cid, "document_id": new_document_id},
            )
            copied += 1
    return copied
