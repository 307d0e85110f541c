"""Backups: made before migrations, imports and bulk operations; listed and restored from the
CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rel_helpers import ROOT, coding_project, integrity_ok, make_txt, synthetic_document


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "cli.py", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _count_documents(path: Path) -> int:
    from corpus.store import list_documents
    from projectfile import open_project

    db = open_project(path)
    try:
        return len(list_documents(db, include_old=True))
    finally:
        db.conn.close()


def test_reliability_backup_before_migration(project_path, monkeypatch):
    from projectfile import list_backups, open_project
    from projectfile import migrations as project

    real = project._migrations_for

    def with_new_step(package):
        steps = real(package)
        if package == "exports":
            steps = steps + [
                (
                    "9000_reliability_probe",
                    lambda db: db.execute("CREATE TABLE reliability_probe (x)"),
                )
            ]
        return steps

    monkeypatch.setattr(project, "_migrations_for", with_new_step)
    assert list_backups(project_path) == []
    open_project(project_path).conn.close()
    backups = list_backups(project_path)
    assert len(backups) == 1 and "before-migration" in backups[0].name
    import sqlite3

    conn = sqlite3.connect(backups[0])
    assert not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'reliability_probe'"
    ).fetchone()
    conn.close()
    open_project(project_path).conn.close()  # nothing left to apply: no new backup
    assert len(list_backups(project_path)) == 1


def test_reliability_backup_before_ingest(project_path, tmp_path):
    from corpus.ingest import ingest
    from projectfile import list_backups

    make_txt(tmp_path / "a.txt", 5, seed=1)
    make_txt(tmp_path / "b.txt", 5, seed=2)
    ingest([str(tmp_path / "a.txt")], project_path, workers=1)
    assert list_backups(project_path) == []  # an empty project has nothing to lose
    ingest([str(tmp_path / "b.txt")], project_path, workers=1)
    assert [b for b in list_backups(project_path) if "before-ingest" in b.name]


def test_reliability_cli_backup_list_restore(project_path, tmp_path):
    from corpus.store import store_document
    from projectfile import open_project

    db = open_project(project_path)
    store_document(db, synthetic_document(1, 0))
    db.conn.close()
    res = cli("backup", "--project", project_path)
    assert res.returncode == 0, res.stderr
    backup = Path(res.stdout.strip())
    assert backup.exists()
    integrity_ok(backup)
    db = open_project(project_path)
    for i in range(1, 4):
        store_document(db, synthetic_document(1, i))
    reader = open_project(project_path)  # an open session (e.g. the app) while the restore runs
    assert _count_documents(project_path) == 4
    res = cli("backups", "--project", project_path, "--format", "json")
    assert res.returncode == 0, res.stderr
    listed = [row["backup"] for row in json.loads(res.stdout)]
    assert str(backup) in listed
    res = cli("restore", backup, "--project", project_path)
    assert res.returncode == 0, res.stderr
    assert _count_documents(project_path) == 1
    assert (
        reader.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1
    )  # the open session sees it too
    integrity_ok(project_path)
    # the state before the restore was kept, so a wrong restore can itself be undone
    listed = [
        Path(row["backup"])
        for row in json.loads(cli("backups", "--project", project_path, "--format", "json").stdout)
    ]
    before_restore = [b for b in listed if "before-restore" in b.name]
    assert len(before_restore) == 1
    res = cli("restore", before_restore[0], "--project", project_path)
    assert res.returncode == 0, res.stderr
    assert _count_documents(project_path) == 4
    reader.conn.close()
    db.conn.close()


@pytest.mark.parametrize("bad", ["missing", "damaged", "foreign"])
def test_reliability_cli_restore_refuses_bad_backup(project_path, tmp_path, bad):
    import sqlite3

    from corpus.store import store_document
    from projectfile import open_project

    db = open_project(project_path)
    store_document(db, synthetic_document(2, 0))
    db.conn.close()
    backup = tmp_path / f"{bad}.sqlite"
    if bad == "damaged":
        data = bytearray(project_path.read_bytes())
        data[len(data) // 2 :] = b"\xff" * (len(data) - len(data) // 2)
        backup.write_bytes(bytes(data[:4096]) + b"\x00" * 100)
    elif bad == "foreign":
        conn = sqlite3.connect(backup)
        conn.execute("CREATE TABLE something_else (x)")
        conn.commit()
        conn.close()
    res = cli("restore", backup, "--project", project_path)
    assert res.returncode != 0
    assert str(backup) in res.stderr and "Traceback" not in res.stderr
    assert _count_documents(project_path) == 1


def _backups_made_by(project_path: Path, action) -> int:
    from projectfile import list_backups

    before = len(list_backups(project_path))
    action()
    return len(list_backups(project_path)) - before


@pytest.mark.timeout(180)
def test_reliability_bulk_operations_back_up_first(tmp_path):
    """Auto-coding, code merges and REFI-QDA imports into a project should each back it up first."""
    import coding
    import exports
    import interviews
    from projectfile import open_project

    path = tmp_path / "bulk.qda.sqlite"
    coding_project(path)
    db = open_project(path)
    missing = []
    rows = [{"document_id": 1, "char_start": 0, "char_end": 10, "code": "Consortia"}]
    if not _backups_made_by(path, lambda: coding.apply_batch(db, rows, rule="probe", coder="ana")):
        missing.append("coding.apply_batch")
    if not _backups_made_by(
        path, lambda: coding.merge_codes(db, "Training", "Consortia", coder="ana")
    ):
        missing.append("coding.merge_codes")
    db.conn.close()
    qdpx = tmp_path / "p.qdpx"
    db = open_project(path)
    exports.export_qdpx(db, qdpx)
    db.conn.close()
    other = tmp_path / "other.qda.sqlite"
    db = open_project(other)
    from corpus.store import store_document

    store_document(db, synthetic_document(99, 0))
    db.conn.close()
    if not _backups_made_by(other, lambda: exports.import_qdpx(qdpx, other)):
        missing.append("exports.import_qdpx")
    from rel_helpers import make_transcripts

    db = open_project(other)
    folder = make_transcripts(tmp_path / "tr", seed=5, count=2, turns=6)
    if not _backups_made_by(other, lambda: interviews.import_transcripts([str(folder)], db)):
        missing.append("interviews.import_transcripts")
    cases = interviews.cases_frame(db)
    if len(cases) >= 2:
        ids = [int(i) for i in cases["case_id"][:2]]
        if not _backups_made_by(other, lambda: coding.merge_cases(db, ids[0], ids[1])):
            missing.append("coding.merge_cases")
    from deid import pseudonymize

    applied = []
    made = _backups_made_by(
        other,
        lambda: applied.append(
            pseudonymize(
                db,
                names=["Ana López"],
                use_ner=False,
                key_file=tmp_path / "key.json",
                log_file=tmp_path / "log.csv",
            )
        ),
    )
    assert len(applied[0]) >= 1, "pseudonymization changed nothing: the probe proves nothing"
    if not made:
        missing.append("deid.pseudonymize")
    db.conn.close()
    assert missing == [], "no backup before: " + ", ".join(missing)
