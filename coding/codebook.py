"""Codebook editing: update fields, rename, recolour, move, reorder, merge, delete to trash and
restore."""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from corpus import current_documents_sql
from projectfile import NotFound, backup_project, now_iso, transaction, writes

from .code_names import duplicate_message
from .codebook_events import record_event
from .codebook_history import DEFINITION_FIELDS, code_codings
from .codes import (
    _check_name,
    add_code,
    check_color,
    code_path,
    code_paths,
    descendants,
    resolve_code,
    sibling_exists,
)
from .history import CodingError, absorbing, audit, recorded

EDITABLE = ("name", "color", "definition", "inclusion", "exclusion", "example")


@writes("codebook")
def update_code(
    db: sqlite_utils.Database,
    code: int | str,
    coder: str = "default",
    session: str | None = None,
    **fields,
) -> None:
    """Change any of name, color, definition, inclusion, exclusion, example of a code."""
    bad = set(fields) - set(EDITABLE)
    if bad:
        raise CodingError(f"cannot edit {', '.join(sorted(bad))} of a code")
    code_id = resolve_code(db, code)
    values = {k: (v or "") for k, v in fields.items()}
    if "name" in values:
        values["name"] = _check_name(values["name"])
    if "color" in values:
        values["color"] = check_color(values["color"])
    with recorded(db, coder, "edit code", session) as rec:
        if "name" in values:
            _refuse_sibling_name(db, code_id, values["name"])
        before = rec.update("codes", code_id, **values)
        _record_edit(rec, code_id, before, values)


def _record_edit(rec, code_id: int, before: dict, values: dict) -> None:
    """Record the codebook events of an edit: rename, recolor, define (changed fields only)."""
    db = rec.db
    old_path = _old_path(db, code_id, before["name"])
    touched = code_codings(db, [code_id])
    if "name" in values and values["name"] != before["name"]:
        after = {"name": values["name"], "path": code_path(db, code_id)}
        record_event(
            rec, "rename", code_id, {"name": before["name"], "path": old_path}, after, None, touched
        )
    if "color" in values and values["color"] != before["color"]:
        record_event(
            rec,
            "recolor",
            code_id,
            {"path": old_path, "color": before["color"]},
            {"color": values["color"]},
        )
    changed = {f: values[f] for f in DEFINITION_FIELDS if f in values and values[f] != before[f]}
    if changed:
        old = {"path": old_path, **{f: before[f] for f in changed}}
        record_event(rec, "define", code_id, old, changed, None, touched)


def _old_path(db, code_id: int, old_name: str) -> str:
    parent = db.execute("SELECT parent_id FROM codes WHERE id = ?", [code_id]).fetchone()[0]
    return f"{code_path(db, parent)} > {old_name}" if parent else old_name


def _refuse_sibling_name(db: sqlite_utils.Database, code_id: int, name: str) -> None:
    """Raise CodingError when a sibling of the code ``code_id`` is already called ``name``."""
    parent = db.execute("SELECT parent_id FROM codes WHERE id = ?", [code_id]).fetchone()[0]
    if sibling_exists(db, parent, name, exclude=code_id):
        where = code_path(db, parent) if parent else "the top level"
        raise CodingError(duplicate_message(name, where))


def rename_code(
    db: sqlite_utils.Database, code: int | str, name: str, coder: str = "default"
) -> None:
    """Rename a code (unique among its siblings)."""
    update_code(db, code, coder, name=name)


def recolor_code(
    db: sqlite_utils.Database, code: int | str, color: str, coder: str = "default"
) -> None:
    """Give a code a new colour (#rrggbb)."""
    update_code(db, code, coder, color=color)


@writes("codebook")
def move_code(
    db: sqlite_utils.Database,
    code: int | str,
    new_parent: int | str | None,
    coder: str = "default",
    session: str | None = None,
) -> None:
    """Move a code (with its subtree) under ``new_parent`` (None: top level); refuses cycles."""
    code_id = resolve_code(db, code)
    parent_id = resolve_code(db, new_parent) if new_parent not in (None, "") else None
    if parent_id is not None and parent_id in descendants(db, code_id):
        raise CodingError(
            f"cannot move '{code_path(db, code_id)}' under itself or its own descendant"
        )
    name = db.execute("SELECT name FROM codes WHERE id = ?", [code_id]).fetchone()[0]
    old_path = code_path(db, code_id)
    with recorded(db, coder, "move code", session) as rec:
        if sibling_exists(db, parent_id, name, exclude=code_id):
            raise CodingError(f"a code '{name}' already exists there")
        position = db.execute(
            "SELECT COALESCE(MAX(position), -1) + 1 FROM codes WHERE COALESCE(parent_id, 0) = ?",
            [parent_id or 0],
        ).fetchone()[0]
        before = rec.update("codes", code_id, parent_id=parent_id, position=position)
        if before["parent_id"] != parent_id:
            record_event(
                rec,
                "move",
                code_id,
                {"path": old_path},
                {"path": code_path(db, code_id)},
                parent_id,
                code_codings(db, descendants(db, code_id)),
            )


