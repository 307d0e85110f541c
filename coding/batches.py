"""Auto-coding batches: many codings saved as one undoable change, listed and undone together."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import sqlite_utils

from projectfile import NotFound, backup_project, now_iso, transaction, writes

from .codes import resolve_code
from .history import CodingError, audit, ensure_coder, push_action
from .spans import Notify, place
from .states import ActionState, CodingScope


@writes("code")
def apply_batch(
    db: sqlite_utils.Database,
    rows: list[dict],
    rule: str,
    coder: str,
    session: str | None = None,
    notify: Notify | None = None,
) -> int:
    """Save auto-coding rows (document_id, char_start, char_end, code) as one undoable batch; return
    its id.

    Rows identical to an active coding of the same coder are skipped; a bad row aborts the whole
    batch. Rows aimed at a superseded version go to the current one (``notify`` is told how many)
    or abort the batch when their words are gone. The project is backed up first (a bulk change).
    """
    if rows:
        backup_project(db, reason="before-autocoding")
    coder_id = ensure_coder(db, coder)
    code_cache: dict = {}
    for r in rows:
        if r["code"] not in code_cache:
            code_cache[r["code"]] = resolve_code(db, r["code"])
    stamp = now_iso()
    carried: Counter = Counter()
    with transaction(db):
        prepared, cache = [], {}
        for i, r in enumerate(rows):
            try:  # in the write transaction: no edit can supersede a document in between
                at = place(
                    db,
                    int(r["document_id"]),
                    int(r["char_start"]),
                    int(r["char_end"]),
                    cache=cache,
                )
            except CodingError as exc:
                raise CodingError(f"row {i}: {exc}") from None
            if at.carried:
                carried[at.requested_id, at.document_id] += 1
            code_id = code_cache[r["code"]]
            prepared.append(
                (at.document_id, at.start, at.end, code_id, r.get("memo"), r.get("weight"))
            )
        batch_id = db.execute(
            "INSERT INTO coding_batches (rule, coder_id, created_at) VALUES (?, ?, ?)",
            [rule, coder_id, stamp],
        ).lastrowid
        existing = set()
        for code_id in set(code_cache.values()):
            existing.update(
                db.execute(
                    "SELECT document_id, char_start, char_end, code_id FROM codings WHERE code_id"
                    " = ? AND coder_id = ?"
                    " AND scope = ? AND deleted_at IS NULL",
                    [code_id, coder_id, CodingScope.SPAN],
                ).fetchall()
            )
        fresh = []
        for doc, s, e, code_id, memo, weight in prepared:
            if (doc, s, e, code_id) in existing:
                continue
            existing.add((doc, s, e, code_id))
            fresh.append((doc, s, e, code_id, coder_id, stamp, memo, weight, batch_id))
        db.conn.executemany(
            "INSERT INTO codings (document_id, char_start, char_end, code_id, coder_id,"
            " created_at, memo, weight, batch_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            fresh,
        )
        db.execute("UPDATE coding_batches SET count = ? WHERE id = ?", [len(fresh), batch_id])
        audit(
            db, coder, "create", "coding_batches", batch_id, {"rule": rule, "codings": len(fresh)}
        )
        db.execute(
            "INSERT INTO audit_log (at, coder, action, entity, entity_id, detail)"
            " SELECT ?, ?, 'create', 'codings', id, '{\"batch_id\": ' || batch_id || '}' FROM"
            " codings WHERE batch_id = ?",
            [stamp, coder, batch_id],
        )
        push_action(
            db, coder, f"auto-code: {rule}", {"changes": [], "batches": [batch_id]}, session
        )
    if notify is not None:
        for (old, new), n in sorted(carried.items()):
            notify(
                f"{n} codings coded on the current version {new} (document {old} was superseded)"
            )
    return batch_id


@writes("code")
def undo_batch(db: sqlite_utils.Database, batch_id: int, coder: str) -> int:
    """Delete every coding of an auto-coding batch as one change; return how many were removed."""
    stamp = now_iso()
    batch_id = int(batch_id)
    with transaction(db):
        row = db.execute("SELECT undone_at FROM coding_batches WHERE id = ?", [batch_id]).fetchone()
        if row is None:
            raise NotFound(f"no batch {batch_id}")
        if row[0] is not None:
            return 0
        n = db.execute(
            "UPDATE codings SET deleted_at = ? WHERE batch_id = ? AND deleted_at IS NULL",
            [stamp, batch_id],
        ).rowcount
        db.execute("UPDATE coding_batches SET undone_at = ? WHERE id = ?", [stamp, batch_id])
        audit(db, coder, "undo", "coding_batches", batch_id, {"codings": n})
        # a later undo of the same batch from the action stack must not run again
        db.execute(
            "UPDATE coding_actions SET state = ? WHERE state = ? AND payload = ?",
            [
                ActionState.DISCARDED,
                ActionState.DONE,
                f'{{"changes": [], "batches": [{int(batch_id)}]}}',
            ],
        )
    return n


def batches_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return auto-coding batches: batch_id, rule, coder, created_at, count, undone_at (newest
    first)."""
    return pd.read_sql_query(
        "SELECT b.id AS batch_id, b.rule, r.name AS coder, b.created_at, b.count, b.undone_at"
        " FROM coding_batches b JOIN coders r ON r.id = b.coder_id ORDER BY b.id DESC",
        db.conn,
    )
