"""Faults of the project file: full disk, read-only file, damaged or foreign files, failed
backups."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from rel_helpers import (
    ROOT,
    assert_documents_whole,
    integrity_ok,
    read_json_lines,
    start_worker,
    synthetic_document,
    wait_ready,
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fill_until_error(db, seed: int = 9):
    from corpus.store import store_document
    from projectfile import ProjectError

    stored = 0
    for i in range(100_000):
        try:
            store_document(db, synthetic_document(seed, i, paragraphs=30), segment_language=False)
        except ProjectError as exc:
            return stored, exc
        stored += 1
    raise AssertionError("never ran out of space")


def test_reliability_disk_full_page_limit_is_a_clear_error(db, project_path):
    """SQLITE_FULL (emulated with max_page_count) reaches the caller as ProjectError 'full'; nothing
    half-written."""
    from corpus.store import list_documents

    db.conn.execute(
        f"PRAGMA max_page_count = {db.conn.execute('PRAGMA page_count').fetchone()[0] + 40}"
    )
    stored, exc = _fill_until_error(db)
    assert exc.code == "full" and "disk is full" in str(exc) and "nothing" in str(exc)
    assert stored >= 1
    assert len(list_documents(db)) == stored
    integrity_ok(project_path)
    assert assert_documents_whole(project_path) == stored
    db.conn.execute("PRAGMA max_page_count = 1073741823")  # space freed: work goes on
    from corpus.store import store_document

    store_document(db, synthetic_document(10, 0))
    assert len(list_documents(db)) == stored + 1


def test_reliability_file_size_limit_is_a_clear_error(project_path):
    """A real OS write failure (RLIMIT_FSIZE in a worker, EFBIG) gives ProjectError and a sound
    file."""
    worker = start_worker("fill", project_path, 400_000)
    wait_ready(worker)
    rc, out, err = worker.wait(120)
    assert rc == 0, err
    result = read_json_lines(out)[-1]
    assert (
        result["code"] in ("io", "full")
        and "nothing from this change was saved" in result["message"]
    )
    integrity_ok(project_path)
    assert assert_documents_whole(project_path) == result["stored"] + 1


@pytest.fixture
def tiny_disk(tmp_path):
    """A 2 MB tmpfs: a real full disk. Needs root and mount rights; skipped otherwise."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True
    )
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.decode()[:200]}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_reliability_real_full_disk(tiny_disk, tmp_path):
    """On a really full disk: ProjectError, no half document, no half backup, file sound after space
    returns."""
    from projectfile import ProjectError, backup_project, list_backups, open_project

    path = tiny_disk / "full.qda.sqlite"
    db = open_project(path)
    stored, exc = _fill_until_error(db)
    assert exc.code in ("full", "io"), exc
    assert stored >= 1
    with pytest.raises(ProjectError) as backup_exc:
        for _ in range(20):  # the first backups may still fit
            backup_project(db, "full-disk")
    assert "could not write a backup" in str(backup_exc.value)
    assert not list((path.parent / (path.name + ".backups")).glob("*.partial"))
    for b in list_backups(path):
        integrity_ok(b)
    db.conn.close()
    copy = tmp_path / "copy.qda.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if Path(str(path) + suffix).exists():
            shutil.copyfile(str(path) + suffix, str(copy) + suffix)
    integrity_ok(copy)
    assert assert_documents_whole(copy) == stored


def test_reliability_read_only_file_reads_and_refuses_writes(project_path):
    from corpus import search
    from corpus.store import list_documents, store_document
    from projectfile import ProjectError, is_readonly, open_project

    db = open_project(project_path)
    store_document(db, synthetic_document(3, 0))
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    os.chmod(project_path, 0o444)
    try:
        before = _sha(project_path)
        ro = open_project(project_path)
        assert is_readonly(ro)
        assert len(list_documents(ro)) == 1
        assert len(search(ro, "consortium OR consorcio OR innovation OR council")) >= 1
        with pytest.raises(ProjectError) as exc:
            store_document(ro, synthetic_document(3, 1))
        assert exc.value.code == "readonly" and "read-only" in str(exc.value)
        ro.conn.close()
        assert _sha(project_path) == before
    finally:
        os.chmod(project_path, 0o644)


def test_reliability_read_only_open_refuses_coding(project_path):
    import coding
    from corpus.store import store_document
    from projectfile import ProjectError, open_project

    db = open_project(project_path)
    doc_id = store_document(db, synthetic_document(3, 0))
    coding.add_code(db, "Consortia")
    db.conn.close()
    ro = open_project(project_path, readonly=True)
    with pytest.raises(ProjectError) as exc:
        coding.code_span(ro, doc_id, 0, 10, "Consortia", "ana")
    assert exc.value.code == "readonly"
    assert len(coding.codings_frame(ro)) == 0
    ro.conn.close()


