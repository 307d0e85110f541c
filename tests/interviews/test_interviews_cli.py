"""CLI: interviews import/cases/speakers/turns/attributes, ingest --kind interview (cli.main)."""

from __future__ import annotations

import json

import cli


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_interviews_import_summary_and_failures(capsys, project_path, data_dir):
    code, out, err = run(
        capsys,
        "interviews",
        "import",
        str(data_dir / "teams.vtt"),
        str(data_dir / "broken_timing.vtt"),
        "--project",
        str(project_path),
        "--quiet",
        "--format",
        "json",
    )
    assert code == 3
    rows = json.loads(out)
    assert [r["status"] for r in rows] == ["ok", "failed"]
    assert rows[0]["turns"] == 4 and rows[0]["speakers"] == 2
    assert "line 8: broken cue timing" in rows[1]["reason"]
    code, out, _ = run(
        capsys, "interviews", "speakers", "--project", str(project_path), "--format", "csv"
    )
    assert code == 0 and "Laura Méndez,interviewer" in out


def test_cli_interviews_roles_cases_and_attributes(capsys, project_path, data_dir, tmp_path):
    run(
        capsys,
        "interviews",
        "import",
        str(data_dir / "zoom.vtt"),
        "--role",
        "Ana Torres=other",
        "--project",
        str(project_path),
        "--quiet",
    )
    csv_in = tmp_path / "a.csv"
    csv_in.write_text("case,sector,years\nRoberto Salinas,industry,20\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "interviews", "attributes", "import", str(csv_in), "--project", str(project_path)
    )
    assert code == 0 and "set 2" in out
    code, out, _ = run(
        capsys, "interviews", "cases", "--project", str(project_path), "--format", "json"
    )
    rows = {r["name"]: r for r in json.loads(out)}
    assert (
        rows["Roberto Salinas"]["years"] == 20 and rows["Roberto Salinas"]["sector"] == "industry"
    )
    code, out, _ = run(
        capsys, "interviews", "attributes", "export", "--project", str(project_path), "--types"
    )
    assert out.splitlines()[0] == "case_name,sector:text,years:number"
    code, out, _ = run(
        capsys, "interviews", "speakers", "--project", str(project_path), "--format", "json"
    )
    assert {r["speaker"]: r["role"] for r in json.loads(out)}["Ana Torres"] == "other"
    bad = tmp_path / "bad.csv"
    bad.write_text("case,years\nX,many\n", encoding="utf-8")
    code, _, err = run(
        capsys, "interviews", "attributes", "import", str(bad), "--project", str(project_path)
    )
    assert code == 2 and "bad.csv: line 2" in err


def test_cli_ingest_kind_interview_imports_transcripts(capsys, project_path, data_dir):
    """`ingest --kind interview` stores speakers and turns; other kinds stay corpus's."""
    code, out, _ = run(
        capsys,
        "ingest",
        str(data_dir / "zoom.vtt"),
        str(data_dir / "empty.txt"),
        "--kind",
        "interview",
        "--project",
        str(project_path),
        "--quiet",
        "--format",
        "json",
    )
    rows = json.loads(out)
    assert code == 3 and [r["status"] for r in rows] == ["ok", "failed"]
    code, out, _ = run(
        capsys, "interviews", "speakers", "--project", str(project_path), "--format", "json"
    )
    assert {r["speaker"] for r in json.loads(out)} == {"Ana Torres", "Roberto Salinas"}
    plain = data_dir / "cp1252.txt"
    code, out, _ = run(
        capsys, "ingest", str(plain), "--project", str(project_path), "--quiet", "--format", "json"
    )
    assert code == 0 and json.loads(out)[0]["status"] == "ok"
    code, out, _ = run(
        capsys, "interviews", "speakers", "--project", str(project_path), "--format", "json"
    )
    assert len(json.loads(out)) == 2  # a policy document has no speakers
