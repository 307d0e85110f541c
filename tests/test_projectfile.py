"""The ground floor: errors, and backups around transactions."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from projectfile import (
    SCHEMA_PACKAGES,
    NotFound,
    ProjectError,
    QdaError,
    SchemaNotRegistered,
    backup_project,
    known_migrations,
    list_backups,
    migrate,
    open_project,
    register_schema,
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


def _in_child(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter at the project root (its own set of imports)."""
    root = Path(__file__).resolve().parents[1]
    return subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120
    )


def test_projectfile_migrations_apply_the_schemas_the_process_imported(tmp_path):
    """A tool that imports only corpus makes a project with corpus's tables; opening it where
    every package is imported adds the others; the corpus-only tool still opens the full file
    (another package's steps are not 'newer'), and applying twice is a no-op."""
    path = tmp_path / "p.qda.sqlite"
    only_corpus = (
        "import sys, corpus, projectfile\n"
        "assert 'coding' not in sys.modules  # importing corpus left coding out\n"
        "print(projectfile.registered_packages())\n"
        f"db = projectfile.open_project({str(path)!r})\n"
        "print(sorted({p for p, in db.execute('SELECT package FROM _migrations')}))\n"
        "db.conn.close()\n"
    )
    done = _in_child(only_corpus)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["['corpus']", "['corpus']"]
    db = open_project(path)  # this process imported every package (tests/conftest.py)
    steps = {(p, n) for p, n in db.execute("SELECT package, name FROM _migrations")}
    assert steps == {(p, n) for p, n, _ in known_migrations()}
    assert {p for p, _ in steps} == set(SCHEMA_PACKAGES)
    db.conn.close()
    assert migrate(open_project(path)) == []
    done = _in_child(only_corpus)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == str(sorted(SCHEMA_PACKAGES))


def test_projectfile_refuses_to_open_before_any_schema_is_registered(tmp_path):
    """Importing only the ground floor and opening a project is a bug in the tool: a clear
    SchemaNotRegistered (not a QdaError), and no file is made."""
    path = tmp_path / "p.qda.sqlite"
    done = _in_child(
        "import projectfile\n"
        "try:\n"
        f"    projectfile.open_project({str(path)!r})\n"
        "except projectfile.SchemaNotRegistered as exc:\n"
        "    print('refused:', exc)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("refused: no package has registered its tables")
    assert not issubclass(SchemaNotRegistered, QdaError)


def test_projectfile_register_schema_refuses_an_unknown_package():
    with pytest.raises(ValueError, match="not a package with tables"):
        register_schema("nowhere", [])
