"""The codebook's history: an event for every change (who, when, before and after, codings it
touched), named snapshots, and what changed between two snapshots.

Events are written through the Recorder of the change they describe (``codebook_events`` is a
recorded table), so undoing a change removes its event and the history shows only the changes
that stand; the audit log keeps both. A snapshot is the codebook's rows as JSON with the id of the
last event before it; two snapshots compare by code id, and the events between them say which
codes were merged or split and how many codings each change touched. Events made by the
migration from the audit log are marked ``derived`` (best effort: no merge or split meaning).
"""

from __future__ import annotations

import json

import pandas as pd
import sqlite_utils

from projectfile import NotFound, now_iso, transaction, writes

from .codebook_events import codebook_version
from .codes import code_paths
from .history import CodingError, audit
from .scope import Scope, scope_where

DEFINITION_FIELDS = ("definition", "inclusion", "exclusion", "example")
SNAPSHOT_FIELDS = ("id", "parent_id", "name", "color", *DEFINITION_FIELDS, "position")
HISTORY_COLUMNS = [
    "id",
    "at",
    "coder",
    "kind",
    "code_id",
    "path",
    "detail",
    "codings_touched",
    "derived",
]
COMPARE_COLUMNS = ["change", "code_id", "path_a", "path_b", "detail", "codings_touched"]


def code_codings(db: sqlite_utils.Database, code_ids: list[int]) -> int:
    """Return how many active codings (current versions, or on cases) the codes have."""
    if not code_ids:
        return 0
    where, params = scope_where(db, Scope.of(codes=list(code_ids)), "c", whole_case=True)
    return db.execute(
        f"SELECT COUNT(*) FROM codings c WHERE {' AND '.join(where)}", params
    ).fetchone()[0]


def _codebook_rows(db: sqlite_utils.Database) -> list[dict]:
    cur = db.execute(
        f"SELECT {', '.join(SNAPSHOT_FIELDS)} FROM codes WHERE deleted_at IS NULL ORDER BY id"
    )
    cols = [c[0] for c in cur.description]
    paths = code_paths(db)
    return [dict(zip(cols, r)) | {"path": paths.get(r[0], r[2])} for r in cur.fetchall()]


@writes("codebook")
def snapshot_codebook(db: sqlite_utils.Database, name: str, coder: str = "default") -> int:
    """Save the codebook as it is now under ``name`` ("round 1"); return the snapshot's id."""
    name = " ".join(str(name or "").split())
    if not name:
        raise CodingError("a codebook snapshot needs a name")
    with transaction(db):
        if db.execute("SELECT 1 FROM codebook_snapshots WHERE name = ?", [name]).fetchone():
            raise CodingError(f"a codebook snapshot '{name}' exists already: choose another name")
        rows = _codebook_rows(db)
        cur = db.execute(
            "INSERT INTO codebook_snapshots (name, created_at, created_by, event_id, codebook)"
            " VALUES (?, ?, ?, ?, ?)",
            [name, now_iso(), coder, codebook_version(db), json.dumps(rows, ensure_ascii=False)],
        )
        audit(db, coder, "create", "codebook_snapshots", cur.lastrowid, {"name": name})
        return cur.lastrowid


