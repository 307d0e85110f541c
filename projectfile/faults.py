"""SQLite faults classified and worded for people (busy, full, read-only, I/O, damaged)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from .errors import ProjectError

BEGIN_ATTEMPTS = 20


def error_code(exc: BaseException) -> str:
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


MESSAGES = {
    "busy": "the project file stayed busy (another session is writing); nothing was changed",
    "full": "the disk is full; nothing from this change was saved. Free some space and try again",
    "readonly": "the project file is read-only; nothing was changed",
    "io": (
        "the project file could not be written (disk full, file-size limit or disk error); "
        "nothing from this change was saved"
    ),
    "damaged": "the project file is damaged; restore a backup",
}


def project_error(
    exc: BaseException, prefix: str = "could not save to the project file"
) -> ProjectError:
    code = error_code(exc)
    if code in MESSAGES:
        return ProjectError(f"{prefix}: {MESSAGES[code]} ({exc})", code=code)
    return ProjectError(f"{prefix}: {exc}", code="failed")


def retry_busy(fn: Callable, attempts: int = BEGIN_ATTEMPTS):
    for i in range(attempts):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if error_code(exc) != "busy" or i == attempts - 1:
                raise
            time.sleep(min(0.05 * (i + 1), 1.0))
