"""Issue 25 §4: the app's start cleans what killed runs left (the same use case as the CLI's
start, ``workflows.clean_up_killed_runs``) and tells the person once."""

from __future__ import annotations

import html
import json
import subprocess
import sys
import tempfile

import streamlit as st
from streamlit.testing.v1 import AppTest
from ui_data import APP


def test_app_start_removes_a_dead_runs_leftovers_and_says_so(project_path, tmp_path, monkeypatch):
    systmp = tmp_path / "systmp"
    systmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(systmp))
    from projectfile import private_root

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    pid = int(dead.stdout)
    hidden = tmp_path / f".new.qda.sqlite.importing-{pid}"
    hidden.write_bytes(b"half a project")
    runs = private_root() / "runs"
    runs.mkdir(exist_ok=True)
    record = {"kind": "REFI-QDA import", "paths": [str(hidden)], "info": {}, "pid": pid}
    (runs / f"{pid}-00aa11bb.json").write_text(json.dumps(record))

    monkeypatch.setenv("QDA_PROJECT", str(project_path))
    monkeypatch.delenv("QDA_EXPOSED", raising=False)
    st.cache_resource.clear()  # one clean-up per app process: this test's process is "new"
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    assert not hidden.exists()
    shown = [html.unescape(w.value) for w in at.warning]  # the app escapes what it shows
    assert any("a REFI-QDA import was interrupted" in w and hidden.name in w for w in shown)
    at.run()
    assert not [w for w in at.warning if "interrupted" in w.value]  # said once
