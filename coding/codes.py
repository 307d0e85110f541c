"""Codes: create, look up by id or 'Parent > Child' path, and list the codebook as a DataFrame."""

from __future__ import annotations

import numbers
import re

import pandas as pd
import sqlite_utils

from projectfile import CODE_DEPTH, NotFound, may, now_iso, writes

from .code_names import check_code_name, duplicate_message, name_key, split_code_path
from .codebook_events import record_event
from .history import CodingError, recorded

PATH_SEP = " > "
PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#1f77b4",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
]
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

CODE_COLUMNS = [
    "id",
    "parent_id",
    "path",
    "name",
    "color",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "codings",
    "documents",
    "cases",
    "position",
    "depth",
    "created_by",
    "created_at",
]


def check_color(color: str) -> str:
    """Return ``color`` normalised to '#rrggbb'; raise CodingError when it is not a hex colour."""
    color = (color or "").strip()
    if len(color) == 4 and color.startswith("#"):
        color = "#" + "".join(c * 2 for c in color[1:])
    if not _COLOR.match(color):
        raise CodingError(f"'{color}' is not a colour: use #rrggbb")
    return color.lower()


def _check_name(name: str) -> str:
    """Return the checked name (kept for callers of the old name: use check_code_name)."""
    return check_code_name(name)


def sibling_exists(
    db: sqlite_utils.Database, parent_id: int | None, name: str, exclude: int | None = None
) -> int | None:
    """Return the id of an active sibling called ``name`` under ``parent_id``, or None.

    Names compare as code_names.name_key does (NFC, Unicode case folding). The ASCII-case
    lookup uses the index ``codes_sibling_name``; only a name with non-ASCII letters also reads
    the siblings whose names have non-ASCII letters (filtered in SQL), so adding many codes under
    one parent stays fast."""
    key = name_key(name)
    where = "COALESCE(parent_id, 0) = ? AND deleted_at IS NULL AND id != ?"
    args = [parent_id or 0, exclude or -1]
    rows = db.execute(
        f"SELECT id, name FROM codes WHERE {where} AND lower(name) = lower(?) ORDER BY id",
        [*args, " ".join(str(name).split())],
    ).fetchall()
    if not str(name).isascii():
        rows += db.execute(
            f"SELECT id, name FROM codes WHERE {where} AND name GLOB '*[^ -~]*' ORDER BY id",
            args,
        ).fetchall()
    return next((i for i, n in rows if name_key(n) == key), None)


def resolve_code(db: sqlite_utils.Database, code: int | str) -> int:
    """Return the id of an active code given its id or its 'A > B' path; raise CodingError if
    absent. The id of a code merged away gives the code it went into."""
    if isinstance(code, numbers.Integral) or (
        isinstance(code, str) and code.strip().isdigit() and not find_path(db, code)
    ):
        return _follow_merges(db, int(code))
    found = find_path(db, code)
    if found is None:
        raise NotFound(f"no code '{code}'")
    return found


def _follow_merges(db: sqlite_utils.Database, code_id: int) -> int:
    """Return ``code_id`` if active, else the active code it was merged into (a coder who picked
    a code an owner merged meanwhile codes the merge target); raise NotFound otherwise."""
    seen = set()
    current = code_id
    while current is not None and current not in seen:
        seen.add(current)
        row = db.execute(
            "SELECT deleted_at, merged_into FROM codes WHERE id = ?", [current]
        ).fetchone()
        if row is None:
            break
        if row[0] is None:
            return current
        current = row[1]
    raise NotFound(f"no code {code_id}")


def find_path(db: sqlite_utils.Database, path: str) -> int | None:
    """Return the id of the active code at 'A > B > C', or None."""
    parent = None
    for part in [p.strip() for p in str(path).split(">")]:
        if not part:
            return None
        parent = sibling_exists(db, parent, part)
        if parent is None:
            return None
    return parent


