"""Merging and deleting cases: the interviews case records and coding's whole-case codings and case
memos change together, in one transaction, after a backup.

Inside a caller's transaction (e.g. pseudonymization) the caller has backed up
(``backup_project`` then writes nothing).
"""

from __future__ import annotations

import sqlite_utils

from interviews import delete_case_record, merge_case_records
from projectfile import backup_project, now_iso, transaction, writes

from .history import audit


@writes("cases")
def merge_cases(
    db: sqlite_utils.Database, keep_id: int, merge_id: int, coder: str = "system"
) -> int:
    """Merge case ``merge_id`` into ``keep_id`` (speakers, attributes, whole-case codings, case
    memos).

    Backs the project up first; returns the number of whole-case codings moved.
    """
    keep_id, merge_id = int(keep_id), int(merge_id)
    backup_project(db, reason="before-case-merge")
    with transaction(db):
        n = db.execute(
            "UPDATE codings SET case_id = ? WHERE case_id = ? AND deleted_at IS NULL",
            [keep_id, merge_id],
        ).rowcount
        db.execute("UPDATE memos SET case_id = ? WHERE case_id = ?", [keep_id, merge_id])
        # framework cell summaries of the merged case's row join the kept case's row
        db.execute(
            "UPDATE memos SET cell_row = ? WHERE target = 'cell' AND cell_row = ?",
            [f"case:{keep_id}", f"case:{merge_id}"],
        )
        audit(db, coder, "update", "cases", merge_id, {"merged_into": keep_id, "codings": n})
        merge_case_records(db, keep_id, merge_id)
    return n


@writes("cases")
def delete_case(db: sqlite_utils.Database, case_id: int, coder: str = "system") -> int:
    """Delete a case: its record and attribute values go, its speakers stay unlinked, its whole-case
    codings and case memos go to the trash.

    Backs the project up first; returns the number of whole-case codings trashed.
    """
    case_id = int(case_id)
    stamp = now_iso()
    backup_project(db, reason="before-case-delete")
    with transaction(db):
        n = db.execute(
            "UPDATE codings SET deleted_at = ? WHERE case_id = ? AND deleted_at IS NULL",
            [stamp, case_id],
        ).rowcount
        db.execute(
            "UPDATE memos SET deleted_at = ? WHERE case_id = ? AND deleted_at IS NULL",
            [stamp, case_id],
        )
        audit(db, coder, "delete", "cases", case_id, {"codings": n})
        delete_case_record(db, case_id)
    return n
