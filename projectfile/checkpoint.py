"""Keep the project file whole on disk: committed changes are folded from the ``-wal`` file into
the project file within seconds (a WAL checkpoint after commits, throttled, and on close).

SQLite in WAL mode appends commits to ``<project>-wal`` and copies them into the project file
only at a checkpoint; by default that happens once the WAL holds 1,000 pages (4 MB), so a
person who copies the project file alone can get an old or empty project. Here the outermost
commit of ``transaction(db)`` checkpoints at once when the file was not checkpointed in the last
``INTERVAL`` seconds, else a timer does it when the interval is over; closing a connection made
by ``connect`` checkpoints too, and so does the end of the process. A checkpoint is PASSIVE: it
never waits for and never blocks readers or the writer, and copies what no open read snapshot
still needs; what a reader held back is retried a few times until it is done.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import quote

INTERVAL = 1.0  # seconds: at most one checkpoint per file per interval from commits
RETRIES = 20  # a reader held some frames back: try again this many times, INTERVAL apart
_LOG = logging.getLogger(__name__)
_lock = threading.Lock()
_last: dict[str, float] = {}  # file -> monotonic time of its last checkpoint in this process
_timers: dict[str, threading.Timer] = {}


def checkpoint(conn: sqlite3.Connection) -> bool:
    """Fold the WAL of ``conn``'s main database into the file (PASSIVE); return True when every
    committed frame is now in the project file (False when a reader's snapshot held some back)."""
    try:
        busy, log, done = conn.execute("PRAGMA main.wal_checkpoint(PASSIVE)").fetchone()
    except sqlite3.Error as exc:  # a locked or read-only file: a later checkpoint does it
        _LOG.debug("checkpoint skipped: %s", type(exc).__name__)
        return False
    return not busy and (log == -1 or done >= log)


def after_commit(conn: sqlite3.Connection, path: Path | None) -> None:
    """Checkpoint after an outermost commit on ``conn``: now, or when ``INTERVAL`` is over."""
    if path is None:
        return
    key = str(path)
    now = time.monotonic()
    with _lock:
        if key in _timers:  # one is scheduled: it will fold this commit in too
            return
        wait = _last.get(key, -INTERVAL) + INTERVAL - now
        if wait > 0:
            _schedule(key, wait, RETRIES)
            return
        _last[key] = now
    if not checkpoint(conn):
        with _lock:
            if key not in _timers:
                _schedule(key, INTERVAL, RETRIES)


def _schedule(key: str, wait: float, retries: int) -> None:
    """Start a timer that checkpoints ``key`` after ``wait`` seconds (caller holds ``_lock``)."""
    timer = threading.Timer(wait, _run_timer, args=(key, retries))
    timer.daemon = True
    timer.name = "qda-checkpoint"
    _timers[key] = timer
    timer.start()


def _run_timer(key: str, retries: int) -> None:
    with _lock:
        _timers.pop(key, None)
        _last[key] = time.monotonic()
    done = checkpoint_file(key)
    if not done and retries > 0:
        with _lock:
            if key not in _timers:
                _schedule(key, INTERVAL, retries - 1)


def checkpoint_file(path: str | Path) -> bool:
    """Checkpoint the project file at ``path`` on a short connection of its own; return True when
    the file holds every committed change (a missing file is left alone, never created)."""
    path = Path(path)
    if not path.is_file():
        return True
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=1.0)
    except sqlite3.Error:
        return False
    try:
        return checkpoint(conn)
    finally:
        conn.close()


def flush_pending() -> None:
    """Run every scheduled checkpoint now (at the end of the process, and in tests)."""
    with _lock:
        pending = list(_timers.items())
        _timers.clear()
    for key, timer in pending:
        timer.cancel()
        with contextlib.suppress(Exception):
            checkpoint_file(key)


class ProjectConnection(sqlite3.Connection):
    """A sqlite3 connection that checkpoints its project file when it is closed."""

    def close(self) -> None:
        """Checkpoint (when this connection may write and no transaction is open), then close."""
        with contextlib.suppress(sqlite3.Error):
            if not self.in_transaction and not getattr(self, "qda_readonly", False):
                checkpoint(self)
        super().close()


atexit.register(flush_pending)
