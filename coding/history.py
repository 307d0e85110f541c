"""The write path of ``coding``: every change to codes, codings and memos goes through a Recorder.

A Recorder runs inside one transaction, writes an audit-log row for each row it creates, changes
or deletes (the audit log is never purged), and at the end pushes one undoable action onto the
session's action stack (``coding_actions``).  ``undo``/``redo`` replay an action's row changes
backwards/forwards, refusing when someone else changed the same rows since.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import pandas as pd
import sqlite_utils

from corpus import current_documents_sql, current_version, delete_document
from interviews import cases_frame, rename_case
from projectfile import NotFound, QdaError, now_iso, transaction, writes

from .merge_undo import merge_removals, merged_rows_to_keep
from .states import ActionState

RECORDED_TABLES = (
    "codes",
    "codings",
    "memos",
    "coding_reviews",
    "consensus_decisions",
    "codebook_events",
)


class CodingError(QdaError):
    """A coding operation that cannot be done, with a plain-language reason."""


@writes("identity")
def ensure_coder(db: sqlite_utils.Database, name: str) -> int:
    """Return the id of the coder called ``name``, creating the coder if needed."""
    name = (name or "").strip()
    if not name:
        raise CodingError("a coder needs a name")
    row = db.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()
    if row:
        return row[0]
    with transaction(db):
        db.execute(
            "INSERT OR IGNORE INTO coders (name, created_at) VALUES (?, ?)", [name, now_iso()]
        )
        return db.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()[0]


def record_event(
    db: sqlite_utils.Database,
    coder: str,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: dict,
) -> None:
    """Append one row to the audit log in its own transaction (a change made outside the
    coding tables that the log should show: a recording attached, a turn time set by hand)."""
    with transaction(db):
        audit(db, coder or "", action, entity, entity_id, detail)


def _row(db: sqlite_utils.Database, table: str, row_id: int) -> dict | None:
    cur = db.execute(f"SELECT * FROM {table} WHERE id = ?", [int(row_id)])
    row = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], row)) if row else None


def audit(
    db: sqlite_utils.Database,
    coder: str,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: dict,
) -> None:
    """Append one row to the audit log (call inside a transaction)."""
    db.execute(
        "INSERT INTO audit_log (at, coder, action, entity, entity_id, detail) VALUES (?, ?, ?, ?,"
        " ?, ?)",
        [
            now_iso(),
            coder,
            action,
            entity,
            entity_id,
            json.dumps(detail, ensure_ascii=False, default=str),
        ],
    )


def _diff(before: dict | None, after: dict | None) -> dict:
    if before is None or after is None:
        return {"row": after or before}
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


class Recorder:
    """Collects the row changes of one user action; use through ``recorded(...)``."""

    def __init__(self, db: sqlite_utils.Database, coder: str):
        self.db = db
        self.coder = coder
        self.changes: list[tuple[str, int, dict | None, dict | None]] = []
        self.batch_ids: list[int] = []
        # more for undo: "version": [old, new] (an edit: undo removes the new version),
        # "case_renames": [[case_id, old name, new name], ...]
        self.extra: dict = {}
        self.source = ""  # a merge: the file the rows come from

    def insert(self, table: str, values: dict) -> int:
        """Insert a row; return its id."""
        assert table in RECORDED_TABLES
        cols = ", ".join(values)
        cur = self.db.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(values))})",
            list(values.values()),
        )
        row_id = cur.lastrowid
        after = _row(self.db, table, row_id)
        self.changes.append((table, row_id, None, after))
        audit(self.db, self.coder, "create", table, row_id, _diff(None, after))
        return row_id

    def update(self, table: str, row_id: int, **values) -> dict:
        """Update fields of a row; return the row as it was before."""
        assert table in RECORDED_TABLES
        row_id = int(row_id)
        before = _row(self.db, table, row_id)
        if before is None:
            raise NotFound(f"no {table[:-1]} {row_id}")
        if all(before.get(k) == v for k, v in values.items()):
            return before
        sets = ", ".join(f"{k} = ?" for k in values)
        self.db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), row_id])
        after = _row(self.db, table, row_id)
        self.changes.append((table, row_id, before, after))
        action = "update"
        if "deleted_at" in values:
            action = "delete" if values["deleted_at"] else "restore"
        audit(self.db, self.coder, action, table, row_id, _diff(before, after))
        return before


# connection id -> the Recorder that takes in the row changes of actions nested in it (a merge:
# the codes it creates through add_code belong to the merge's one action, not to actions of
# their own)
_ABSORBING: dict[int, Recorder] = {}


@contextlib.contextmanager
def absorbing(rec: Recorder) -> Iterator[Recorder]:
    """Within the block, actions recorded on ``rec``'s connection join ``rec`` instead of being
    pushed as actions of their own."""
    key = id(rec.db.conn)
    _ABSORBING[key] = rec
    try:
        yield rec
    finally:
        _ABSORBING.pop(key, None)


@contextlib.contextmanager
def recorded(
    db: sqlite_utils.Database,
    coder: str,
    label: str,
    session: str | None = None,
    undoable: bool = True,
) -> Iterator[Recorder]:
    """Run the block in one transaction with a Recorder; push one undoable action at the end."""
    ensure_coder(db, coder)
    outer = _ABSORBING.get(id(db.conn))
    with transaction(db):
        rec = Recorder(db, coder)
        yield rec
        if outer is not None:
            outer.changes += rec.changes
            outer.batch_ids += rec.batch_ids
        elif undoable and (
            rec.changes or rec.batch_ids or "merge" in rec.extra or "version" in rec.extra
        ):
            push_action(
                db,
                coder,
                label,
                {**rec.extra, "changes": rec.changes, "batches": rec.batch_ids},
                session,
            )


def push_action(
    db: sqlite_utils.Database, coder: str, label: str, payload: dict, session: str | None = None
) -> int:
    """Push an action on the session's undo stack (clearing its redo stack); return its id."""
    session = session or coder
    db.execute(
        "UPDATE coding_actions SET state = ? WHERE session = ? AND state = ?",
        [ActionState.DISCARDED, session, ActionState.UNDONE],
    )
    cur = db.execute(
        "INSERT INTO coding_actions (session, coder, at, label, payload) VALUES (?, ?, ?, ?, ?)",
        [session, coder, now_iso(), label, json.dumps(payload, ensure_ascii=False, default=str)],
    )
    return cur.lastrowid


