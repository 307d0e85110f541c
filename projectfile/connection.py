"""Connections to a project file with the workbench's pragmas."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from .access import add_write_guard
from .checkpoint import ProjectConnection

BUSY_TIMEOUT_MS = 30_000
CACHE_KIB = 64 * 1024
_READONLY_ATTR = "_qda_readonly"
_GUARD_ATTR = "_qda_write_guard"
# files whose integrity was checked in this process (a restore clears the entry)
_checked_paths: set[str] = set()
_check_lock = threading.Lock()


def connect(
    path: str | os.PathLike, readonly: bool = False, immutable: bool = False
) -> sqlite_utils.Database:
    """Return a sqlite-utils Database on ``path`` in autocommit mode with our pragmas set."""
    if readonly:
        uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro" + (
            "&immutable=1" if immutable else ""
        )
        conn = sqlite3.connect(
            uri,
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
            factory=ProjectConnection,
        )
    else:
        conn = sqlite3.connect(
            str(path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
            factory=ProjectConnection,
        )
    conn.qda_readonly = readonly  # no checkpoint on close: it may not write
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(
        f"PRAGMA cache_size = -{CACHE_KIB}"
    )  # pages stay cached across queries (search, coding matrices)
    db = sqlite_utils.Database(conn)
    setattr(db, _READONLY_ATTR, readonly)
    return db


def is_readonly(db: sqlite_utils.Database) -> bool:
    """Return True when ``db`` was opened read-only (writes raise ProjectError code 'readonly')."""
    return bool(getattr(db, _READONLY_ATTR, False))


def set_write_guard(
    db: sqlite_utils.Database, guard: Callable[[sqlite_utils.Database], None] | None
) -> None:
    """Call ``guard(db)`` before every write transaction on ``db`` (None removes it).

    It is the "default" guard of ``projectfile.access.add_write_guard``; others run beside it.

    The guard refuses a write by raising (a QdaError whose message says why): the app uses it to ask
    before the first write into the demo project. Nothing has been written when it runs.
    """
    setattr(db, _GUARD_ATTR, guard)
    add_write_guard(db, "default", None if guard is None else (lambda db, ops: guard(db)))


def write_guard(db: sqlite_utils.Database) -> Callable[[sqlite_utils.Database], None] | None:
    """Return the write guard set on ``db`` (None when there is none)."""
    return getattr(db, _GUARD_ATTR, None)


def project_path(db: sqlite_utils.Database) -> Path | None:
    """Return the file path of an open project, or None for an in-memory database."""
    row = db.conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else None


def check_once(path: str | os.PathLike, check) -> None:
    """Run ``check()`` the first time ``path`` is opened in this process."""
    key = str(Path(path).resolve())
    with _check_lock:
        if key not in _checked_paths:
            check()
            _checked_paths.add(key)


def forget_checked(path: str | os.PathLike) -> None:
    """Make the next ``open_project`` of ``path`` in this process run the integrity check again."""
    with _check_lock:
        _checked_paths.discard(str(Path(path).resolve()))
