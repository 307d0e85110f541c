"""CLI: ``interviews pseudonymize`` (a deid command in the interviews group) through cli.main."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

import cli

DATA = Path(__file__).parents[1] / "interviews" / "data"


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_interviews_pseudonymize_review_round_trip(capsys, project_path, tmp_path):
    run(
        capsys,
        "interviews",
        "import",
        str(DATA / "zoom.vtt"),
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