def _put_row(
    db: sqlite_utils.Database, table: str, row_id: int, expected: dict | None, target: dict | None
) -> None:
    current = _row(db, table, row_id)
    if current != expected:
        raise CodingError(
            f"cannot undo/redo: {table[:-1]} {row_id} was changed since (by another action or"
            " coder)"
        )
    if target is None:
        if (
            table == "codes"
            and db.execute(
                "SELECT 1 FROM codings WHERE code_id = ? UNION ALL SELECT 1 FROM codes WHERE"
                " parent_id = ? LIMIT 1",
                [row_id, row_id],
            ).fetchone()
        ):
            raise CodingError(
                f"cannot undo: code {row_id} has codings or child codes now; delete it instead"
            )
        db.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
    elif current is None:
        cols = list(target)
        db.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [target[c] for c in cols],
        )
    else:
        sets = ", ".join(f"{k} = ?" for k in target if k != "id")
        db.execute(
            f"UPDATE {table} SET {sets} WHERE id = ?",
            [*(v for k, v in target.items() if k != "id"), row_id],
        )


def _replay(
    db: sqlite_utils.Database,
    payload: dict,
    coder: str,
    backwards: bool,
    keep: frozenset = frozenset(),
) -> None:
    """Replay an action's changes; rows (table, id) in ``keep`` are left as they are."""
    changes = payload.get("changes", [])
    for table, row_id, before, after in reversed(changes) if backwards else changes:
        if (table, row_id) in keep:
            continue
        if backwards:
            _put_row(db, table, row_id, after, before)
        else:
            _put_row(db, table, row_id, before, after)
        audit(db, coder, "undo" if backwards else "redo", table, row_id, {})
    stamp = now_iso()
    for batch_id in payload.get("batches", []):
        if backwards:
            db.execute(
                "UPDATE codings SET deleted_at = ? WHERE batch_id = ? AND deleted_at IS NULL",
                [stamp, batch_id],
            )
            db.execute("UPDATE coding_batches SET undone_at = ? WHERE id = ?", [stamp, batch_id])
        else:
            undone = db.execute(
                "SELECT undone_at FROM coding_batches WHERE id = ?", [batch_id]
            ).fetchone()[0]
            db.execute(
                "UPDATE codings SET deleted_at = NULL WHERE batch_id = ? AND deleted_at = ?",
                [batch_id, undone],
            )
            db.execute("UPDATE coding_batches SET undone_at = NULL WHERE id = ?", [batch_id])
        audit(db, coder, "undo" if backwards else "redo", "coding_batches", batch_id, {})


