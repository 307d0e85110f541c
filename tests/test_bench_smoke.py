"""Every bench in bench/ runs once at its smoke size (seconds), so none rots between `make bench`
runs: it exits 0 and prints a ratio (baseline and ours measured in the same run)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHES = sorted((ROOT / "bench").glob("bench_*.py"))
PACKAGES = {p.parent.name for p in ROOT.glob("*/__init__.py")}


@pytest.fixture
def short_tmp():
    """A short temporary folder: Chromium's singleton socket path must stay under 108 bytes
    (pytest's tmp_path made bench_ui's Chromium abort with 'Socket path too long')."""
    path = Path(tempfile.mkdtemp(prefix="bench-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_bench_modules_shadow_no_package():
    """bench/ is first on sys.path when a bench runs: no module there may be named as a package."""
    names = {p.stem for p in (ROOT / "bench").glob("*.py")}
    assert BENCHES and not names & PACKAGES, names & PACKAGES


@pytest.mark.parametrize("bench", BENCHES, ids=lambda p: p.stem)
def test_bench_runs_at_smoke_size(bench, short_tmp):
    needs = {
        "bench_ocr": "tesseract",
        "bench_ui": "chromium",
        "bench_team": "chromium",
        "bench_stt": "espeak-ng",
    }
    for tool in (needs.get(bench.stem), "ffmpeg" if bench.stem == "bench_stt" else None):
        if tool and not shutil.which(tool) and not Path(f"/usr/bin/{tool}").exists():
            if os.environ.get("CI"):  # .ci/run installs them
                pytest.fail(f"{tool} is missing on CI")
            pytest.skip(f"{tool} is not installed")
    env = {**os.environ, "BENCH_SMOKE": "1", "TMPDIR": str(short_tmp)}
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    out = subprocess.run(
        [sys.executable, str(bench), "--smoke"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    tail = (out.stdout + out.stderr)[-3000:]
    assert out.returncode == 0, tail
    assert "ratio" in out.stdout, tail


def test_coded_sets_loader_on_fixture(tmp_path):
    """A CSV pair in the shape of outside set 1 (fictional answers): one document per answer,
    codes under the question with their '->' parents, one whole-answer coding per coder and code;
    the suggestion bench reads a missing set as 'missing', not as an error."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from coded_sets import build_project, read_survey_folder
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from coding import Scope, codes_frame, codings_frame

    head = "ResponseId,Why did you choose it?,Code 1,Code 2,Code 3\n"
    primary = head + (
        "R_1,Our department decided.,required_to_use,required_to_use->department,\n"
        'R_2,"It was cheap, and easy.",cost,easy_to_implement,\n'
        "R_3,Covid,covid,,\n"
    )
    secondary = head + (
        "R_1,Our department decided.,required_to_use->department,,\n"
        'R_2,"It was cheap, and easy.",cost,,\n'
        "R_3,Covid,covid,covid->absence,\n"
    )
    (tmp_path / "Answers - Q8 (primary).csv").write_text(primary, encoding="utf-8")
    (tmp_path / "Answers - Q8 (secondary).csv").write_text(secondary, encoding="utf-8")
    answers = read_survey_folder(tmp_path)
    assert [a.response for a in answers] == ["R_1", "R_2", "R_3"]
    assert answers[1].text == "It was cheap, and easy."
    assert answers[0].codes["secondary"] == {"Q8 > required_to_use > department"}
    project = build_project(answers, tmp_path / "set.qda.sqlite")
    paths = set(codes_frame(project)["path"])
    assert {"Q8", "Q8 > required_to_use", "Q8 > required_to_use > department"} <= paths
    assert "Q8 > covid > absence" in paths
    both = codings_frame(project)
    assert set(both["coder"]) == {"primary", "secondary"}
    assert len(codings_frame(project, Scope(coders=("primary",)))) == 5
    assert len(codings_frame(project, Scope(coders=("secondary",)))) == 4
    whole = both[both["document_title"] == "Q8 R_2"]
    assert (whole["text"] == "It was cheap, and easy.").all()

    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_suggest.py"), "--sets", "proctoring"]
        + ["--sets-dir", str(tmp_path / "nothing")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1 and "missing" in run.stdout, run.stdout + run.stderr


def test_maxqda_segment_located_across_line_breaks():
    """A MAXQDA segment is found in its transcript by its first and last words, whatever the
    line breaks and hyphenation of the two PDF exports; a segment that is not there is None."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from coded_maxqda import locate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    text = (
        "Dan: Do you use ICE plots?\n\nParticipant: Ah, yeah. Not all the time, so it's not the"
        " main thing we do, but in our initial data explorations we tend to use pre-computed ICE"
        " plots.\n\nDan: Okay."
    )
    segment = (
        "Not all the time, so it's\nnot the main thing we do, but in our initial data\n"
        "explorations we tend to use pre- computed ICE plots."
    )
    start, end = locate(text, segment)
    assert text[start:end].startswith("Not all the time") and text[start:end].endswith("ICE plots")
    assert locate(text, "We never use partial dependence plots in production at all.") is None