def code_path(db: sqlite_utils.Database, code_id: int) -> str:
    """Return the code's path, e.g. 'Funding > Public'."""
    names = []
    seen = set()
    current: int | None = code_id
    while current is not None and current not in seen:
        seen.add(current)
        row = db.execute("SELECT name, parent_id FROM codes WHERE id = ?", [current]).fetchone()
        if row is None:
            raise NotFound(f"no code {code_id}")
        names.append(row[0])
        current = row[1]
    return PATH_SEP.join(reversed(names))


def code_paths(db: sqlite_utils.Database, include_deleted: bool = False) -> dict[int, str]:
    """Return {code id: path} for every code (one flat read, walked iteratively)."""
    rows = db.execute("SELECT id, parent_id, name, position, deleted_at FROM codes").fetchall()
    walked = _tree_walk([(r[0], r[1], r[2]) for r in rows], [r[3] for r in rows])
    deleted = {r[0] for r in rows if r[4] is not None}
    return {cid: path for cid, path, _d in walked if include_deleted or cid not in deleted}


def descendants(db: sqlite_utils.Database, code_id: int, include_self: bool = True) -> list[int]:
    """Return the ids of the code's active descendants (and the code itself)."""
    rows = db.execute(
        "WITH RECURSIVE t(id) AS (SELECT ? UNION ALL SELECT c.id FROM codes c JOIN t ON"
        " c.parent_id = t.id"
        " WHERE c.deleted_at IS NULL) SELECT id FROM t",
        [code_id],
    ).fetchall()
    ids = [r[0] for r in rows]
    return ids if include_self else [i for i in ids if i != code_id]


def next_color(db: sqlite_utils.Database) -> str:
    """Return a palette colour not yet used by an active code (cycling when all are).

    A large codebook (past a few rounds of the palette) cycles by the newest code id, so adding
    a code costs the same whatever the codebook's size (a 50,000-code import stays linear).
    """
    top = db.execute("SELECT COALESCE(MAX(id), 0) FROM codes").fetchone()[0]
    if top > 4 * len(PALETTE):
        return PALETTE[top % len(PALETTE)]
    used = {r[0] for r in db.execute("SELECT lower(color) FROM codes WHERE deleted_at IS NULL")}
    for c in PALETTE:
        if c not in used:
            return c
    n = db.execute("SELECT COUNT(*) FROM codes").fetchone()[0]
    return PALETTE[n % len(PALETTE)]


@writes("propose_code")
def add_code(
    db: sqlite_utils.Database,
    name: str,
    parent: int | str | None = None,
    color: str | None = None,
    definition: str = "",
    inclusion: str = "",
    exclusion: str = "",
    example: str = "",
    coder: str = "default",
    session: str | None = None,
) -> int:
    """Create a code (under ``parent``, an id or path); return its id.  Names are unique among
    siblings. Made by a member who may not change the codebook (a coder), it is 'proposed'."""
    name = check_code_name(name)
    parent_id = resolve_code(db, parent) if parent not in (None, "") else None
    color = check_color(color) if color else next_color(db)
    with recorded(db, coder, f"add code {name}", session) as rec:
        if sibling_exists(db, parent_id, name):
            where = code_path(db, parent_id) if parent_id else "the top level"
            raise CodingError(duplicate_message(name, where))
        last = db.execute(  # `parent_id IS ?` reads the (parent_id, position) index: O(log n)
            "SELECT MAX(position) FROM codes WHERE parent_id IS ?", [parent_id]
        ).fetchone()[0]
        position = 0 if last is None else last + 1
        new_id = rec.insert(
            "codes",
            {
                "parent_id": parent_id,
                "name": name,
                "color": color,
                "definition": definition or "",
                "inclusion": inclusion or "",
                "exclusion": exclusion or "",
                "example": example or "",
                "position": position,
                "created_by": coder,
                "created_at": now_iso(),
                # a coder's new code is a proposal an owner accepts (coding.accept_code)
                "status": "active" if may(db, "codebook") else "proposed",
            },
        )
        record_event(rec, "add", new_id, after={"name": name, "path": code_path(db, new_id)})
        return new_id