@writes("codebook")
def reorder_codes(
    db: sqlite_utils.Database, ordered: list[int | str], coder: str = "default"
) -> None:
    """Set the order of sibling codes to the order given (ids or paths, all with the same
    parent)."""
    ids = [resolve_code(db, c) for c in ordered]
    parents = {
        db.execute("SELECT parent_id FROM codes WHERE id = ?", [i]).fetchone()[0] for i in ids
    }
    if len(parents) > 1:
        raise CodingError("only codes with the same parent can be reordered together")
    with recorded(db, coder, "reorder codes") as rec:
        for pos, cid in enumerate(ids):
            rec.update("codes", cid, position=pos)


@writes("codebook")
def merge_codes(
    db: sqlite_utils.Database,
    source: int | str,
    target: int | str,
    coder: str = "default",
    session: str | None = None,
) -> int:
    """Merge ``source`` into ``target``: its codings and child codes move, duplicates collapse;
    return codings moved.

    The source code then goes to the trash.  Undoable as one action.
    """
    src, dst = resolve_code(db, source), resolve_code(db, target)
    if src == dst:
        raise CodingError("cannot merge a code into itself")
    backup_project(db, reason="before-code-merge")
    if dst in descendants(db, src):
        raise CodingError("cannot merge a code into one of its own descendants")
    stamp = now_iso()
    moved = 0
    src_path, dst_path = code_path(db, src), code_path(db, dst)
    with recorded(db, coder, "merge codes", session) as rec:
        rows = db.execute(
            "SELECT id, document_id, case_id, scope, char_start, char_end, coder_id FROM codings"
            " WHERE code_id = ? AND deleted_at IS NULL",
            [src],
        ).fetchall()
        for cid, doc, case, scope, s, e, coder_id in rows:
            dup = db.execute(
                "SELECT id FROM codings WHERE code_id = ? AND coder_id = ? AND scope = ? AND"
                " document_id IS ?"
                " AND case_id IS ? AND char_start = ? AND char_end = ? AND deleted_at IS NULL",
                [dst, coder_id, scope, doc, case, s, e],
            ).fetchone()
            if dup:
                rec.update("codings", cid, deleted_at=stamp)
            else:
                rec.update("codings", cid, code_id=dst)
                moved += 1
        for (child,) in db.execute(
            "SELECT id FROM codes WHERE parent_id = ? AND deleted_at IS NULL", [src]
        ).fetchall():
            cname = db.execute("SELECT name FROM codes WHERE id = ?", [child]).fetchone()[0]
            clash = sibling_exists(db, dst, cname)
            if clash:
                raise CodingError(
                    f"'{code_path(db, dst)}' already has a child '{cname}': merge those first"
                )
            rec.update("codes", child, parent_id=dst)
        rec.update("codes", src, deleted_at=stamp, merged_into=dst)
        record_event(rec, "merge", src, {"path": src_path}, {"path": dst_path}, dst, len(rows))
    return moved


@writes("codebook")
def delete_code(
    db: sqlite_utils.Database, code: int | str, coder: str = "default", session: str | None = None
) -> int:
    """Put a code and its descendants in the trash (their codings are hidden with them); return
    codes trashed."""
    code_id = resolve_code(db, code)
    ids = descendants(db, code_id)
    stamp = now_iso()
    path, touched = code_path(db, code_id), code_codings(db, ids)
    with recorded(db, coder, "delete code", session) as rec:
        for cid in ids:
            rec.update("codes", cid, deleted_at=stamp)
        record_event(rec, "trash", code_id, {"path": path}, None, None, touched)
    return len(ids)


