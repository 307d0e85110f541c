"""cli.py: every package's commands in layer order; a QdaError prints ``error: <message>`` and
exits 2; any other exception is a bug and prints its traceback."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = str(ROOT / "cli.py")


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_cli_registers_every_package():
    sys.path.insert(0, str(ROOT))
    try:
        from cli import build_parser
    finally:
        sys.path.remove(str(ROOT))
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    # one command of each package: corpus, interviews, coding, nlp, exports (deid: below)
    assert {"ingest", "interviews", "codes", "entities", "export"} <= set(sub.choices)
    group = sub.choices["interviews"]
    interviews = next(a for a in group._actions if isinstance(a, argparse._SubParsersAction))
    assert "pseudonymize" in interviews.choices  # deid adds it to the interviews group


def test_cli_a_qda_error_prints_its_message_without_traceback(tmp_path):
    bad = tmp_path / "notes.qda.sqlite"
    bad.write_bytes(b"not a project file at all " * 200)
    done = _run(CLI, "docs", "--project", str(bad), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ") and bad.name in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_a_bug_prints_its_traceback(tmp_path, project_path):
    """A built-in exception is a bug: it is not turned into 'error: ...' and exit 2."""
    script = tmp_path / "run_with_a_bug.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import runpy, sys
            sys.path.insert(0, {str(ROOT)!r})
            import projectfile

            def open_project(*args, **kwargs):
                raise KeyError("a bug in the workbench")

            projectfile.open_project = open_project  # before cli.py imports the commands
            sys.argv = ["cli.py", "docs", "--project", {str(project_path)!r}]
            runpy.run_path({CLI!r}, run_name="__main__")
            """
        )
    )
    done = _run(str(script), cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "KeyError: 'a bug in the workbench'" in done.stderr
    assert "error: " not in done.stderr
