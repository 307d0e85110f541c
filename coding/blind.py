"""Blind coding: an owner puts documents (or the whole project) in a blind round; until the
owner opens the comparison, each member sees only their own codings and memos there.

The filter is applied in one place for codings (``scope_where`` adds ``blind_filter``) and one
for memos (``memos_frame``), from the actor bound to the connection (``projectfile.actor``): an
unbound connection (a script, the owner at a local desk) and an owner see everything, each coder
apart through ``Scope.coders``.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from corpus import current_documents_sql
from projectfile import NotFound, actor, now_iso, transaction, writes

from .history import CodingError, audit

BLIND_COLUMNS = [
    "round_id",
    "label",
    "all_documents",
    "documents",
    "started_by",
    "started_at",
    "opened_by",
    "opened_at",
]

_OPEN_ROUNDS = "SELECT id FROM blind_rounds WHERE opened_at IS NULL"
_HIDDEN = (
    "(EXISTS (SELECT 1 FROM blind_rounds WHERE all_documents = 1 AND opened_at IS NULL)"
    " OR COALESCE({doc} IN (SELECT bd.document_id FROM blind_documents bd"
    " JOIN blind_rounds r ON r.id = bd.round_id WHERE r.opened_at IS NULL), 0))"
)


@writes("blind")
def start_blind(db: sqlite_utils.Database, label: str, documents: list[int] | None, by: str) -> int:
    """Start a blind round over ``documents`` (None: every document, new ones too); return its
    id."""
    docs = None if documents is None else sorted({int(d) for d in documents})
    if docs == []:
        raise CodingError("a blind round needs documents (or the whole project)")
    with transaction(db):
        if docs is not None:
            current = {r[0] for r in db.execute(current_documents_sql())}
            missing = [d for d in docs if d not in current]
            if missing:
                raise NotFound(f"no current document {missing[0]}")
        round_id = db.execute(
            "INSERT INTO blind_rounds (label, all_documents, started_by, started_at)"
            " VALUES (?, ?, ?, ?)",
            [(label or "").strip(), int(docs is None), by, now_iso()],
        ).lastrowid
        for d in docs or ():
            db.execute(
                "INSERT INTO blind_documents (round_id, document_id) VALUES (?, ?)", [round_id, d]
            )
        audit(db, by, "start", "blind_round", round_id, {"label": label, "documents": docs})
    return round_id


@writes("blind")
def open_comparison(db: sqlite_utils.Database, round_id: int, by: str) -> None:
    """Open round ``round_id``'s comparison: everyone sees everyone's codings and memos there."""
    with transaction(db):
        row = db.execute(
            "SELECT opened_at FROM blind_rounds WHERE id = ?", [int(round_id)]
        ).fetchone()
        if row is None:
            raise NotFound(f"no blind round {round_id}")
        if row[0] is not None:
            raise CodingError(f"blind round {round_id} was opened already ({row[0]})")
        db.execute(
            "UPDATE blind_rounds SET opened_by = ?, opened_at = ? WHERE id = ?",
            [by, now_iso(), int(round_id)],
        )
        audit(db, by, "open", "blind_round", int(round_id), {})


def blind_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return the blind rounds (BLIND_COLUMNS), newest first; ``documents`` counts a round's
    documents (None for the whole project)."""
    return pd.read_sql_query(
        """SELECT r.id AS round_id, r.label, r.all_documents,
                  CASE WHEN r.all_documents THEN NULL ELSE
                    (SELECT COUNT(*) FROM blind_documents d WHERE d.round_id = r.id) END
                    AS documents,
                  r.started_by, r.started_at, r.opened_by, r.opened_at
           FROM blind_rounds r ORDER BY r.id DESC""",
        db.conn,
    )


def blind_document_ids(db: sqlite_utils.Database) -> set[int] | None:
    """Return the ids of the documents in open blind rounds (None: every document is blind)."""
    if db.execute(_OPEN_ROUNDS + " AND all_documents = 1 LIMIT 1").fetchone():
        return None
    return {
        r[0]
        for r in db.execute(
            "SELECT bd.document_id FROM blind_documents bd JOIN blind_rounds r"
            " ON r.id = bd.round_id WHERE r.opened_at IS NULL"
        )
    }


def add_blind_versions(db: sqlite_utils.Database, pairs: dict[int, int]) -> None:
    """Put each new version (``{old_id: new_id}``) in the open rounds its old version is in: an
    edited blind document stays blind (writes nothing when no round is open)."""
    if not pairs or not db.execute(_OPEN_ROUNDS + " LIMIT 1").fetchone():
        return
    with transaction(db):
        for old, new in pairs.items():
            db.execute(
                "INSERT OR IGNORE INTO blind_documents (round_id, document_id)"
                " SELECT bd.round_id, ? FROM blind_documents bd JOIN blind_rounds r"
                " ON r.id = bd.round_id WHERE bd.document_id = ? AND r.opened_at IS NULL",
                [int(new), int(old)],
            )


def blind_filter(
    db: sqlite_utils.Database, document: str, mine: str, by_name: bool = False
) -> tuple[str, list] | None:
    """Return an SQL condition keeping only what the bound actor may see in open blind rounds:
    rows on documents outside them, or their own (``mine`` is a coder id column, or a name column
    when ``by_name``). None when nothing is hidden (no actor, an owner, no open round)."""
    bound = actor(db)
    if bound is None or bound.sees_all:
        return None
    if not db.execute(_OPEN_ROUNDS + " LIMIT 1").fetchone():
        return None
    own = f"{mine} = ?" if by_name else f"{mine} IN (SELECT id FROM coders WHERE name = ?)"
    return f"(NOT {_HIDDEN.format(doc=document)} OR {own})", [bound.name]
