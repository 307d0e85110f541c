"""A project's members and their roles (owner, editor, coder, viewer).

A member is a coder (``coders``) with a role; what each role may do is decided above, in
``workflows.access``. A project keeps at least one owner: the last one can be neither removed
nor given another role. Every change is written to the audit log.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from projectfile import NotFound, now_iso, transaction, writes

from .history import CodingError, audit, ensure_coder

ROLES = ("owner", "editor", "coder", "viewer")
MEMBER_COLUMNS = ["name", "role", "added_by", "added_at"]


def _check_role(role: str) -> str:
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise CodingError(f"'{role}' is not a role; choose one of {', '.join(ROLES)}")
    return role


def member_role(db: sqlite_utils.Database, name: str | None) -> str | None:
    """Return the role of the member called ``name`` (None when not a member)."""
    if not name:
        return None
    row = db.execute(
        "SELECT m.role FROM members m JOIN coders c ON c.id = m.coder_id WHERE c.name = ?",
        [name.strip()],
    ).fetchone()
    return row[0] if row else None


def has_members(db: sqlite_utils.Database) -> bool:
    """Return True when the project has at least one member (else everyone at the desk owns it)."""
    return db.execute("SELECT 1 FROM members LIMIT 1").fetchone() is not None


def owners(db: sqlite_utils.Database) -> list[str]:
    """Return the names of the project's owners, sorted."""
    return [
        r[0]
        for r in db.execute(
            "SELECT c.name FROM members m JOIN coders c ON c.id = m.coder_id"
            " WHERE m.role = 'owner' ORDER BY c.name"
        )
    ]


def members_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return the members: name, role, added_by, added_at (owners first, then by name)."""
    rows = db.execute(
        "SELECT c.name, m.role, m.added_by, m.added_at FROM members m"
        " JOIN coders c ON c.id = m.coder_id"
        " ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'editor' THEN 1 WHEN 'coder' THEN 2"
        " ELSE 3 END, c.name"
    ).fetchall()
    return pd.DataFrame(rows, columns=MEMBER_COLUMNS)


def members_token(db: sqlite_utils.Database) -> tuple:
    """Return a value that changes whenever a member is added, removed or given another role."""
    row = db.execute(
        "SELECT COUNT(*), COALESCE(group_concat(coder_id || ':' || role || ':' || added_at), '')"
        " FROM (SELECT * FROM members ORDER BY coder_id)"
    ).fetchone()
    return (row[0], row[1])


@writes("members")
def add_member(db: sqlite_utils.Database, name: str, role: str, by: str) -> None:
    """Make ``name`` a member with ``role`` (a member already there gets the role: set_role)."""
    role = _check_role(role)
    name = (name or "").strip()
    if not name:
        raise CodingError("a member needs a name")
    if member_role(db, name) is not None:
        set_role(db, name, role, by)
        return
    with transaction(db):
        if not has_members(db) and role != "owner":
            # the first member makes the project a team's: whoever adds them becomes its owner
            by_name = (by or "").strip()
            if not by_name or by_name == name:
                raise CodingError("a project's first member is its owner: add yourself as owner")
            add_member(db, by_name, "owner", by_name)
        coder_id = ensure_coder(db, name)
        kind = db.execute("SELECT kind FROM coders WHERE id = ?", [coder_id]).fetchone()[0]
        if kind != "person":
            raise CodingError(f"'{name}' is the {kind} coder, not a person: it cannot be a member")
        db.execute(
            "INSERT INTO members (coder_id, role, added_by, added_at) VALUES (?, ?, ?, ?)",
            [coder_id, role, by, now_iso()],
        )
        audit(db, by, "add", "member", coder_id, {"name": name, "role": role})


def _last_owner(db: sqlite_utils.Database, name: str) -> bool:
    return owners(db) == [name]


@writes("members")
def set_role(db: sqlite_utils.Database, name: str, role: str, by: str) -> None:
    """Give the member ``name`` another role (the last owner stays owner)."""
    role = _check_role(role)
    with transaction(db):
        old = member_role(db, name)
        if old is None:
            raise NotFound(f"'{name}' is not a member of this project")
        if old == role:
            return
        if old == "owner" and _last_owner(db, name):
            raise CodingError(
                f"{name} is the project's only owner: make another member owner first"
            )
        coder_id = ensure_coder(db, name)
        db.execute(
            "UPDATE members SET role = ?, added_by = ?, added_at = ? WHERE coder_id = ?",
            [role, by, now_iso(), coder_id],
        )
        audit(db, by, "update", "member", coder_id, {"name": name, "role": [old, role]})


@writes("members")
def remove_member(db: sqlite_utils.Database, name: str, by: str) -> None:
    """Remove the member ``name`` (their codings and memos stay; the last owner stays)."""
    with transaction(db):
        old = member_role(db, name)
        if old is None:
            raise NotFound(f"'{name}' is not a member of this project")
        if old == "owner" and _last_owner(db, name):
            raise CodingError(f"{name} is the project's only owner: a project keeps one owner")
        coder_id = ensure_coder(db, name)
        db.execute("DELETE FROM members WHERE coder_id = ?", [coder_id])
        audit(db, by, "delete", "member", coder_id, {"name": name, "role": old})
