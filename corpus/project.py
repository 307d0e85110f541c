"""The project file: one SQLite database per project, opened, checked and migrated here.

Every package owns its tables and lists its migrations in ``<package>/schema.py`` as
``MIGRATIONS = [(name, function), ...]``.  ``open_project`` applies the missing ones in
package order, records them in ``_migrations`` and refuses a file that holds migrations
this version of the workbench does not know (a file written by a newer version).
"""
from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import sqlite3
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import sqlite_utils

# Order matters: later packages reference earlier packages' tables.
SCHEMA_PACKAGES = ("corpus", "interviews", "coding", "nlp", "exports")
BUSY_TIMEOUT_MS = 30_000
_checked_paths: set[str] = set()
_check_lock = threading.Lock()


class ProjectError(Exception):
    """A project file that cannot be opened or written, with a plain-language reason."""


def now_iso() -> str:
    """Return the current UTC time as an ISO 8601 string (seconds precision)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def connect(path: str | os.PathLike) -> sqlite_utils.Database:
    """Return a sqlite-utils Database on ``path`` in autocommit mode with our pragmas set."""
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    db = sqlite_utils.Database(conn)
    return db


def _migrations_for(package: str) -> list[tuple[str, Callable]]:
    try:
        module = importlib.import_module(f"{package}.schema")
    except ModuleNotFoundError as exc:
        if exc.name == f"{package}.schema" or exc.name == package:
            return []
        raise
    return list(getattr(module, "MIGRATIONS", []))


def known_migrations() -> list[tuple[str, str, Callable]]:
    """Return (package, name, function) for every migration this version knows, in order."""
    return [(pkg, name, fn) for pkg in SCHEMA_PACKAGES for name, fn in _migrations_for(pkg)]


def open_project(path: str | os.PathLike, create: bool = True, check: bool = True) -> sqlite_utils.Database:
    """Return an open, migrated project Database; create the file if ``create`` is true."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise ProjectError(f"{path}: no such project file")
        path.parent.mkdir(parents=True, exist_ok=True)
    elif path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file")
    try:
        db = connect(path)
        db.conn.execute("PRAGMA journal_mode = WAL")
        db.conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{path}: not a workbench project file ({exc})") from exc
    key = str(path.resolve())
    if check:
        with _check_lock:
            if key not in _checked_paths:
                _integrity_check(db, path)
                _checked_paths.add(key)
    migrate(db, path)
    return db


def _integrity_check(db: sqlite_utils.Database, path: Path) -> None:
    try:
        rows = db.conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{path}: not a workbench project file ({exc})") from exc
    if rows and rows[0][0] != "ok":
        problems = "; ".join(r[0] for r in rows[:5])
        raise ProjectError(f"{path}: the project file is damaged ({problems}). Restore a backup.")


