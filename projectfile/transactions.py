"""One write path: ``transaction(db)`` = ``BEGIN IMMEDIATE``, commit or roll back whole."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator

import sqlite_utils

from .access import check_write
from .checkpoint import after_commit
from .connection import is_readonly, project_path
from .errors import ProjectError
from .faults import BEGIN_ATTEMPTS, MESSAGES, error_code, project_error, retry_busy


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block in one ``BEGIN IMMEDIATE`` transaction; roll back on any exception.

    Nested use joins the outer transaction (a savepoint keeps the inner block atomic).
    Disk full, read-only and I/O faults become ProjectError; the change is then wholly absent.
    """
    conn = db.conn
    if is_readonly(db):
        raise ProjectError(f"{project_path(db)}: {MESSAGES['readonly']}", code="readonly")
    if not conn.in_transaction:
        check_write(db)  # every write guard may refuse the write (raises); nothing is written yet
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
        if error_code(exc) in MESSAGES:
            raise project_error(exc) from exc
        raise
    except BaseException:
        _rollback(conn)
        raise
    try:
        retry_busy(lambda: conn.execute("COMMIT"), attempts=5)
    except sqlite3.DatabaseError as exc:
        _rollback(conn)
        raise project_error(exc) from exc
    after_commit(conn, project_path(db))  # the project file holds this change within seconds


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
            if error_code(exc) != "busy":
                raise project_error(exc, "could not start a change") from exc
            time.sleep(min(0.05 * (i + 1), 1.0))
    raise ProjectError(MESSAGES["busy"], code="busy")
