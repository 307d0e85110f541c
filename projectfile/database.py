"""Opening a project file: created, checked, migrated, or refused with a plain reason.

Faults reach callers as ``ProjectError`` with a plain-language message and a ``code``
(``busy``, ``full``, ``readonly``, ``io``, ``damaged``, ``newer``, ``missing``, ``not_project``)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from .access import run_open_hooks
from .backups import list_backups
from .connection import check_once, connect
from .errors import ProjectError
from .faults import error_code, project_error, retry_busy
from .migrations import _check_readonly_schema, migrate


def _writable(path: Path) -> bool:
    """Return False when ``path`` cannot be written by this process (by its permission bits when
    root)."""
    try:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            return bool(
                path.stat().st_mode & 0o222
            )  # root ignores permissions in os.access; honour the bits
        return os.access(path, os.W_OK)
    except OSError:
        return False


def open_project(
    path: str | os.PathLike, create: bool = True, check: bool = True, readonly: bool | None = None
) -> sqlite_utils.Database:
    """Return an open, migrated project Database; create the file if ``create`` is true.

    ``readonly=True`` opens without writing anything; ``None`` (default) opens read-only when the
    file or its folder is not writable.  Writes to a read-only project raise ProjectError.
    """
    path = Path(path)
    created = not path.exists()
    if not path.exists():
        if not create or readonly:
            raise ProjectError(f"{path}: no such project file", code="missing")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(
                f"{path}: cannot create the project's folder ({exc.strerror})", code="io"
            ) from exc
    elif path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file", code="not_project")
    elif path.stat().st_size == 0 and list_backups(path):
        # A project that had backups and is now 0 bytes was emptied by a crash or a sync tool.
        raise ProjectError(
            f"{path}: the project file is empty (0 bytes) but has backups; "
            "restore the latest backup (`cli.py backups`, `cli.py restore`) "
            "instead of starting over",
            code="damaged",
        )
    folder_writable = _writable(path.parent)
    if readonly is None:
        readonly = path.exists() and not (_writable(path) and folder_writable)
    db = _open_connection(path, readonly, immutable=readonly and not folder_writable)
    try:
        if check:
            check_once(path, lambda: _integrity_check(db, path))
        if readonly:
            _check_readonly_schema(db, path)
        else:
            migrate(db, path)
        run_open_hooks(db, path, created and not readonly)  # e.g. the command line's member
    except BaseException:
        db.conn.close()
        raise
    return db


def _open_connection(path: Path, readonly: bool, immutable: bool = False) -> sqlite_utils.Database:
    try:
        if readonly:
            try:
                # In a folder we may not write, read the file as an unchanging snapshot (no
                # -wal/-shm files).
                db = connect(path, readonly=True, immutable=immutable)
                db.conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                # A WAL file in a folder we cannot write: read it as an unchanging snapshot.
                db = connect(path, readonly=True, immutable=True)
                db.conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return db
        db = connect(path)
        retry_busy(lambda: db.conn.execute("PRAGMA journal_mode = WAL").fetchone())
        db.conn.execute("PRAGMA synchronous = NORMAL")
        return db
    except sqlite3.DatabaseError as exc:
        code = error_code(exc)
        if code in ("readonly", "full", "io"):
            raise project_error(exc, f"{path}: cannot open the project file") from exc
        raise _not_project(path, exc) from exc


def _not_project(path: Path, exc: BaseException) -> ProjectError:
    if error_code(exc) == "damaged":
        return ProjectError(
            f"{path}: the project file is damaged ({exc}). Restore a backup "
            "(`cli.py backups`, `cli.py restore`).",
            code="damaged",
        )
    return ProjectError(f"{path}: not a workbench project file ({exc})", code="not_project")


def _integrity_check(db: sqlite_utils.Database, path: Path) -> None:
    try:
        rows = db.conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise _not_project(path, exc) from exc
    if rows and rows[0][0] != "ok":
        problems = "; ".join(r[0] for r in rows[:5])
        raise ProjectError(
            f"{path}: the project file is damaged ({problems}). Restore a backup.", code="damaged"
        )


def warn_unsafe_location(path: str | os.PathLike) -> str | None:
    """Return a warning when the project sits on a network or cloud-synced folder."""
    p = str(Path(path).resolve()).lower()
    synced = (
        "dropbox",
        "onedrive",
        "google drive",
        "googledrive",
        "icloud",
        "nextcloud",
        "owncloud",
        "box sync",
    )
    if any(s in p for s in synced):
        return (
            f"{path}: the project sits in a cloud-synced folder; SQLite files can be corrupted "
            "there. Keep it on a local disk."
        )
    try:
        with open("/proc/mounts") as fh:
            mounts = [line.split() for line in fh]
        best = max(
            (m for m in mounts if p.startswith(m[1].lower())), key=lambda m: len(m[1]), default=None
        )
        if best and best[2] in {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p"}:
            return (
                f"{path}: the project sits on a network file system ({best[2]}); WAL mode is "
                "unsafe there. Keep it on a local disk."
            )
    except OSError:
        pass
    return None
