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
    needs = {"bench_ocr": "tesseract", "bench_ui": "chromium", "bench_stt": "espeak-ng"}
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
