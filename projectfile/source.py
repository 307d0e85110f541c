"""Reading another project file (a merge source) without changing it or trusting it.

The file is opened read-only and immutable (``file:...?mode=ro&immutable=1``): nothing is
written beside it, its WAL is neither checkpointed nor deleted.  An immutable connection does
not read a ``-wal`` file, so when the other project has one, the file and its ``-wal`` are copied
(size checked first) into a private temporary folder and the copy's WAL folded in there.

Before any of its tables is read, its schema is compared with the one this version writes:
a view anywhere, a trigger we did not write, or one of our tables defined otherwise (a ``codes``
that is a recursive view, a generated column that allocates gigabytes when read) is refused,
so nothing in the file is ever evaluated.  Every value read is capped by SQLite itself
(``SQLITE_LIMIT_LENGTH``), and ``check_rows`` / ``table_bytes`` let the packages check their
tables' sizes with cheap queries before loading them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from .database import open_project
from .errors import QdaError
from .limits import MERGE_DOCUMENT, MERGE_FILE, MERGE_ROWS, Limit, check_limit
from .migrations import known_migrations
from .private_tmp import private_tempdir

_REFERENCE: dict[frozenset, dict[tuple[str, str], str]] = {}
_REFERENCE_LOCK = threading.Lock()


def _normal_sql(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip().lower()


def _reference_schema() -> dict[tuple[str, str], str]:
    """(type, name) -> SQL of every table, index, view and trigger a new project has."""
    key = frozenset((p, n) for p, n, _ in known_migrations())
    with _REFERENCE_LOCK:
        if key not in _REFERENCE:
            with private_tempdir("schema") as tmp:
                db = open_project(Path(tmp) / "reference.qda.sqlite")
                try:
                    rows = db.conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
                finally:
                    db.conn.close()
            _REFERENCE[key] = {(t, n): _normal_sql(s) for t, n, s in rows}
        return _REFERENCE[key]


class SourceRefused(QdaError):
    """A project to merge that is refused before any of its tables is read."""


def _immutable(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    # no value larger than one document to merge is ever materialised from this file
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MERGE_DOCUMENT.value + 1024)
    return conn


def _check_schema(conn: sqlite3.Connection, label: str) -> None:
    reference = _reference_schema()
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    names = {n for _t, n, _tb, _s in rows}
    for kind, name, _table, sql in rows:
        if kind == "view":
            raise SourceRefused(
                f"{label}: holds a view ({name!r}), which a workbench project never has; it is"
                " refused unread (a view runs a query when read). Merge a project made by the"
                " workbench"
            )
        if kind == "trigger" and reference.get(("trigger", name)) != _normal_sql(sql):
            raise SourceRefused(
                f"{label}: holds a trigger ({name!r}) the workbench did not write; it is"
                " refused unread. Merge a project made by the workbench"
            )
        if kind == "table" and ("table", name) in reference:
            if _normal_sql(sql) != reference[("table", name)]:
                raise SourceRefused(
                    f"{label}: its table {name!r} is not defined as the workbench defines it;"
                    " it is refused unread. Merge a project made by this version of the"
                    " workbench (open it with the workbench once to upgrade it)"
                )
    for kind, name in reference:
        if kind in ("table", "view") and name not in names:
            raise SourceRefused(
                f"{label}: not a project of this version of the workbench (no table {name!r});"
                " open it with the workbench once (which upgrades it), then merge it"
            )
    applied = {tuple(r) for r in conn.execute("SELECT package, name FROM _migrations")}
    known = {(p, n) for p, n, _ in known_migrations()}
    if applied - known:
        raise SourceRefused(
            f"{label}: written by a newer version of the workbench; upgrade the workbench to"
            " merge it"
        )
    if known - applied:
        raise SourceRefused(
            f"{label}: written by an older version of the workbench; open it with this version"
            " once (which upgrades it), then merge it"
        )


def _fold_wal(path: Path, wal: Path, folder: Path) -> Path:
    """Copy ``path`` and its WAL into ``folder`` and fold the WAL into the copy; return it."""
    copy = folder / "other.qda.sqlite"
    shutil.copyfile(path, copy)
    shutil.copyfile(wal, folder / "other.qda.sqlite-wal")
    conn = sqlite3.connect(str(copy), isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    finally:
        conn.close()
    return copy


@contextlib.contextmanager
def open_source_project(path: str | os.PathLike) -> Iterator[sqlite_utils.Database]:
    """Yield the project at ``path`` opened read-only and immutable, its schema checked.

    Raise ``QdaError`` (nothing read, nothing changed) when it is missing, over ``MERGE_FILE``,
    not a project, of another version, or holds views, foreign triggers or redefined tables."""
    path = Path(path)
    label = path.name
    if not path.is_file():
        raise QdaError(f"{path}: no such project file; give the path of a .qda.sqlite")
    wal = path.with_name(path.name + "-wal")
    wal_size = wal.stat().st_size if wal.is_file() else 0
    check_limit(label, MERGE_FILE, "the project file", path.stat().st_size + wal_size)
    with private_tempdir("merge") as tmp:
        target = _fold_wal(path, wal, Path(tmp)) if wal_size else path
        try:
            conn = _immutable(target)
        except sqlite3.DatabaseError as exc:
            raise SourceRefused(
                f"{label}: not a project file ({exc}); choose a .qda.sqlite"
            ) from exc
        try:
            try:
                _check_schema(conn, label)
            except sqlite3.DatabaseError as exc:
                raise SourceRefused(
                    f"{label}: not a project file ({exc}); choose a .qda.sqlite project"
                ) from exc
            yield sqlite_utils.Database(conn)
        finally:
            conn.close()


def table_rows(db: sqlite_utils.Database, table: str) -> int:
    """Return the number of rows of ``table`` (a name from our schema, checked by the caller)."""
    return int(db.conn.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0])


def table_bytes(db: sqlite_utils.Database, table: str) -> int:
    """Return the bytes the rows of ``table`` take in the file (read from the page structure,
    not by loading the rows)."""
    row = db.conn.execute("SELECT SUM(pgsize) FROM dbstat WHERE name = ?", [table]).fetchone()
    return int(row[0] or 0)


def check_rows(
    db: sqlite_utils.Database, label: str, tables: list[str], limit: Limit = MERGE_ROWS
) -> None:
    """Raise ``LimitExceeded`` when one of ``tables`` has more rows than ``limit``."""
    for table in tables:
        check_limit(label, limit, f"the table {table}", table_rows(db, table), verb="has")
