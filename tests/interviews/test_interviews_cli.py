"""CLI: interviews import/cases/speakers/turns/attributes/pseudonymize through cli.main."""

from __future__ import annotations

import json

import pandas as pd

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


def test_cli_interviews_pseudonymize_review_round_trip(capsys, project_path, data_dir, tmp_path):
    run(
        capsys,
        "interviews",
        "import",
        str(data_dir / "zoom.vtt"),
        "--project",
        str(project_path),
        "--quiet",
    )
    review = tmp_path / "review.csv"
    code, out, _ = run(
        capsys,
        "interviews",
        "pseudonymize",
        "--no-ner",
        "--review-out",
        str(review),
        "--project",
        str(project_path),
        "--quiet",
    )
    assert code == 0
    df = pd.read_csv(review)
    assert set(df["original"]) >= {"Ana Torres", "Roberto Salinas"}
    df.loc[df["original"] == "Ana Torres", "accept"] = False
    df.to_csv(review, index=False)
    shared = tmp_path / "shared.qda.sqlite"
    code, out, _ = run(
        capsys,
        "interviews",
        "pseudonymize",
        "--apply",
        str(review),
        "--shareable",
        str(shared),
        "--project",
        str(project_path),
        "--quiet",
    )
    assert code == 0 and "key written to" in out and shared.exists()
    code, out, _ = run(
        capsys, "interviews", "turns", "2", "--project", str(project_path), "--format", "json"
    )
    " ".join(r["text"] for r in json.loads(out))
    speakers = {r["speaker"] for r in json.loads(out)}
    assert "Roberto Salinas" not in speakers and "Ana Torres" in speakers