@writes("codebook")
def restore_code(
    db: sqlite_utils.Database, code_id: int, coder: str = "default", session: str | None = None
) -> int:
    """Restore a trashed code and the descendants trashed with it; return codes restored."""
    code_id = int(code_id)
    row = db.execute(
        "SELECT deleted_at, parent_id, name FROM codes WHERE id = ?", [code_id]
    ).fetchone()
    if row is None:
        raise NotFound(f"no code {code_id}")
    if row[0] is None:
        raise CodingError(f"code {code_id} is not in the trash")
    stamp, parent, name = row
    if (
        parent is not None
        and db.execute("SELECT deleted_at FROM codes WHERE id = ?", [parent]).fetchone()[0]
    ):
        raise CodingError(f"restore the parent of '{name}' first")
    if sibling_exists(db, parent, name):
        raise CodingError(f"a code '{name}' exists there now: rename it before restoring")
    ids = db.execute(
        "WITH RECURSIVE t(id) AS (SELECT ? UNION ALL SELECT c.id FROM codes c JOIN t ON"
        " c.parent_id = t.id"
        " WHERE c.deleted_at = ?) SELECT id FROM t",
        [code_id, stamp],
    ).fetchall()
    with recorded(db, coder, "restore code", session) as rec:
        for (cid,) in ids:
            rec.update("codes", cid, deleted_at=None)
        after = {"path": code_path(db, code_id)}
        touched = code_codings(db, [cid for (cid,) in ids])
        record_event(rec, "restore", code_id, None, after, None, touched)
    return len(ids)


@writes("codebook")
def split_code(
    db: sqlite_utils.Database,
    code: int | str,
    parts: dict[str, list[int]],
    coder: str = "default",
    session: str | None = None,
    as_children: bool = False,
) -> list[int]:
    """Split a code: make a new code per name in ``parts`` (siblings, or children with
    ``as_children``) and move the listed coding ids of the code to it; return the new codes' ids.

    One undoable action; the code keeps its other codings."""
    code_id = resolve_code(db, code)
    if not parts:
        raise CodingError("name at least one code to split into")
    own = {
        r[0]
        for r in db.execute(
            "SELECT id FROM codings WHERE code_id = ? AND deleted_at IS NULL", [code_id]
        )
    }
    listed = [int(c) for ids in parts.values() for c in ids]
    stray = sorted(set(listed) - own)
    if stray:
        raise CodingError(
            f"codings {', '.join(map(str, stray[:5]))} are not codings of"
            f" '{code_path(db, code_id)}'"
        )
    if len(listed) != len(set(listed)):
        raise CodingError("a coding can go to one new code only")
    parent = (
        code_id
        if as_children
        else db.execute("SELECT parent_id FROM codes WHERE id = ?", [code_id]).fetchone()[0]
    )
    path = code_path(db, code_id)
    new_ids: list[int] = []
    with recorded(db, coder, f"split code {path}", session) as rec, absorbing(rec):
        for name, coding_ids in parts.items():
            new_id = add_code(db, name, parent=parent, coder=coder)
            new_ids.append(new_id)
            for cid in coding_ids:
                rec.update("codings", int(cid), code_id=new_id)
        paths = [code_path(db, i) for i in new_ids]
        record_event(
            rec,
            "split",
            code_id,
            {"path": path},
            {"parts": paths, "part_ids": new_ids},
            None,
            len(listed),
        )
    return new_ids


def trash_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return the trashed codes: id, path, color, deleted_at, codings (active codings on current
    document versions or on cases: what restoring the code brings back into the counts)."""
    df = pd.read_sql_query(
        "SELECT k.id, '' AS path, k.color, k.deleted_at, (SELECT COUNT(*) FROM codings c WHERE"
        " c.code_id = k.id AND c.deleted_at IS NULL AND (c.document_id IS NULL OR c.document_id"
        f" IN ({current_documents_sql()}))) AS codings FROM codes k WHERE k.deleted_at IS NOT NULL"
        " ORDER BY k.deleted_at DESC",
        db.conn,
    )
    df["path"] = df["id"].map(code_paths(db, include_deleted=True))
    return df


@writes("codebook")
def empty_trash(db: sqlite_utils.Database, coder: str = "default") -> int:
    """Delete trashed codes for good (their codings go with them; the audit log keeps the
    record)."""
    with transaction(db):
        ids = [r[0] for r in db.execute("SELECT id FROM codes WHERE deleted_at IS NOT NULL")]
        for cid in ids:
            audit(db, coder, "purge", "codes", cid, {})
        db.execute("DELETE FROM codes WHERE deleted_at IS NOT NULL")
    return len(ids)


@writes("codebook")
def accept_code(
    db: sqlite_utils.Database,
    code: int | str,
    coder: str = "default",
    session: str | None = None,
    name: str | None = None,
) -> int:
    """Accept a code a coder proposed (``status`` 'proposed' -> 'active'), under a new ``name``
    when one is given (unique among its siblings; one undoable action); return its id."""
    code_id = resolve_code(db, code)
    values: dict = {"status": "active"}
    if name is not None:
        values["name"] = _check_name(name)
    with recorded(db, coder, "accept proposed code", session) as rec:
        if "name" in values:
            _refuse_sibling_name(db, code_id, values["name"])
        rec.update("codes", code_id, **values)
    return code_id
