"""The coding commands of cli.py, run as a subprocess on a real project file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import coding as C

CLI = str(Path(__file__).resolve().parents[2] / "cli.py")


def run(*args, project):
    return subprocess.run(
        [sys.executable, CLI, *args, "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_codebook_coding_and_agreement(db, docs, project_path, tmp_path):
    csv = tmp_path / "codes.csv"
    csv.write_text(
        "path,definition,color\nFunding,Money,#112233\nFunding > Public,State money,#445566\n",
        encoding="utf-8",
    )
    r = run("codes", "import", str(csv), project=project_path)
    assert r.returncode == 0, r.stderr
    doc = str(docs["policy"])
    assert (
        run(
            "code",
            "--document",
            doc,
            "--start",
            "0",
            "--end",
            "100",
            "--code",
            "Funding > Public",
            "--coder",
            "A",
            project=project_path,
        ).returncode
        == 0
    )
    assert (
        run(
            "code",
            "--document",
            doc,
            "--start",
            "50",
            "--end",
            "120",
            "--code",
            "Funding > Public",
            "--coder",
            "B",
            project=project_path,
        ).returncode
        == 0
    )
    r = run("codings", "--code", "Funding", "--children", "--format", "json", project=project_path)
    rows = json.loads(r.stdout)
    assert [x["coder"] for x in rows] == ["A", "B"] and rows[0]["code_path"] == "Funding > Public"
    r = run("agreement", "--unit", "char", "--format", "json", project=project_path)
    result = json.loads(r.stdout)
    assert result[-1]["code_path"] == "(overall)" and 0 < result[-1]["percent_agreement"] < 1
    out = tmp_path / "out.csv"
    assert run("codes", "export", "--out", str(out), project=project_path).returncode == 0
    assert "Funding > Public,Public,State money,#445566" in out.read_text(encoding="utf-8")
    assert (
        run(
            "memos", "--add", "a thought on councils", "--author", "A", project=project_path
        ).returncode
        == 0
    )
    r = run("memos", "--search", "councils", "--format", "json", project=project_path)
    assert json.loads(r.stdout)[0]["author"] == "A"


def test_cli_errors_go_to_stderr_with_nonzero_exit(db, docs, project_path):
    C.add_code(db, "A")
    r = run(
        "code",
        "--document",
        str(docs["policy"]),
        "--start",
        "5",
        "--end",
        "1",
        "--code",
        "A",
        project=project_path,
    )
    assert r.returncode != 0 and "not inside" in r.stderr and r.stdout == ""
    r = run("codings", "--code", "Nope", project=project_path)
    assert r.returncode != 0 and "no code 'Nope'" in r.stderr


def test_cli_add_codes_undo_redo_and_disagreements(db, docs, project_path):
    assert (
        run(
            "codes",
            "add",
            "Talent > Training",
            "--color",
            "#00aa00",
            "--coder",
            "A",
            project=project_path,
        ).returncode
        == 0
    )
    r = run("codes", "add", "Talent > Training", project=project_path)
    assert r.returncode == 2 and "already exists" in r.stderr
    doc = str(docs["policy"])
    run(
        "code",
        "--document",
        doc,
        "--start",
        "0",
        "--end",
        "30",
        "--code",
        "Talent > Training",
        "--coder",
        "A",
        project=project_path,
    )
    run(
        "code",
        "--document",
        doc,
        "--start",
        "10",
        "--end",
        "30",
        "--code",
        "Talent > Training",
        "--coder",
        "B",
        project=project_path,
    )
    r = run("agreement", "--disagreements", "--format", "json", project=project_path)
    rows = json.loads(r.stdout)
    assert [(x["char_start"], x["char_end"], x["coded_by"]) for x in rows] == [(0, 10, "A")]
    assert "undone: code span" in run("undo", "--coder", "B", project=project_path).stdout
    assert len(C.codings_frame(db)) == 1
    assert "redone: code span" in run("redo", "--coder", "B", project=project_path).stdout
    assert len(C.codings_frame(db)) == 2
    assert "nothing to undo" in run("undo", "--coder", "Z", project=project_path).stdout
