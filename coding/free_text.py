"""Every free-text field coding keeps, rewritten in one pass (de-identification), and the
history tables dropped from a copy that leaves the researcher's machine.

``rewrite_free_text`` applies a text function to code names and definitions (definition,
inclusion, exclusion, example), memos (title, text; deleted ones too), coding memos, batch rules
(a search that coded hits may name a person) and review reasons, then rebuilds the memo
full-text index so no old token survives in it.  ``drop_history`` empties ``coding_actions``
(undo images hold the text before every change) and ``audit_log`` (details hold old values).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from projectfile import transaction, writes

FREE_TEXT_COLUMNS = {
    "codes": ("name", "definition", "inclusion", "exclusion", "example"),
    "memos": ("title", "text"),
    "codings": ("memo",),
    "coding_batches": ("rule",),
    "coding_reviews": ("reason",),
}


@writes("deidentify")
def rewrite_free_text(db: sqlite_utils.Database, rewrite: Callable[[str], str]) -> int:
    """Apply ``rewrite`` to every free-text cell coding holds; return the cells changed.

    Runs in one transaction, outside the undo history (the history is the researcher's own; a
    shareable copy drops it with ``drop_history``).  A code whose new name an active sibling
    already has keeps its old name in full but for the rewritten parts, suffixed with its id.
    """
    changed = 0
    tables = set(db.table_names())
    with transaction(db):
        for table, columns in FREE_TEXT_COLUMNS.items():
            if table not in tables:
                continue
            present = [c for c in columns if c in db[table].columns_dict]
            cols = ", ".join(present)
            for row in db.execute(f"SELECT id, {cols} FROM {table}").fetchall():
                new = {c: rewrite(v) for c, v in zip(present, row[1:]) if isinstance(v, str)}
                new = {c: v for c, v in new.items() if v != row[1 + present.index(c)]}
                if not new:
                    continue
                if table == "codes" and "name" in new:
                    new["name"] = _free_name(db, row[0], new["name"])
                sets = ", ".join(f"{c} = ?" for c in new)
                db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*new.values(), row[0]])
                changed += len(new)
        if "memos_fts" in tables:
            db.execute("INSERT INTO memos_fts(memos_fts) VALUES ('rebuild')")
    return changed


def _free_name(db: sqlite_utils.Database, code_id: int, name: str) -> str:
    clash = db.execute(
        "SELECT 1 FROM codes c JOIN codes me ON me.id = ?"
        " WHERE c.id != me.id AND COALESCE(c.parent_id, 0) = COALESCE(me.parent_id, 0)"
        " AND lower(c.name) = lower(?) AND c.deleted_at IS NULL",
        [code_id, name],
    ).fetchone()
    return f"{name} ({code_id})" if clash else name


@writes("deidentify")
def drop_history(db: sqlite_utils.Database) -> dict[str, int]:
    """Empty the undo history and the audit log; return the rows dropped per table."""
    dropped = {}
    with transaction(db):
        for table in ("coding_actions", "audit_log"):
            dropped[table] = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            db.execute(f"DELETE FROM {table}")
    return dropped
