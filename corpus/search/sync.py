"""Storage side of the derived search index: its change queue and its state in the project.

Triggers (``schema.add_search_changes``) append a segment id to ``search_changes`` in the same
transaction as every change to a segment, or to a document's ``is_current`` or ``kind``, once
``project_meta`` holds ``search_index_epoch`` (a project that never had the index pays nothing).
``search_index_state`` is the token of the last queue position applied; the index folder holds
the same token (and the one before it), so a project restored from a backup, or copied without
its folder, is seen to differ and the index is rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlite_utils

from projectfile import transaction, writes

EPOCH_KEY, STATE_KEY = "search_index_epoch", "search_index_state"
CHUNK = 20_000
_IN_CHUNK = 500

# (segment id, document id, text, language, kind, is_current) of the segments the index holds
_ROW_SQL = (
    "SELECT s.id, s.document_id, s.text, s.language, d.kind, d.is_current"
    " FROM segments s JOIN documents d ON d.id = s.document_id"
)


def index_meta(db: sqlite_utils.Database) -> tuple[str | None, str | None]:
    """Return (epoch, state) of the project's search index; (None, None) when it has none."""
    rows = dict(
        db.execute(
            "SELECT key, value FROM project_meta WHERE key IN (?, ?)", [EPOCH_KEY, STATE_KEY]
        ).fetchall()
    )
    return rows.get(EPOCH_KEY), rows.get(STATE_KEY)


def has_pending(db: sqlite_utils.Database) -> bool:
    """Return True when changes wait in the queue."""
    return db.execute("SELECT EXISTS (SELECT 1 FROM search_changes)").fetchone()[0] == 1


def last_pending_id(db: sqlite_utils.Database) -> int:
    """Return the id of the newest queued change (0 when the queue is empty)."""
    return db.execute("SELECT COALESCE(MAX(id), 0) FROM search_changes").fetchone()[0]


def pending_span(db: sqlite_utils.Database) -> int:
    """Return an upper bound of the number of queued changes (from the first and last ids)."""
    row = db.execute(  # two subqueries: each is one b-tree step (MIN and MAX together scan)
        "SELECT (SELECT MIN(id) FROM search_changes), (SELECT MAX(id) FROM search_changes)"
    ).fetchone()
    return 0 if row[0] is None else row[1] - row[0] + 1


@writes("derived")
def start_epoch(db: sqlite_utils.Database, epoch: str, state: str) -> None:
    """Start queueing changes for a new index: new epoch and state, empty queue (one
    transaction)."""
    with transaction(db):
        db.execute("DELETE FROM search_changes")
        _set(db, EPOCH_KEY, epoch)
        _set(db, STATE_KEY, state)


@writes("derived")
def stop_index(db: sqlite_utils.Database) -> None:
    """Forget the index: no epoch, no state, no queue (the triggers stop queueing)."""
    with transaction(db):
        db.execute("DELETE FROM project_meta WHERE key IN (?, ?)", [EPOCH_KEY, STATE_KEY])
        db.execute("DELETE FROM search_changes")


def pending_changes(db: sqlite_utils.Database, limit: int = CHUNK) -> tuple[int, list[int]]:
    """Return (last queue id, distinct segment ids) of up to ``limit`` queued changes, oldest
    first; (0, []) when the queue is empty."""
    rows = db.execute(
        "SELECT id, segment_id FROM search_changes ORDER BY id LIMIT ?", [limit]
    ).fetchall()
    if not rows:
        return 0, []
    return rows[-1][0], sorted({r[1] for r in rows})


def segment_rows(db: sqlite_utils.Database, segment_ids: list[int]) -> list[tuple]:
    """Return the index rows (see ``_ROW_SQL``) of those of ``segment_ids`` that still exist."""
    out: list[tuple] = []
    for i in range(0, len(segment_ids), _IN_CHUNK):
        part = segment_ids[i : i + _IN_CHUNK]
        out += db.execute(
            f"{_ROW_SQL} WHERE s.id IN ({', '.join('?' * len(part))})", part
        ).fetchall()
    return out


def all_segment_rows(db: sqlite_utils.Database, chunk: int = CHUNK) -> Iterator[list[tuple]]:
    """Yield the index rows of every segment, in chunks ordered by id."""
    last = 0
    while True:
        rows = db.execute(
            f"{_ROW_SQL} WHERE s.id > ? ORDER BY s.id LIMIT ?", [last, chunk]
        ).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def segment_count(db: sqlite_utils.Database) -> int:
    """Return the number of segments."""
    return db.execute("SELECT COUNT(*) FROM segments").fetchone()[0]


def max_segment_id(db: sqlite_utils.Database) -> int:
    """Return the largest segment id (0 when there are none): a cheap upper bound of the count."""
    return db.execute("SELECT COALESCE(MAX(id), 0) FROM segments").fetchone()[0]


@writes("derived")
def finish_apply(db: sqlite_utils.Database, last_id: int, expected: str, state: str) -> bool:
    """Drop the applied queue rows (ids <= ``last_id``) and record ``state``, only if the project
    still records ``expected``; return whether it did (one transaction)."""
    with transaction(db):
        if index_meta(db)[1] != expected:
            return False
        db.execute("DELETE FROM search_changes WHERE id <= ?", [last_id])
        _set(db, STATE_KEY, state)
        return True


def document_filter_ids(
    db: sqlite_utils.Database,
    date_from: str | None,
    date_to: str | None,
    document_ids: list[int] | None,
    include_old: bool,
) -> list[int]:
    """Return the ids of the documents passing the date and document filters (as ``search``'s
    SQL compares them: dates as text)."""
    where = [] if include_old else ["is_current = 1"]
    bounds = [(op, str(v)) for op, v in ((">=", date_from), ("<=", date_to)) if v]
    where += [f"date {op} ?" for op, _v in bounds]
    params: list = [v for _op, v in bounds]
    if document_ids:
        where.append(f"id IN ({', '.join('?' * len(document_ids))})")
        params.extend(int(i) for i in document_ids)
    sql = "SELECT id FROM documents" + (" WHERE " + " AND ".join(where) if where else "")
    return [r[0] for r in db.execute(sql, params).fetchall()]


def _set(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO project_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
