"""The project file: one SQLite database per project, opened, checked and migrated here.

Every package owns its tables and lists its migrations in ``<package>/schema.py`` as
``MIGRATIONS = [(name, function), ...]``.  ``open_project`` applies the missing ones in
package order, records them in ``_migrations`` and refuses a file that holds migrations
this version of the workbench does not know (a file written by a newer version).

Faults reach callers as ``ProjectError`` with a plain-language message and a ``code``
(``busy``, ``full``, ``readonly``, ``io``, ``damaged``, ``newer``, ``missing``, ``not_project``);
a failed write is rolled back whole, so the file never holds half of a change.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

# Order matters: later packages reference earlier packages' tables.
SCHEMA_PACKAGES = ("corpus", "interviews", "coding", "nlp", "exports")
BUSY_TIMEOUT_MS = 30_000
CACHE_KIB = 64 * 1024
BEGIN_ATTEMPTS = 20
_checked_paths: set[str] = set()
_check_lock = threading.Lock()
_READONLY_ATTR = "_qda_readonly"


class ProjectError(Exception):
    """A project file that cannot be opened or written, with a plain-language reason."""

    def __init__(self, message: str, code: str = "failed"):
        super().__init__(message)
        self.code = code


def now_iso() -> str:
    """Return the current UTC time as an ISO 8601 string (seconds precision)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


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
        )
    else:
        conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
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


def _writable(path: Path) -> bool:
    """Return False when ``path`` cannot be written by this process (by its permission bits when root)."""
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
            f"{path}: the project file is empty (0 bytes) but has backups; restore the latest backup "
            "(`cli.py backups`, `cli.py restore`) instead of starting over",
            code="damaged",
        )
    folder_writable = _writable(path.parent)
    if readonly is None:
        readonly = path.exists() and not (_writable(path) and folder_writable)
    db = _open_connection(path, readonly, immutable=readonly and not folder_writable)
    key = str(path.resolve())
    try:
        if check:
            with _check_lock:
                if key not in _checked_paths:
                    _integrity_check(db, path)
                    _checked_paths.add(key)
        if readonly:
            _check_readonly_schema(db, path)
        else:
            migrate(db, path)
    except BaseException:
        db.conn.close()
        raise
    return db


def _open_connection(path: Path, readonly: bool, immutable: bool = False) -> sqlite_utils.Database:
    try:
        if readonly:
            try:
                # In a folder we may not write, read the file as an unchanging snapshot (no -wal/-shm files).
                db = connect(path, readonly=True, immutable=immutable)
                db.conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                # A WAL file in a folder we cannot write: read it as an unchanging snapshot.
                db = connect(path, readonly=True, immutable=True)
                db.conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return db
        db = connect(path)
        _retry_busy(lambda: db.conn.execute("PRAGMA journal_mode = WAL").fetchone())
        db.conn.execute("PRAGMA synchronous = NORMAL")
        return db
    except sqlite3.DatabaseError as exc:
        code = _error_code(exc)
        if code in ("readonly", "full", "io"):
            raise _project_error(exc, f"{path}: cannot open the project file") from exc
        raise _not_project(path, exc) from exc


def _not_project(path: Path, exc: BaseException) -> ProjectError:
    if _error_code(exc) == "damaged":
        return ProjectError(
            f"{path}: the project file is damaged ({exc}). Restore a backup "
            "(`cli.py backups`, `cli.py restore`).",
            code="damaged",
        )
    return ProjectError(f"{path}: not a workbench project file ({exc})", code="not_project")


def _retry_busy(fn: Callable, attempts: int = BEGIN_ATTEMPTS):
    for i in range(attempts):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if _error_code(exc) != "busy" or i == attempts - 1:
                raise
            time.sleep(min(0.05 * (i + 1), 1.0))


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


def _applied(db: sqlite_utils.Database) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in db.conn.execute("SELECT package, name FROM _migrations")}


