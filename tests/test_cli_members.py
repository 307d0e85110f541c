"""The command line acts as a named member (--as): roles hold, a created project has its owner."""

from __future__ import annotations

import hashlib

import cli
from coding import members_frame
from projectfile import open_project


def _run(*args) -> int:
    return cli.main([str(a) for a in args])


def _digest(path) -> str:
    db = open_project(path)
    try:
        return hashlib.sha256("\n".join(db.conn.iterdump()).encode()).hexdigest()
    finally:
        db.conn.close()


def test_cli_members_roles(tmp_path, capsys):
    text = tmp_path / "council.txt"
    text.write_text("Public funding came from CONACYT. Private funding came from firms.\n")
    project = tmp_path / "p.qda.sqlite"
    assert _run("ingest", text, "--project", project, "--as", "bea", "--quiet") == 0
    db = open_project(project)
    assert members_frame(db)[["name", "role"]].values.tolist() == [["bea", "owner"]]
    db.conn.close()
    assert _run("members", "add", "ana", "coder", "--project", project, "--as", "bea") == 0
    assert _run("members", "add", "vic", "viewer", "--project", project, "--as", "bea") == 0
    assert _run("codes", "add", "Funding", "--project", project, "--as", "bea") == 0
    code = ["code", "--document", 1, "--start", 0, "--end", 6, "--code", "Funding"]
    before = _digest(project)
    capsys.readouterr()
    assert _run(*code, "--project", project, "--as", "vic") == 2
    assert "vic is a viewer here: coding is for coders and above" in capsys.readouterr().err
    assert _digest(project) == before
    assert _run(*code, "--project", project, "--as", "ana", "--coder", "bea") == 2
    assert "only owners write in another coder's name" in capsys.readouterr().err
    assert _digest(project) == before
    assert _run(*code, "--project", project, "--as", "ana") == 0
    db = open_project(project)
    coders = [
        r[0] for r in db.execute("SELECT r.name FROM codings c JOIN coders r ON r.id = c.coder_id")
    ]
    db.conn.close()
    assert coders == ["ana"]  # --coder follows --as
    assert _run("members", "remove", "bea", "--project", project, "--as", "bea") == 2
    assert "only owner" in capsys.readouterr().err


def test_cli_without_members_is_as_before(tmp_path):
    text = tmp_path / "council.txt"
    text.write_text("Public funding came from CONACYT.\n")
    project = tmp_path / "p.qda.sqlite"
    assert _run("ingest", text, "--project", project, "--quiet") == 0
    db = open_project(project)
    assert members_frame(db).empty  # no --as / $QDA_MEMBER: nobody claimed it
    db.conn.close()
    assert _run("codes", "add", "Funding", "--project", project) == 0
    code = ["code", "--document", 1, "--start", 0, "--end", 6, "--code", "Funding"]
    assert _run(*code, "--project", project, "--coder", "someone") == 0


def test_cli_backup_and_restore_are_an_owners(tmp_path, capsys):
    text = tmp_path / "council.txt"
    text.write_text("Public funding came from CONACYT.\n")
    project = tmp_path / "p.qda.sqlite"
    assert _run("ingest", text, "--project", project, "--as", "bea", "--quiet") == 0
    assert _run("members", "add", "ana", "coder", "--project", project, "--as", "bea") == 0
    capsys.readouterr()
    assert _run("backup", "--project", project, "--as", "bea") == 0
    backup = capsys.readouterr().out.strip()
    assert _run("codes", "add", "Funding", "--project", project, "--as", "bea") == 0
    before = _digest(project)
    backups = sorted((tmp_path / "p.qda.sqlite.backups").iterdir())
    assert _run("backup", "--project", project, "--as", "ana") == 2
    assert "ana is a coder here: making or restoring backups is for owners (bea)" in (
        capsys.readouterr().err
    )
    assert _run("restore", backup, "--project", project, "--as", "ana") == 2
    assert "ana is a coder here" in capsys.readouterr().err
    assert _digest(project) == before
    assert sorted((tmp_path / "p.qda.sqlite.backups").iterdir()) == backups
    assert _run("restore", backup, "--project", project, "--as", "bea") == 0
    assert _digest(project) != before  # the code added after the backup is gone
    for lost in tmp_path.glob("p.qda.sqlite*"):
        if lost.is_file():
            lost.unlink()  # a lost project comes back from its backup whoever restores it
    assert _run("restore", backup, "--project", project, "--as", "ana") == 0
    db = open_project(project)
    assert set(map(tuple, members_frame(db)[["name", "role"]].values.tolist())) == {
        ("ana", "coder"),
        ("bea", "owner"),
    }
    db.conn.close()