def migrate(db: sqlite_utils.Database, path: Path | None = None) -> list[str]:
    """Apply missing migrations (backing the file up first); return the names applied."""
    db.conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (package TEXT NOT NULL, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL, PRIMARY KEY (package, name))"
    )
    applied = {(r[0], r[1]) for r in db.conn.execute("SELECT package, name FROM _migrations")}
    known = known_migrations()
    known_keys = {(p, n) for p, n, _ in known}
    unknown = sorted(applied - known_keys)
    if unknown:
        names = ", ".join(f"{p}.{n}" for p, n in unknown[:3])
        raise ProjectError(
            f"{path or 'project'}: written by a newer version of the workbench (unknown schema steps: "
            f"{names}). Upgrade the workbench to open it; the file was not changed."
        )
    missing = [(p, n, fn) for p, n, fn in known if (p, n) not in applied]
    if not missing:
        return []
    if applied and path is not None:
        backup_project(db, reason="before-migration")
    done = []
    with transaction(db):
        for pkg, name, fn in missing:
            fn(db)
            db.conn.execute(
                "INSERT INTO _migrations (package, name, applied_at) VALUES (?, ?, ?)", (pkg, name, now_iso())
            )
            done.append(f"{pkg}.{name}")
        db.conn.execute(f"PRAGMA user_version = {len(known)}")
    return done


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block in one ``BEGIN IMMEDIATE`` transaction; roll back on any exception.

    Nested use joins the outer transaction (a savepoint keeps the inner block atomic).
    """
    conn = db.conn
    if conn.in_transaction:
        name = f"sp_{id(object())}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
            raise
        conn.execute(f"RELEASE {name}")
        return
    _begin_immediate(conn)
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise ProjectError(f"could not save to the project file: {exc}") from exc


def _begin_immediate(conn: sqlite3.Connection, attempts: int = 20) -> None:
    # busy_timeout covers most waits; a retry loop covers the rest so "locked" never reaches a user.
    for i in range(attempts):
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            msg = str(exc).lower()
            if "locked" not in msg and "busy" not in msg:
                if "readonly" in msg or "read-only" in msg:
                    raise ProjectError("the project file is read-only; nothing was changed") from exc
                raise
            time.sleep(min(0.05 * (i + 1), 1.0))
    raise ProjectError("the project file stayed busy (another session is writing); nothing was changed")


def project_path(db: sqlite_utils.Database) -> Path | None:
    """Return the file path of an open project, or None for an in-memory database."""
    row = db.conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else None


def backups_dir(path: Path) -> Path:
    """Return the folder that holds the backups of the project file at ``path``."""
    return path.with_name(path.name + ".backups")


def backup_project(db: sqlite_utils.Database, reason: str = "manual") -> Path | None:
    """Write a consistent copy of the project with SQLite's backup API; return its path."""
    path = project_path(db)
    if path is None:
        return None
    folder = backups_dir(path)
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    safe_reason = "".join(c if c.isalnum() or c in "-_" else "-" for c in reason)[:40]
    target = folder / f"{path.stem}.{stamp}.{safe_reason}.sqlite"
    dest = sqlite3.connect(str(target))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    return target


def list_backups(path: str | os.PathLike) -> list[Path]:
    """Return the backups of the project file at ``path``, newest first."""
    folder = backups_dir(Path(path))
    return sorted(folder.glob("*.sqlite"), reverse=True) if folder.exists() else []


def restore_backup(path: str | os.PathLike, backup: str | os.PathLike) -> Path:
    """Replace the project at ``path`` with ``backup`` (the current file is backed up first)."""
    path, backup = Path(path), Path(backup)
    src = sqlite3.connect(str(backup))
    try:
        ok = src.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise ProjectError(f"{backup}: backup is damaged ({ok})")
        if path.exists():
            current = connect(path)
            backup_project(current, reason="before-restore")
            current.conn.close()
        dest = sqlite3.connect(str(path))
        try:
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()
    with _check_lock:
        _checked_paths.discard(str(path.resolve()))
    return path


def warn_unsafe_location(path: str | os.PathLike) -> str | None:
    """Return a warning when the project sits on a network or cloud-synced folder."""
    p = str(Path(path).resolve()).lower()
    synced = ("dropbox", "onedrive", "google drive", "googledrive", "icloud", "nextcloud", "owncloud", "box sync")
    if any(s in p for s in synced):
        return f"{path}: the project sits in a cloud-synced folder; SQLite files can be corrupted there. Keep it on a local disk."
    try:
        with open("/proc/mounts") as fh:
            mounts = [line.split() for line in fh]
        best = max((m for m in mounts if p.startswith(m[1].lower())), key=lambda m: len(m[1]), default=None)
        if best and best[2] in {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p"}:
            return f"{path}: the project sits on a network file system ({best[2]}); WAL mode is unsafe there. Keep it on a local disk."
    except OSError:
        pass
    return None


def copy_project(src: str | os.PathLike, dest: str | os.PathLike) -> None:
    """Copy a closed project file (used for demo projects and tests)."""
    shutil.copyfile(src, dest)