def test_reliability_cli_on_read_only_project_says_so(project_path, tmp_path):
    os.chmod(project_path, 0o444)
    try:
        note = tmp_path / "note.txt"
        note.write_text("Consorcio de manufactura avanzada (ficticio).")
        res = subprocess.run(
            [
                sys.executable,
                "cli.py",
                "ingest",
                str(note),
                "--project",
                str(project_path),
                "--quiet",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert res.returncode != 0
        assert "read-only" in res.stdout + res.stderr
        assert "Traceback" not in res.stderr
    finally:
        os.chmod(project_path, 0o644)


@pytest.mark.parametrize("damage", ["random-bytes", "truncated", "zeroed-middle", "text-file"])
def test_reliability_damaged_or_foreign_file_is_refused(tmp_path, project_path, damage):
    from corpus.store import store_document
    from projectfile import ProjectError, open_project

    db = open_project(project_path)
    for i in range(30):
        store_document(db, synthetic_document(5, i), segment_language=False)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    target = tmp_path / f"{damage}-{uuid.uuid4().hex[:6]}.qda.sqlite"
    data = project_path.read_bytes()
    if damage == "random-bytes":
        data = os.urandom(len(data))
    elif damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "zeroed-middle":
        mid = len(data) // 2
        data = data[:mid] + b"\x00" * 8192 + data[mid + 8192 :]
    else:
        data = b"Interviewer: hello\nInterviewee: hi\n" * 100
    target.write_bytes(data)
    before = _sha(target)
    with pytest.raises(ProjectError) as exc:
        open_project(target)
    assert str(target) in str(exc.value)
    assert exc.value.code in ("damaged", "not_project")
    assert _sha(target) == before, "a refused file must not be changed"


def test_reliability_emptied_project_with_backups_is_refused(project_path):
    from projectfile import ProjectError, backup_project, open_project

    db = open_project(project_path)
    backup_project(db, "manual")
    db.conn.close()
    for suffix in ("-wal", "-shm"):
        Path(str(project_path) + suffix).unlink(missing_ok=True)
    project_path.write_bytes(b"")  # what a crash or a sync tool left behind (BORIS #355)
    with pytest.raises(ProjectError) as exc:
        open_project(project_path)
    assert "restore" in str(exc.value) and project_path.stat().st_size == 0


def test_reliability_newer_file_is_refused_unchanged(project_path):
    from projectfile import ProjectError, open_project

    db = open_project(project_path)
    db.conn.execute(
        "INSERT INTO _migrations VALUES ('corpus', '9999_from_the_future', '2030-01-01')"
    )
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    before = _sha(project_path)
    with pytest.raises(ProjectError) as exc:
        open_project(project_path)
    assert exc.value.code == "newer" and "newer version" in str(exc.value)
    assert _sha(project_path) == before


def test_reliability_failed_backup_leaves_nothing(db, project_path, monkeypatch):
    from projectfile import ProjectError, backup_project, list_backups
    from projectfile import backups as project

    def no_space(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(project.os, "replace", no_space)
    with pytest.raises(ProjectError) as exc:
        backup_project(db, "bulk")
    assert "No space left on device" in str(exc.value)
    assert list_backups(project_path) == []
    assert not list((project_path.parent / (project_path.name + ".backups")).glob("*.partial"))


def test_reliability_failed_write_rolls_back_whole(db, project_path):
    """An exception in the middle of a store leaves no trace (nested savepoints included)."""
    from corpus.store import list_documents, store_document
    from projectfile import transaction

    with pytest.raises(RuntimeError):
        with transaction(db):
            store_document(db, synthetic_document(8, 0))
            store_document(db, synthetic_document(8, 1))
            raise RuntimeError("crash in the middle of a bulk operation")
    assert list_documents(db).empty
    assert assert_documents_whole(project_path) == 0


def test_reliability_long_held_lock_is_a_clear_error_not_locked(db, project_path, monkeypatch):
    """A writer that never lets go: after the busy timeout and retries, ProjectError 'busy', never
    'locked'."""
    import sqlite3

    from corpus.store import list_documents, store_document
    from projectfile import ProjectError
    from projectfile import transactions as project

    monkeypatch.setattr(project._begin_immediate, "__defaults__", (3,))
    db.conn.execute("PRAGMA busy_timeout = 100")
    other = sqlite3.connect(project_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ProjectError) as exc:
            store_document(db, synthetic_document(6, 0))
        assert exc.value.code == "busy" and "another session" in str(exc.value)
        assert "locked" not in str(exc.value)
        assert len(list_documents(db)) == 0  # reads still work while another session writes
    finally:
        other.execute("ROLLBACK")
        other.close()
    store_document(db, synthetic_document(6, 0))
    assert len(list_documents(db)) == 1


def test_reliability_read_only_folder_opens_read_only(tmp_path):
    from corpus.store import list_documents, store_document
    from projectfile import ProjectError, is_readonly, open_project

    folder = tmp_path / "shared-drive"
    folder.mkdir()
    path = folder / "p.qda.sqlite"
    db = open_project(path)
    store_document(db, synthetic_document(12, 0))
    db.conn.close()
    os.chmod(folder, 0o555)
    try:
        ro = open_project(path)
        assert is_readonly(ro) and len(list_documents(ro)) == 1
        with pytest.raises(ProjectError) as exc:
            store_document(ro, synthetic_document(12, 1))
        assert exc.value.code == "readonly"
        ro.conn.close()
    finally:
        os.chmod(folder, 0o755)
    assert sorted(p.name for p in folder.iterdir()) == [
        "p.qda.sqlite"
    ]  # no backup folder, no stray files