def _refuse_newer(applied: set[tuple[str, str]], known_keys: set[tuple[str, str]], path) -> None:
    unknown = sorted(applied - known_keys)
    if unknown:
        names = ", ".join(f"{p}.{n}" for p, n in unknown[:3])
        raise ProjectError(
            f"{path or 'project'}: written by a newer version of the workbench (unknown schema steps: "
            f"{names}). Upgrade the workbench to open it; the file was not changed.",
            code="newer",
        )


def _check_readonly_schema(db: sqlite_utils.Database, path: Path) -> None:
    has_table = db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = '_migrations'").fetchone()
    applied = _applied(db) if has_table else set()
    known_keys = {(p, n) for p, n, _ in known_migrations()}
    _refuse_newer(applied, known_keys, path)
    if known_keys - applied:
        raise ProjectError(
            f"{path}: the project file is read-only and needs an upgrade this version must write; "
            "make it writable (or copy it) and open it again",
            code="readonly",
        )


def migrate(db: sqlite_utils.Database, path: Path | None = None) -> list[str]:
    """Apply missing migrations (backing the file up first); return the names applied.

    Safe when several processes open the same file at once: the set of missing steps is
    re-read inside the write transaction, so each step runs exactly once.
    """
    known = known_migrations()
    known_keys = {(p, n) for p, n, _ in known}
    has_table = db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = '_migrations'").fetchone()
    applied = _applied(db) if has_table else set()
    _refuse_newer(applied, known_keys, path)
    if not [k for k in known_keys if k not in applied]:
        return []
    if applied and path is not None:
        backup_project(db, reason="before-migration")
    done = []
    with transaction(db):
        db.conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (package TEXT NOT NULL, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL, PRIMARY KEY (package, name))"
        )
        applied = _applied(db)  # another process may have migrated while we waited for the lock
        _refuse_newer(applied, known_keys, path)
        for pkg, name, fn in known:
            if (pkg, name) in applied:
                continue
            fn(db)
            db.conn.execute(
                "INSERT INTO _migrations (package, name, applied_at) VALUES (?, ?, ?)",
                (pkg, name, now_iso()),
            )
            done.append(f"{pkg}.{name}")
        db.conn.execute(f"PRAGMA user_version = {len(known)}")
    return done


def _error_code(exc: BaseException) -> str:
    """Classify an sqlite3 error: busy, full, readonly, io, damaged or other."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    msg = str(exc).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in msg or "busy" in msg:
        return "busy"
    if name.startswith("SQLITE_FULL") or "disk is full" in msg:
        return "full"
    if name.startswith("SQLITE_READONLY") or "readonly" in msg or "read-only" in msg:
        return "readonly"
    if (
        name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN"))
        or "disk i/o error" in msg
        or "unable to open" in msg
    ):
        return "io"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in msg:
        return "damaged"
    return "other"


_MESSAGES = {
    "busy": "the project file stayed busy (another session is writing); nothing was changed",
    "full": "the disk is full; nothing from this change was saved. Free some space and try again",
    "readonly": "the project file is read-only; nothing was changed",
    "io": "the project file could not be written (disk full, file-size limit or disk error); nothing from this change was saved",
    "damaged": "the project file is damaged; restore a backup",
}


def _project_error(
    exc: BaseException, prefix: str = "could not save to the project file"
) -> ProjectError:
    code = _error_code(exc)
    if code in _MESSAGES:
        return ProjectError(f"{prefix}: {_MESSAGES[code]} ({exc})", code=code)
    return ProjectError(f"{prefix}: {exc}", code="failed")


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block in one ``BEGIN IMMEDIATE`` transaction; roll back on any exception.

    Nested use joins the outer transaction (a savepoint keeps the inner block atomic).
    Disk full, read-only and I/O faults become ProjectError; the change is then wholly absent.
    """
    conn = db.conn
    if is_readonly(db):
        raise ProjectError(f"{project_path(db)}: {_MESSAGES['readonly']}", code="readonly")
    if conn.in_transaction:
        name = f"sp_{id(object())}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:  # SQLITE_FULL and some I/O errors already rolled it all back
                with contextlib.suppress(sqlite3.Error):
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
            raise
        conn.execute(f"RELEASE {name}")
        return
    _begin_immediate(conn)
    try:
        yield db
    except sqlite3.DatabaseError as exc:
        _rollback(conn)
        if _error_code(exc) in _MESSAGES:
            raise _project_error(exc) from exc
        raise
    except BaseException:
        _rollback(conn)
        raise
    try:
        _retry_busy(lambda: conn.execute("COMMIT"), attempts=5)
    except sqlite3.DatabaseError as exc:
        _rollback(conn)
        raise _project_error(exc) from exc


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):  # never hide the error that caused the rollback
            conn.execute("ROLLBACK")


