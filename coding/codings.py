"""Codings: code a span, a whole document or a whole case; list, edit, delete; batches; move to a
new version."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import sqlite_utils

from corpus import document_titles, get_text, text_length
from projectfile import NotFound, acting_on, now_iso, transaction, writes

from .case_data import case_names
from .codebook_events import codebook_version
from .codes import code_paths, resolve_code
from .history import CodingError, audit, ensure_coder, recorded
from .scope import Scope, scope_where
from .spans import Notify, check_span, place, span_problem
from .states import CodingScope

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
    return text_length(db, document_id)


_check_span = check_span  # the one bounds check (coding/spans.py), kept under its old name


def _active_duplicate(db, document_id, case_id, scope, start, end, code_id, coder_id) -> int | None:
    row = db.execute(
        "SELECT id FROM codings WHERE code_id = ? AND coder_id = ? AND scope = ? AND document_id"
        " IS ?"
        " AND case_id IS ? AND char_start = ? AND char_end = ? AND deleted_at IS NULL",
        [code_id, coder_id, scope, document_id, case_id, start, end],
    ).fetchone()
    return row[0] if row else None


def _add(
    db, coder, label, session, document_id, case_id, scope, start, end, code, memo, weight, notify
) -> int:
    code_id = resolve_code(db, code)
    coder_id = ensure_coder(db, coder)
    placed = None
    with recorded(db, coder, label, session) as rec:
        # again inside the write lock: an owner may have merged the code since it was picked
        code_id = resolve_code(db, code_id)
        if (
            scope != CodingScope.CASE
        ):  # checked in the write transaction: no edit can slip in between
            placed = place(db, document_id, start, end, scope)
            document_id, start, end = placed.document_id, placed.start, placed.end
        new_id = _active_duplicate(db, document_id, case_id, scope, start, end, code_id, coder_id)
        if new_id is None:
            new_id = rec.insert(
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
                    "codebook_event_id": codebook_version(db),
                },
            )
    if placed is not None and placed.carried and notify is not None:
        notify(placed.message())
    return new_id


@writes("code")
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
    notify: Notify | None = None,
) -> int:
    """Code ``[start, end)`` of a document with ``code`` (id or path); return the coding id
    (existing if identical).

    Aimed at a superseded version, the coding goes to the current version through the edits'
    mappings (``notify`` is told so) or is refused when its words are gone (CodingError)."""
    return _add(
        db,
        coder,
        "code span",
        session,
        int(document_id),
        None,
        CodingScope.SPAN,
        int(start),
        int(end),
        code,
        memo,
        weight,
        notify,
    )


@writes("code")
def code_document(
    db: sqlite_utils.Database,
    document_id: int,
    code: int | str,
    coder: str,
    memo: str | None = None,
    session: str | None = None,
    notify: Notify | None = None,
) -> int:
    """Code a whole document (its current version; ``notify`` is told when it was superseded);
    return the coding id."""
    return _add(
        db,
        coder,
        "code document",
        session,
        int(document_id),
        None,
        CodingScope.DOCUMENT,
        0,
        0,
        code,
        memo,
        None,
        notify,
    )


@writes("code")
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
    return _add(
        db,
        coder,
        "code case",
        session,
        None,
        int(case_id),
        CodingScope.CASE,
        0,
        0,
        code,
        memo,
        None,
        None,
    )


@writes("code")
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
    if ("char_start" in values or "char_end" in values) and row[3] != CodingScope.SPAN:
        raise CodingError("only span codings have a span to change")
    with (
        acting_on(db, _coding_coder(db, coding_id), "code.others"),
        recorded(db, coder, "edit coding", session) as rec,
    ):
        if "char_start" in values or "char_end" in values:
            s, e = values.get("char_start", row[1]), values.get("char_end", row[2])
            _check_span(db, row[0], s, e, where=f"coding {coding_id}")
        rec.update("codings", coding_id, **values)


@writes("code")
def delete_coding(
    db: sqlite_utils.Database, coding_id: int, coder: str, session: str | None = None
) -> None:
    """Delete a coding (undoable; kept in the audit log)."""
    coding_id = int(coding_id)
    with (
        acting_on(db, _coding_coder(db, coding_id), "code.others"),
        recorded(db, coder, "delete coding", session) as rec,
    ):
        row = db.execute("SELECT deleted_at FROM codings WHERE id = ?", [coding_id]).fetchone()
        if row is None or row[0] is not None:
            raise NotFound(f"no coding {coding_id}")
        rec.update("codings", coding_id, deleted_at=now_iso())


def _coding_coder(db: sqlite_utils.Database, coding_id: int) -> str | None:
    row = db.execute(
        "SELECT c.name FROM codings g JOIN coders c ON c.id = g.coder_id WHERE g.id = ?",
        [int(coding_id)],
    ).fetchone()
    return row[0] if row else None


def codings_frame(
    db: sqlite_utils.Database,
    scope: Scope | None = None,
    /,
    batch_id: int | None = None,
    include_deleted: bool = False,
    **filters,
) -> pd.DataFrame:
    """Return one row per coding in the scope with CODING_COLUMNS, ordered by document and
    position.

    The scope's filters may come as keywords (``codes``, ``children``, ``coders``, ``documents``,
    ``cases``, ``versions``): codings on earlier versions of a document are listed only with
    ``versions='all'``. Whole-case codings (of the scope's cases) have no document (document_id
    NaN, empty text). ``include_deleted`` also lists codings in the trash (history views).
    """
    scope = Scope.of(scope, **filters)
    where, params = scope_where(db, scope, "c", whole_case=True)
    if include_deleted:
        where = [w for w in where if w != "c.deleted_at IS NULL"]
    where.append("k.deleted_at IS NULL")
    if batch_id is not None:
        where.append("c.batch_id = ?")
        params.append(int(batch_id))
    df = pd.read_sql_query(
        f"""
        SELECT c.id AS coding_id, c.document_id, c.char_start, c.char_end, '' AS text,
               c.code_id, '' AS code_path, k.color, r.name AS coder, c.created_at, c.memo,
               c.weight, c.scope, c.case_id, c.batch_id
        FROM codings c
        JOIN codes k ON k.id = c.code_id
        JOIN coders r ON r.id = c.coder_id
        WHERE {" AND ".join(where)}
        ORDER BY c.document_id, c.char_start, c.char_end, c.id
        """,
        db.conn,
        params=params,
    )
    doc_ids = df["document_id"].dropna().astype("int64").unique()
    df["document_title"] = df["document_id"].map(document_titles(db, doc_ids))
    df["text"] = _span_texts(db, df)
    paths = code_paths(db, include_deleted=True)
    df["code_path"] = df["code_id"].map(paths)
    return df[CODING_COLUMNS]


def _span_texts(db, df: pd.DataFrame) -> list[str]:
    """Return the coded text of each span coding ('' for whole-document and whole-case ones),
    reading each document's text once."""
    out = [""] * len(df)
    spans = df[(df["scope"] == CodingScope.SPAN) & df["document_id"].notna()]
    for doc_id, idx in spans.groupby("document_id").indices.items():
        text = get_text(db, int(doc_id))
        for pos in spans.index.to_numpy()[idx]:
            out[pos] = text[int(df.at[pos, "char_start"]) : int(df.at[pos, "char_end"])]
    return out


@writes("codebook")
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
            if scope == CodingScope.DOCUMENT:
                ns, ne = 0, new_len
            else:
                ns, ne = int(map_offset(s)), int(map_offset(e))
                ns, ne = max(0, ns), min(new_len, ne)
                if span_problem(ns, ne, new_len):  # collapsed to nothing under the map
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
