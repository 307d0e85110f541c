"""Backups of the project file with SQLite's backup API, written whole or not at all."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from .access import writes
from .connection import BUSY_TIMEOUT_MS, connect, forget_checked, project_path
from .errors import ProjectError
from .faults import MESSAGES, error_code, project_error


def backups_dir(path: Path) -> Path:
    """Return the folder that holds the backups of the project file at ``path``."""
    return path.with_name(path.name + ".backups")


@writes("backup")
def backup_project(db: sqlite_utils.Database, reason: str = "manual") -> Path | None:
    """Write a consistent copy of the project with SQLite's backup API; return its path.

    The copy is written under a temporary name and renamed when complete, so a crash or a
    full disk never leaves a half-written backup among the backups.  A bulk change backs up
    before its transaction; called inside a caller's transaction (a merge inside a
    pseudonymization, an auto-coding batch inside an import) it returns None, because the
    outermost change has backed up and SQLite cannot copy from a connection mid-write.
    """
    path = project_path(db)
    if path is None or db.conn.in_transaction:
        return None
    folder = backups_dir(path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe_reason = "".join(c if c.isalnum() or c in "-_" else "-" for c in reason)[:40]
    target = folder / f"{path.stem}.{stamp}.{safe_reason}.sqlite"
    partial = target.with_name(target.name + ".partial")
    try:
        folder.mkdir(exist_ok=True)
        dest = sqlite3.connect(str(partial))
        try:
            db.conn.backup(dest)
        finally:
            dest.close()
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        reason_text = (
            MESSAGES.get(error_code(exc), str(exc))
            if isinstance(exc, sqlite3.Error)
            else (exc.strerror or str(exc))
        )
        raise ProjectError(
            f"{path}: could not write a backup in {folder} ({reason_text}); nothing was changed",
            code=error_code(exc) if isinstance(exc, sqlite3.Error) else "io",
        ) from exc
    return target


def list_backups(path: str | os.PathLike) -> list[Path]:
    """Return the backups of the project file at ``path``, newest first."""
    folder = backups_dir(Path(path))
    return sorted(folder.glob("*.sqlite"), reverse=True) if folder.exists() else []


@writes("backup")
def restore_backup(
    path: str | os.PathLike,
    backup: str | os.PathLike,
    db: sqlite_utils.Database | None = None,
) -> Path:
    """Replace the project at ``path`` with ``backup`` (the current file is backed up first).

    ``db`` is the restorer's open connection to the project: its write guards decide first
    whether they may restore (an owner's change), then it is closed, as the file is replaced
    under it. A project file that is gone may be restored without one.
    """
    path, backup = Path(path), Path(backup)
    if db is not None:
        db.conn.close()
    if not backup.is_file():
        raise ProjectError(f"{backup}: no such backup file", code="missing")
    try:
        src = sqlite3.connect(f"file:{quote(str(backup.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ProjectError(f"{backup}: cannot be read ({exc})", code="io") from exc
    try:
        try:
            ok = src.execute("PRAGMA integrity_check").fetchone()[0]
            is_project = src.execute(
                "SELECT 1 FROM sqlite_master WHERE name = '_migrations'"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise ProjectError(
                f"{backup}: not a workbench backup ({exc})", code="not_project"
            ) from exc
        if ok != "ok":
            raise ProjectError(f"{backup}: backup is damaged ({ok})", code="damaged")
        if not is_project:
            raise ProjectError(
                f"{backup}: not a workbench backup (no schema record)", code="not_project"
            )
        if path.exists():
            current = connect(path)
            try:
                backup_project(current, reason="before-restore")
            finally:
                current.conn.close()
        dest = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            src.backup(dest)  # one write transaction on the destination: all or nothing
        except sqlite3.Error as exc:
            raise project_error(exc, f"{path}: could not restore") from exc
        finally:
            dest.close()
    finally:
        src.close()
    forget_checked(path)
    return path


def copy_project(src: str | os.PathLike | sqlite_utils.Database, dest: str | os.PathLike) -> None:
    """Copy a project (a file or an open project) consistently with SQLite's backup API (what is
    still in its WAL file comes along)."""
    is_open = isinstance(src, sqlite_utils.Database)
    source = src.conn if is_open else sqlite3.connect(str(src))
    target = sqlite3.connect(str(dest))
    try:
        source.backup(target)
    finally:
        target.close()
        if not is_open:
            source.close()


def compact_project(db: sqlite_utils.Database) -> None:
    """Fold the WAL into the file and VACUUM it, so no deleted text stays in free pages."""
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.execute("VACUUM")