@writes("code")
def undo(db: sqlite_utils.Database, coder: str, session: str | None = None) -> str | None:
    """Undo the session's last action; return its label, or None when there is nothing to undo."""
    session = session or coder
    with transaction(db):
        row = db.execute(
            "SELECT id, label, payload FROM coding_actions WHERE session = ? AND state = ?"
            " ORDER BY id DESC LIMIT 1",
            [session, ActionState.DONE],
        ).fetchone()
        if row is None:
            return None
        payload = json.loads(row[2])
        label = row[1]
        if "merge" in payload:  # what the merge made goes, unless work made since uses it
            keep, notes = merged_rows_to_keep(db, payload)
            _replay(db, payload, coder, backwards=True, keep=keep)
            removed, more = merge_removals(db, payload["merge"], keep)
            for entity, entity_id in removed:
                audit(db, coder, "undo", entity, entity_id, {"merge": payload["merge"]["source"]})
            notes += more
            if notes:
                label += "; kept what work since the merge uses or changed: " + "; ".join(notes)
            db.execute(
                "UPDATE coding_actions SET state = ? WHERE id = ?", [ActionState.DISCARDED, row[0]]
            )
            return label  # redo is merging again
        _replay(db, payload, coder, backwards=True)
        state = ActionState.UNDONE
        if payload.get("version"):  # an edit: the new version goes, the previous is current
            _undo_version(db, payload, coder)
            state = ActionState.DISCARDED  # redo is editing again
        db.execute("UPDATE coding_actions SET state = ? WHERE id = ?", [state, row[0]])
        return label


def _undo_version(db: sqlite_utils.Database, payload: dict, coder: str) -> None:
    old_id, new_id = payload["version"]
    newer = current_version(db, new_id)
    if newer != new_id:
        raise CodingError(
            f"cannot undo this edit: document {new_id} was edited again since (document"
            f" {newer}); undo that edit first"
        )
    later = db.execute(
        "SELECT (SELECT COUNT(*) FROM codings WHERE document_id = ?)"
        " + (SELECT COUNT(*) FROM memos WHERE document_id = ?)",
        [new_id, new_id],
    ).fetchone()[0]
    if later:  # work done on the new version since the edit would go with it
        raise CodingError(
            f"cannot undo the edit: {later} codings or memos were made on the new version"
            f" (document {new_id}) since; delete them first, or edit the text back"
        )
    renames = payload.get("case_renames", [])
    names = dict(zip(cases_frame(db)["case_id"], cases_frame(db)["name"])) if renames else {}
    for case_id, old_name, new_name in reversed(renames):
        if names.get(case_id) == new_name:
            rename_case(db, case_id, old_name)
    delete_document(db, new_id)
    audit(db, coder, "undo", "documents", new_id, {"current_again": old_id})


@writes("code")
def redo(db: sqlite_utils.Database, coder: str, session: str | None = None) -> str | None:
    """Redo the session's most recently undone action; return its label, or None."""
    session = session or coder
    with transaction(db):
        row = db.execute(
            "SELECT id, label, payload FROM coding_actions WHERE session = ? AND state = ?"
            " ORDER BY id LIMIT 1",
            [session, ActionState.UNDONE],
        ).fetchone()
        if row is None:
            return None
        _replay(db, json.loads(row[2]), coder, backwards=False)
        db.execute("UPDATE coding_actions SET state = ? WHERE id = ?", [ActionState.DONE, row[0]])
        return row[1]


def history_frame(db: sqlite_utils.Database, session: str) -> pd.DataFrame:
    """Return the session's action stack: id, at, coder, label, state (newest first)."""
    return pd.read_sql_query(
        "SELECT id, at, coder, label, state FROM coding_actions WHERE session = ? AND state != ?"
        " ORDER BY id DESC",
        db.conn,
        params=[session, ActionState.DISCARDED],
    )


def audit_frame(
    db: sqlite_utils.Database, entity: str | None = None, limit: int = 1000
) -> pd.DataFrame:
    """Return the audit log: id, at, coder, action, entity, entity_id, detail (newest first)."""
    sql = "SELECT id, at, coder, action, entity, entity_id, detail FROM audit_log"
    params: list = []
    if entity:
        sql += " WHERE entity = ?"
        params.append(entity)
    return pd.read_sql_query(sql + " ORDER BY id DESC LIMIT ?", db.conn, params=[*params, limit])


def coder_names(db: sqlite_utils.Database, with_codings: bool = False) -> list[str]:
    """Return the coders' names (only those with active codings on current document versions, or
    on cases, when ``with_codings``), sorted."""
    sql = (
        "SELECT DISTINCT r.name FROM coders r JOIN codings c ON c.coder_id = r.id AND c.deleted_at"
        f" IS NULL AND (c.document_id IS NULL OR c.document_id IN ({current_documents_sql()}))"
        if with_codings
        else "SELECT name FROM coders"
    )
    return sorted(r[0] for r in db.execute(sql))


def change_counter(db: sqlite_utils.Database) -> int:
    """Return a number that grows with every write to codes or codings (from any process): a cache
    key."""
    return db.execute("SELECT version FROM coding_version WHERE id = 1").fetchone()[0]
