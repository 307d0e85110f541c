"""Editing speakers and cases: roles, links to cases, renames, merges of case records.

Pure diff functions (``speaker_edits``, ``attribute_edits``) serve the table editors.
"""

from __future__ import annotations

import math

import pandas as pd
import sqlite_utils

from projectfile import NotFound, transaction, writes

from .attributes import set_attribute
from .errors import InterviewError
from .store import ensure_case

ROLES = ("interviewer", "interviewee", "other")


@writes("cases")
def set_speaker(
    db: sqlite_utils.Database,
    speaker_id: int,
    role: str | None = None,
    case: str | None = None,
    unlink: bool = False,
) -> None:
    """Change a speaker's role and/or link it to the case named ``case`` (created if new).

    ``unlink`` drops the speaker's link to its case.
    """
    if role is not None and role not in ROLES:
        raise InterviewError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    with transaction(db):
        if db.execute("SELECT 1 FROM speakers WHERE id = ?", [int(speaker_id)]).fetchone() is None:
            raise NotFound(f"no speaker {speaker_id}")
        if role is not None:
            db.execute("UPDATE speakers SET role = ? WHERE id = ?", [role, int(speaker_id)])
        if unlink:
            db.execute("UPDATE speakers SET case_id = NULL WHERE id = ?", [int(speaker_id)])
        elif case:
            db.execute(
                "UPDATE speakers SET case_id = ? WHERE id = ?",
                [ensure_case(db, case), int(speaker_id)],
            )


@writes("cases")
def rename_case(db: sqlite_utils.Database, case_id: int, name: str) -> None:
    """Rename a case; refuses a name another case has (merge them instead)."""
    name = " ".join(name.split())
    if not name:
        raise InterviewError("a case needs a name")
    with transaction(db):
        other = db.execute(
            "SELECT id FROM cases WHERE name = ? COLLATE NOCASE AND id != ?", [name, int(case_id)]
        ).fetchone()
        if other:
            raise InterviewError(
                f"another case is already called {name!r} (case {other[0]}); merge the two instead"
            )
        db.execute("UPDATE cases SET name = ? WHERE id = ?", [name, int(case_id)])


@writes("cases")
def merge_case_records(db: sqlite_utils.Database, keep_id: int, merge_id: int) -> None:
    """Move speakers and missing attribute values of case ``merge_id`` to ``keep_id``; delete it.

    Records only: whole-case codings move with ``coding.merge_cases``, which calls this.
    """
    _check_case(db, keep_id)
    _check_case(db, merge_id)
    if int(keep_id) == int(merge_id):
        raise InterviewError("a case cannot be merged into itself")
    with transaction(db):
        db.execute(
            "UPDATE speakers SET case_id = ? WHERE case_id = ?", [int(keep_id), int(merge_id)]
        )
        db.execute(
            "INSERT OR IGNORE INTO case_attributes (case_id, attribute_id, value)"
            " SELECT ?, attribute_id, value FROM case_attributes WHERE case_id = ?",
            [int(keep_id), int(merge_id)],
        )
        db.execute("DELETE FROM cases WHERE id = ?", [int(merge_id)])


@writes("cases")
def delete_case_record(db: sqlite_utils.Database, case_id: int) -> None:
    """Delete a case and its attribute values; its speakers stay, unlinked.

    Records only: whole-case codings go to the trash with ``coding.delete_case``, which calls this.
    """
    _check_case(db, case_id)
    with transaction(db):
        db.execute("DELETE FROM cases WHERE id = ?", [int(case_id)])


def _check_case(db: sqlite_utils.Database, case_id: int) -> None:
    if db.execute("SELECT 1 FROM cases WHERE id = ?", [int(case_id)]).fetchone() is None:
        raise NotFound(f"no case {case_id}")


def _blank(v) -> bool:
    return (
        v is None
        or (isinstance(v, float) and math.isnan(v))
        or (isinstance(v, str) and not v.strip())
    )


def speaker_edits(before: pd.DataFrame, after: pd.DataFrame) -> list[dict]:
    """Return the changes between two speakers tables (speaker_id, role, case_name).

    Each change is {speaker_id, role?, case?, unlink?}.
    """
    old = before.set_index("speaker_id")
    edits = []
    for row in after.itertuples(index=False):
        sid = int(row.speaker_id)
        if sid not in old.index:
            continue
        prev = old.loc[sid]
        edit: dict = {}
        if row.role != prev["role"]:
            edit["role"] = row.role
        new_case, old_case = row.case_name, prev["case_name"]
        if _blank(new_case) and not _blank(old_case):
            edit["unlink"] = True
        elif not _blank(new_case) and (_blank(old_case) or str(new_case).strip() != str(old_case)):
            edit["case"] = str(new_case).strip()
        if edit:
            edits.append({"speaker_id": sid, **edit})
    return edits


@writes("cases")
def apply_speaker_edits(db: sqlite_utils.Database, edits: list[dict]) -> int:
    """Apply speaker_edits output in one transaction; return how many speakers changed."""
    with transaction(db):
        for e in edits:
            set_speaker(
                db,
                e["speaker_id"],
                role=e.get("role"),
                case=e.get("case"),
                unlink=e.get("unlink", False),
            )
    return len(edits)


def attribute_edits(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[int, str, object]]:
    """Return (case_id, attribute, new value) of each changed cell of two case_attributes_frame."""
    old = before.set_index("case_id")
    cols = [c for c in after.columns if c not in ("case_id", "case_name")]
    out = []
    for row in after.to_dict("records"):
        cid = int(row["case_id"])
        for c in cols:
            new = row.get(c)
            prev = old.loc[cid, c] if (cid in old.index and c in old.columns) else None
            if _blank(new) and _blank(prev):
                continue
            if _blank(new) or _blank(prev) or str(new) != str(prev):
                try:
                    if not _blank(new) and not _blank(prev) and float(new) == float(prev):
                        continue
                except (TypeError, ValueError):
                    pass
                out.append((cid, c, None if _blank(new) else new))
    return out


@writes("cases")
def apply_attribute_edits(db: sqlite_utils.Database, edits: list[tuple[int, str, object]]) -> int:
    """Apply attribute_edits output in one transaction (a bad value saves nothing); return count."""
    with transaction(db):
        for case_id, name, value in edits:
            set_attribute(db, int(case_id), name, value)
    return len(edits)


@writes("cases")
def import_refi_cases(db: sqlite_utils.Database, rows: list[dict], coder: str = "import") -> int:
    """Create cases from a REFI-QDA import; return how many.

    Rows are {name, description, attributes, document_ids, code_ids}.
    """
    with transaction(db):
        for r in rows:
            case_id = ensure_case(db, r["name"], description=r.get("description") or "")
            for k, v in (r.get("attributes") or {}).items():
                t = "number" if isinstance(v, (int, float)) and not isinstance(v, bool) else "text"
                set_attribute(db, case_id, k, v, type_=t)
            for doc_id in r.get("document_ids") or []:
                label = r["name"]
                db.execute(
                    "INSERT OR IGNORE INTO speakers (document_id, label, role, case_id)"
                    " VALUES (?, ?, 'interviewee', ?)",
                    [int(doc_id), label, case_id],
                )
    return len(rows)
