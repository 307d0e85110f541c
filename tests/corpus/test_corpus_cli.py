"""CLI: ingest, search, docs, log with --format table|csv|json; errors on stderr, non-zero exit."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from corpus_fixtures import LOREM, make_pdf

import cli

ROOT = Path(__file__).resolve().parents[2]


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _folder(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "brief.txt").write_text(
        "The innovation council met in Monterrey.\n\nPeña Nieto spoke about NAFTA."
    )
    make_pdf(
        folder / "charter.pdf",
        [["Charter of the consortium in Querétaro. " + LOREM]],
        title="Consortium Charter",
    )
    (folder / "empty.txt").write_bytes(b"")
    return folder


def test_cli_ingest_formats_and_exit_codes(tmp_path, capsys):
    project = str(tmp_path / "p.qda.sqlite")
    folder = _folder(tmp_path)
    code, out, err = _run(
        capsys, "ingest", str(folder), "--project", project, "--quiet", "--format", "json"
    )
    assert code == 3  # one file failed
    rows = {Path(r["file"]).name: r for r in json.loads(out)}
    assert rows["brief.txt"]["status"] == "ok" and isinstance(rows["brief.txt"]["document_id"], int)
    assert rows["empty.txt"]["status"] == "failed" and "empty" in rows["empty.txt"]["reason"]
    code, out, _ = _run(
        capsys, "ingest", str(folder), "--project", project, "--quiet", "--format", "csv"
    )
    df = pd.read_csv(io.StringIO(out))
    assert sorted(df.status) == ["failed", "skipped", "skipped"]
    code, out, _ = _run(
        capsys, "ingest", str(folder / "brief.txt"), "--project", project, "--quiet"
    )
    assert code == 0 and "skipped" in out and "ingested 0, skipped 1, failed 0" in out
    code, out, _ = _run(
        capsys,
        "ingest",
        str(folder / "brief.txt"),
        "--project",
        project,
        "--quiet",
        "--format",
        "csv",
    )
    assert out.splitlines()[0] == "file,status,document_id,pages,reason"


def test_cli_outcome_table_with_extra_columns(capsys):
    """print_outcomes is the one outcome table (transcript import adds its own count columns)."""
    from corpus import Outcome, outcomes_frame, print_outcomes

    outcomes = [Outcome("/in/a.vtt", "ok", "", 4, pages=12), Outcome("/in/b.txt", "failed", "bad")]
    frame = outcomes_frame(outcomes, full_paths=True, count="turns")
    frame["speakers"] = [2, 0]
    assert print_outcomes(frame, "csv", verb="imported") == 3
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "file,status,document_id,turns,speakers,reason"
    assert "/in/a.vtt,ok,4,12,2," in out
    assert print_outcomes(frame.iloc[:1], "table", verb="imported") == 0
    assert "imported 1, skipped 0, failed 0" in capsys.readouterr().out


def test_cli_docs_search_log(tmp_path, capsys):
    project = str(tmp_path / "p.qda.sqlite")
    _run(
        capsys, "ingest", str(_folder(tmp_path)), "--project", project, "--quiet", "--workers", "1"
    )
    code, out, _ = _run(capsys, "docs", "--project", project)
    assert code == 0 and "Consortium Charter" in out and "sha256" in out
    code, out, _ = _run(capsys, "docs", "--project", project, "--format", "json")
    docs = json.loads(out)
    assert {d["title"] for d in docs} == {"Consortium Charter", "brief"}
    assert all(len(d["sha256"]) == 64 and d["language"] in {"en", "es", "other"} for d in docs)
    code, out, _ = _run(capsys, "search", "Pena Nieto", "--project", project)
    assert code == 0 and "[Peña] [Nieto]" in out and "brief" in out
    code, out, _ = _run(capsys, "search", "queretaro", "--project", project, "--format", "csv")
    hits = pd.read_csv(io.StringIO(out))
    assert list(hits.title) == ["Consortium Charter"] and hits.page.iloc[0] == 1
    code, out, _ = _run(
        capsys, "search", "council", "--project", project, "--format", "json", "--kind", "interview"
    )
    assert json.loads(out) == []
    code, out, _ = _run(capsys, "log", "--project", project, "--format", "json")
    assert {r["status"] for r in json.loads(out)} == {"ok", "failed"}


def test_cli_search_bad_syntax_plain_error(tmp_path, capsys):
    project = str(tmp_path / "p.qda.sqlite")
    _run(
        capsys, "ingest", str(_folder(tmp_path)), "--project", project, "--quiet", "--workers", "1"
    )
    code, out, err = _run(capsys, "search", '"unclosed', "--project", project)
    assert code != 0 and out == ""
    assert err.startswith("error: ") and "quotation mark" in err and "Traceback" not in err


def test_cli_subprocess_errors_on_stderr(tmp_path):
    missing = tmp_path / "nope.qda.sqlite"
    r = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "docs", "--project", str(missing)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert r.returncode != 0 and r.stdout == "" and "Traceback" not in r.stderr and r.stderr.strip()
    project = tmp_path / "p.qda.sqlite"
    (tmp_path / "a.txt").write_text("NAFTA and the T-MEC.")
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "cli.py"),
            "ingest",
            str(tmp_path / "a.txt"),
            "--project",
            str(project),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    r = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "search", "NAFTA AND", "--project", str(project)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr and "operator" in r.stderr


def test_cli_ingest_password(tmp_path, capsys):
    from corpus_fixtures import make_encrypted_pdf

    project = str(tmp_path / "p.qda.sqlite")
    pdf = make_encrypted_pdf(
        tmp_path / "secret.pdf", "s3cret", "Budget of the Queretaro consortium."
    )
    code, out, _ = _run(
        capsys, "ingest", str(pdf), "--project", project, "--quiet", "--format", "json"
    )
    assert code == 3 and "password-protected" in json.loads(out)[0]["reason"]
    code, out, _ = _run(
        capsys,
        "ingest",
        str(pdf),
        "--project",
        project,
        "--quiet",
        "--format",
        "json",
        "--password",
        "s3cret",
    )
    assert code == 0 and json.loads(out)[0]["status"] == "ok"
    code, out, _ = _run(capsys, "search", "budget", "--project", project, "--format", "json")
    assert len(json.loads(out)) == 1


def test_cli_ingest_kind_interview_parses_turns(tmp_path, capsys):
    """`ingest --kind interview` hands transcripts to the interviews package (speakers, turns)."""
    import cli
    from interviews import turns_frame
    from projectfile import open_project

    vtt = tmp_path / "talk.vtt"
    vtt.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana Ruiz>How did the council start?</v>\n\n"
        "00:00:05.000 --> 00:00:09.000\n"
        "<v Luis Gómez>It began with the consortium in Querétaro.</v>\n",
        encoding="utf-8",
    )
    project = tmp_path / "p.qda.sqlite"
    assert (
        cli.main(
            [
                "ingest",
                str(vtt),
                "--kind",
                "interview",
                "--project",
                str(project),
                "--quiet",
                "--format",
                "json",
            ]
        )
        == 0
    )
    turns = turns_frame(open_project(project))
    assert list(turns["speaker"]) == ["Ana Ruiz", "Luis Gómez"]
    assert turns["t_start"].tolist() == [1.0, 5.0]