def snapshots_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return the snapshots: id, name, created_at, created_by, event_id, codes (oldest first)."""
    df = pd.read_sql_query(
        "SELECT id, name, created_at, created_by, event_id, json_array_length(codebook) AS codes"
        " FROM codebook_snapshots ORDER BY id",
        db.conn,
    )
    return df


def snapshot_codebook_rows(db: sqlite_utils.Database, snapshot: int | str) -> tuple[dict, list]:
    """Return (the snapshot's row, its code rows) for a snapshot id or name; NotFound if absent."""
    cur = db.execute(
        "SELECT id, name, created_at, created_by, event_id, codebook FROM codebook_snapshots"
        " WHERE name = ? OR id = ? ORDER BY name = ? DESC LIMIT 1",
        [str(snapshot), _int_or(snapshot), str(snapshot)],
    )
    row = cur.fetchone()
    if row is None:
        raise NotFound(f"no codebook snapshot '{snapshot}'")
    meta = dict(zip([c[0] for c in cur.description], row))
    return meta, json.loads(meta.pop("codebook"))


def _int_or(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _events(
    db: sqlite_utils.Database, after_id: int = 0, upto_id: int | None = None
) -> pd.DataFrame:
    sql = (
        "SELECT id, recorded_at AS at, coder, kind, code_id, other_code_id, before, after,"
        " codings_touched, derived FROM codebook_events WHERE id > ?"
    )
    params: list = [after_id]
    if upto_id is not None:
        sql += " AND id <= ?"
        params.append(upto_id)
    return pd.read_sql_query(sql + " ORDER BY id", db.conn, params=params)


def _load(text) -> dict:
    return json.loads(text) if isinstance(text, str) and text else {}


def describe_event(kind: str, before: dict, after: dict) -> str:
    """Return one line saying what an event did ("renamed 'Talent' to 'Skills'")."""
    if kind in ("add", "import"):
        verb = "imported" if kind == "import" else "added"
        return f"{verb} '{after.get('path') or after.get('name', '')}'"
    if kind == "rename":
        return f"renamed '{before.get('name', '')}' to '{after.get('name', '')}'"
    if kind == "move":
        return f"moved '{before.get('path', '')}' to '{after.get('path', '')}'"
    if kind == "merge":
        return f"merged '{before.get('path', '')}' into '{after.get('path', '')}'"
    if kind == "split":
        return f"split '{before.get('path', '')}' into " + ", ".join(
            f"'{p}'" for p in after.get("parts", [])
        )
    if kind == "define":
        fields = ", ".join(sorted(after)) or "definition"
        return f"changed the {fields} of '{before.get('path', '')}'"
    if kind == "recolor":
        colors = f"{before.get('color', '')} → {after.get('color', '')}"
        return f"recoloured '{before.get('path', '')}' {colors}"
    if kind == "trash":
        return f"moved '{before.get('path', '')}' to the trash"
    return f"restored '{after.get('path', '')}' from the trash"


def codebook_history_frame(
    db: sqlite_utils.Database, since_snapshot: int | str | None = None
) -> pd.DataFrame:
    """Return the codebook's events (HISTORY_COLUMNS, oldest first), after a snapshot if given."""
    after = 0
    if since_snapshot is not None:
        after = snapshot_codebook_rows(db, since_snapshot)[0]["event_id"]
    ev = _events(db, after)
    paths = code_paths(db, include_deleted=True)
    rows = []
    for r in ev.itertuples():
        before, later = _load(r.before), _load(r.after)
        rows.append(
            [
                int(r.id),
                r.at,
                r.coder,
                r.kind,
                None if pd.isna(r.code_id) else int(r.code_id),
                paths.get(None if pd.isna(r.code_id) else int(r.code_id), ""),
                describe_event(r.kind, before, later),
                int(r.codings_touched),
                bool(r.derived),
            ]
        )
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def compare_snapshots(
    db: sqlite_utils.Database, a: int | str, b: int | str | None = None
) -> pd.DataFrame:
    """Return what changed from snapshot ``a`` to ``b`` (COMPARE_COLUMNS): codes added, removed,
    renamed, moved, merged, split, definitions changed, each with the codings its events touched.

    Codes are matched by id; a removed code merged into another is ``merged``, a code that gave
    codings to new codes is ``split``. ``b`` None: the codebook as it is now.
    """
    meta_a, rows_a = snapshot_codebook_rows(db, a)
    if b is None:
        meta_b, rows_b = {"event_id": codebook_version(db)}, _codebook_rows(db)
    else:
        meta_b, rows_b = snapshot_codebook_rows(db, b)
    lo, hi = sorted((meta_a["event_id"], meta_b["event_id"]))
    ev = _events(db, lo, hi)
    codes_a = {r["id"]: r for r in rows_a}
    codes_b = {r["id"]: r for r in rows_b}

    def touched(code_id: int, *kinds: str) -> int:
        hit = ev[(ev["code_id"] == code_id) & ev["kind"].isin(kinds)]
        return int(hit["codings_touched"].sum())

    merges = {int(r.code_id): r for r in ev[ev["kind"] == "merge"].itertuples()}
    splits = {int(r.code_id): r for r in ev[ev["kind"] == "split"].itertuples()}
    split_parts = {
        p: int(r.code_id) for r in splits.values() for p in _load(r.after).get("part_ids", [])
    }
    out = []
    for cid in sorted(set(codes_a) | set(codes_b)):
        ra, rb = codes_a.get(cid), codes_b.get(cid)
        pa, pb = (ra or {}).get("path"), (rb or {}).get("path")
        if ra is None:
            source = split_parts.get(cid)
            detail = f"split from '{codes_a[source]['path']}'" if source in codes_a else ""
            out.append(["added", cid, None, pb, detail, touched(cid, "add", "import")])
            continue
        if rb is None:
            if cid in merges:
                into = _load(merges[cid].after).get("path", "")
                out.append(["merged", cid, pa, None, f"into '{into}'", touched(cid, "merge")])
            else:
                out.append(["removed", cid, pa, None, "", touched(cid, "trash")])
            continue
        if cid in splits:
            parts = ", ".join(f"'{p}'" for p in _load(splits[cid].after).get("parts", []))
            out.append(["split", cid, pa, pb, f"into {parts}", touched(cid, "split")])
        if ra["name"] != rb["name"]:
            out.append(
                ["renamed", cid, pa, pb, f"'{ra['name']}' → '{rb['name']}'", touched(cid, "rename")]
            )
        if ra["parent_id"] != rb["parent_id"]:
            out.append(["moved", cid, pa, pb, "", touched(cid, "move")])
        changed = [f for f in DEFINITION_FIELDS if (ra.get(f) or "") != (rb.get(f) or "")]
        if changed:
            out.append(
                ["definition changed", cid, pa, pb, ", ".join(changed), touched(cid, "define")]
            )
    return pd.DataFrame(out, columns=COMPARE_COLUMNS)


PERIOD_COLUMNS = ["period", "changes", "codings_touched", "summary"]


def summarize_changes(changes: pd.DataFrame) -> str:
    """Return one methods-section sentence for a ``compare_snapshots`` frame ("3 codes added,
    'Talent' renamed 'Skills', 'Funding' split into 'Public', 'Private' (41 codings)")."""
    if changes.empty:
        return "no changes"
    parts = []
    for kind, word in (("added", "added"), ("removed", "removed")):
        n = int((changes["change"] == kind).sum())
        if n:
            parts.append(f"{n} code{'s' if n > 1 else ''} {word}")
    for r in changes.itertuples():
        if r.change == "renamed":
            parts.append(f"'{r.path_a}' renamed '{r.path_b}'")
        elif r.change == "moved":
            parts.append(f"'{r.path_a}' moved to '{r.path_b}'")
        elif r.change in ("merged", "split"):
            parts.append(f"'{r.path_a}' {r.change} {r.detail}")
        elif r.change == "definition changed":
            parts.append(f"the {r.detail} of '{r.path_b}' revised")
        else:
            continue
        if r.codings_touched:
            parts[-1] += f" ({r.codings_touched} codings)"
    return ", ".join(parts)


def codebook_periods(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return one row per period between consecutive snapshots and from the last one to now
    (PERIOD_COLUMNS): its name ("'round 1' → 'after consensus'"), the number of changes, the
    codings they touched, and a summary sentence."""
    snaps = snapshots_frame(db)
    names = list(snaps["name"])
    rows = []
    for a, b in zip(names, [*names[1:], None]):
        changes = compare_snapshots(db, a, b)
        if b is None and changes.empty:
            continue
        period = f"'{a}' → '{b}'" if b else f"since '{a}'"
        touched = int(changes["codings_touched"].sum()) if not changes.empty else 0
        rows.append([period, len(changes), touched, summarize_changes(changes)])
    return pd.DataFrame(rows, columns=PERIOD_COLUMNS)