def _begin_immediate(conn: sqlite3.Connection, attempts: int = BEGIN_ATTEMPTS) -> None:
    # busy_timeout covers most waits; a retry loop covers the rest so "locked" never reaches a user.
    for i in range(attempts):
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if _error_code(exc) != "busy":
                raise _project_error(exc, "could not start a change") from exc
            time.sleep(min(0.05 * (i + 1), 1.0))
    raise ProjectError(_MESSAGES["busy"], code="busy")


def project_path(db: sqlite_utils.Database) -> Path | None:
    """Return the file path of an open project, or None for an in-memory database."""
    row = db.conn.execute("PRAGMA database_list").fetchone()
    return Path(row[2]) if row and row[2] else None


def backups_dir(path: Path) -> Path:
    """Return the folder that holds the backups of the project file at ``path``."""
    return path.with_name(path.name + ".backups")


def backup_project(db: sqlite_utils.Database, reason: str = "manual") -> Path | None:
    """Write a consistent copy of the project with SQLite's backup API; return its path.

    The copy is written under a temporary name and renamed when complete, so a crash or a
    full disk never leaves a half-written backup among the backups.
    """
    path = project_path(db)
    if path is None:
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
            _MESSAGES.get(_error_code(exc), str(exc))
            if isinstance(exc, sqlite3.Error)
            else (exc.strerror or str(exc))
        )
        raise ProjectError(
            f"{path}: could not write a backup in {folder} ({reason_text}); nothing was changed",
            code=_error_code(exc) if isinstance(exc, sqlite3.Error) else "io",
        ) from exc
    return target


def list_backups(path: str | os.PathLike) -> list[Path]:
    """Return the backups of the project file at ``path``, newest first."""
    folder = backups_dir(Path(path))
    return sorted(folder.glob("*.sqlite"), reverse=True) if folder.exists() else []


def restore_backup(path: str | os.PathLike, backup: str | os.PathLike) -> Path:
    """Replace the project at ``path`` with ``backup`` (the current file is backed up first)."""
    path, backup = Path(path), Path(backup)
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
            raise _project_error(exc, f"{path}: could not restore") from exc
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
        return f"{path}: the project sits in a cloud-synced folder; SQLite files can be corrupted there. Keep it on a local disk."
    try:
        with open("/proc/mounts") as fh:
            mounts = [line.split() for line in fh]
        best = max(
            (m for m in mounts if p.startswith(m[1].lower())), key=lambda m: len(m[1]), default=None
        )
        if best and best[2] in {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "9p"}:
            return f"{path}: the project sits on a network file system ({best[2]}); WAL mode is unsafe there. Keep it on a local disk."
    except OSError:
        pass
    return None


def copy_project(src: str | os.PathLike, dest: str | os.PathLike) -> None:
    """Copy a project file consistently with SQLite's backup API (what is still in its WAL file comes along)."""
    source, target = sqlite3.connect(str(src)), sqlite3.connect(str(dest))
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
