"""The ground floor: errors, and backups around transactions."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

from projectfile import (
    NotFound,
    ProjectError,
    QdaError,
    backup_project,
    list_backups,
    open_project,
    transaction,
)


def test_projectfile_errors_form_one_family():
    assert issubclass(NotFound, QdaError) and issubclass(ProjectError, QdaError)
    assert not issubclass(NotFound, KeyError)


def test_projectfile_backup_inside_a_transaction_is_left_to_the_outer_change(tmp_path):
    """A nested bulk change writes no second backup and never hangs (no copy mid-write)."""
    path = tmp_path / "p.qda.sqlite"
    db = open_project(path)
    assert backup_project(db, reason="outer") is not None
    result = {}

    def nested():
        with transaction(db):
            db.execute("INSERT INTO project_meta (key, value) VALUES ('k', 'v')")
            result["backup"] = backup_project(db, reason="inner")

    worker = threading.Thread(target=nested, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "backup_project hung inside a transaction"
    assert result == {"backup": None}
    assert [p.name.split(".")[-2] for p in list_backups(path)] == ["outer"]


def _rows_in_copy_alone(path, tmp_path) -> int:
    """Copy the project file alone (no -wal, no -shm) and count the test's rows in the copy."""
    copy = tmp_path / "copy" / "alone.qda.sqlite"
    copy.parent.mkdir(exist_ok=True)
    for old in copy.parent.iterdir():
        old.unlink()
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy)
    try:
        return conn.execute("SELECT COUNT(*) FROM project_meta WHERE key LIKE 'w%'").fetchone()[0]
    except sqlite3.DatabaseError:
        return -1
    finally:
        conn.close()


def _wait_for_rows(path, tmp_path, wanted: int, seconds: float = 5.0) -> int:
    deadline = time.monotonic() + seconds
    while (got := _rows_in_copy_alone(path, tmp_path)) != wanted and time.monotonic() < deadline:
        time.sleep(0.1)
    return got


def test_projectfile_file_alone_holds_every_commit_while_a_reader_is_open(tmp_path):
    """Issue 20: the project file copied alone holds every committed change within seconds."""
    path = tmp_path / "p.qda.sqlite"
    writer, reader = open_project(path), open_project(path)
    try:
        for i in range(5):  # quick commits: the first checkpoints at once, a timer the rest
            with transaction(writer):
                writer.execute("INSERT INTO project_meta (key, value) VALUES (?, 'v')", [f"w{i}"])
            assert reader.execute("SELECT COUNT(*) FROM project_meta").fetchone()[0] > i
        assert Path(f"{path}-wal").exists()  # the app and the CLI still hold it open
        assert _wait_for_rows(path, tmp_path, 5) == 5
    finally:
        writer.conn.close()
        reader.conn.close()


def test_projectfile_checkpoint_completes_once_an_old_snapshot_is_let_go(tmp_path):
    """A reader on an old snapshot holds frames back; they reach the file soon after it ends."""
    path = tmp_path / "p.qda.sqlite"
    writer, reader = open_project(path), open_project(path)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM project_meta").fetchone()  # snapshot taken
        with transaction(writer):
            writer.execute("INSERT INTO project_meta (key, value) VALUES ('w0', 'v')")
        assert _rows_in_copy_alone(path, tmp_path) == 0  # the old snapshot blocks the checkpoint
        reader.execute("COMMIT")
        assert _wait_for_rows(path, tmp_path, 1) == 1
    finally:
        writer.conn.close()
        reader.conn.close()


def test_projectfile_closing_a_connection_folds_its_writes_into_the_file(tmp_path):
    """Writes made outside ``transaction`` reach the file when their connection closes."""
    path = tmp_path / "p.qda.sqlite"
    keep, db = open_project(path), open_project(path)
    try:
        db.execute("INSERT INTO project_meta (key, value) VALUES ('w0', 'v')")  # autocommit
        db.conn.close()
        assert _rows_in_copy_alone(path, tmp_path) == 1
    finally:
        keep.conn.close()