@writes("propose_code")
def ensure_code_path(
    db: sqlite_utils.Database, path: str, coder: str = "default", color: str | None = None
) -> int:
    """Return the id of the code at 'A > B', creating missing levels.

    The path is checked first (code_names.split_code_path): an empty level or a refused name is
    an error, never silently dropped."""
    parent = None
    parts = split_code_path(path)
    for i, part in enumerate(parts):
        found = sibling_exists(db, parent, part)
        parent = (
            found
            if found
            else add_code(
                db, part, parent=parent, coder=coder, color=color if i == len(parts) - 1 else None
            )
        )
    return parent


def code_tree(db: sqlite_utils.Database, include_deleted: bool = False) -> pd.DataFrame:
    """Return the codebook in tree order with columns CODE_COLUMNS (+ deleted_at when
    include_deleted); the count columns are 0 here (``codes_frame`` fills them in).

    The tree is walked here, iteratively, from one flat read: a recursive query built every
    path in SQLite, and 8,000 nested codes made gigabytes of paths (``_tree_walk``)."""
    rows = pd.read_sql_query(
        "SELECT id, parent_id, name, color, definition, inclusion, exclusion, example,"
        " 0 AS codings, 0 AS documents, 0 AS cases, position, created_by, created_at,"
        " deleted_at FROM codes",
        db.conn,
    )
    walked = _tree_walk(
        zip(rows["id"].tolist(), rows["parent_id"].tolist(), rows["name"].tolist()),
        rows["position"].tolist(),
    )
    order = {cid: i for i, (cid, _path, _depth) in enumerate(walked)}
    rows = rows[rows["id"].isin(order)].copy()
    rows["path"] = rows["id"].map({cid: path for cid, path, _d in walked})
    rows["depth"] = rows["id"].map({cid: depth for cid, _p, depth in walked})
    rows = rows.iloc[rows["id"].map(order).argsort(kind="stable")]
    cols = ["id", "parent_id", "path", "name", "color", "definition", "inclusion", "exclusion"]
    cols += ["example", "codings", "documents", "cases", "position", "depth", "created_by"]
    rows = rows[[*cols, "created_at", "deleted_at"]]
    if not include_deleted:
        rows = rows[rows["deleted_at"].isna()].drop(columns=["deleted_at"])
    return rows.reset_index(drop=True)


def proposed_codes(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return the codes coders proposed and no owner has accepted or rejected yet, oldest first:
    id, path, name, definition, created_by, created_at."""
    rows = pd.read_sql_query(
        "SELECT id, name, definition, created_by, created_at FROM codes"
        " WHERE status = 'proposed' AND deleted_at IS NULL ORDER BY created_at, id",
        db.conn,
    )
    paths = code_paths(db)
    rows.insert(1, "path", [paths.get(int(i), n) for i, n in zip(rows["id"], rows["name"])])
    return rows


def _tree_walk(items, positions=None) -> list[tuple[int, str, int]]:
    """Return (id, path, depth) in tree order (siblings by position, then id) from (id,
    parent_id, name) rows, walking with a stack; codes whose parents loop or are missing are left
    out (as a walk from the top never reaches them).  A path deeper than ``CODE_DEPTH`` levels is
    shortened to its first and last levels around '…', so a pathological codebook (a merge source
    or an old file) costs memory linear in its size, not quadratic."""
    items = list(items)
    positions = positions if positions is not None else [0] * len(items)
    children: dict[object, list[tuple]] = {}
    for (cid, parent, name), pos in zip(items, positions):
        parent = None if parent is None or parent != parent else int(parent)  # NaN: a top code
        children.setdefault(parent, []).append((pos, int(cid), name))
    for kids in children.values():
        kids.sort(key=lambda k: (k[0], k[1]))
    out: list[tuple[int, str, int]] = []
    stack = [(kid, 0, ()) for kid in reversed(children.get(None, []))]
    limit = CODE_DEPTH.value
    while stack:
        (_pos, cid, name), depth, above = stack.pop()
        names = (*above, name) if depth < limit else (*above[: limit - 1], name)
        if depth < limit:
            path = PATH_SEP.join(names)
        else:
            path = PATH_SEP.join((*names[: limit // 2], f"… {depth + 1} levels …", name))
        out.append((cid, path, depth))
        for kid in reversed(children.get(cid, [])):
            stack.append((kid, depth + 1, names))
    return out


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
