"""Issue 20 §3: while the app runs (three pages open) and codings are made from the CLI and in
the browser, the project file copied alone holds every coding (no -wal file needed)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time

import pytest
from browser_helpers import (
    app_on_new_project,
    choose,
    open_page,
    recording_page,
    require_chromium,
    select_text,
    wait_idle,
    with_project,
)
from ui_data import ROOT, fill_project

pytestmark = [pytest.mark.browser, pytest.mark.timeout(400)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
CODINGS = (  # read from the file itself: the copy is opened by nothing of ours
    "SELECT k.name, c.document_id, c.char_start, c.char_end FROM codings c"
    " JOIN coders k ON k.id = c.coder_id WHERE c.deleted_at IS NULL"
)

require_chromium()


def _codings_in_copy_alone(project, folder) -> set[tuple]:
    """Copy the project file alone (shutil.copyfile, no -wal/-shm) and read its codings."""
    folder.mkdir(exist_ok=True)
    copy = folder / f"copy-{time.monotonic_ns()}.qda.sqlite"
    shutil.copyfile(project, copy)
    conn = sqlite3.connect(copy)
    try:
        return set(conn.execute(CODINGS).fetchall())
    finally:
        conn.close()


def _cli_code(project, doc: int, start: int, end: int) -> None:
    args = ["--document", str(doc), "--start", str(start), "--end", str(end), "--code", "Policy"]
    subprocess.run(
        [sys.executable, "cli.py", "code", *args, "--coder", "cli", "--project", str(project)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_project_file_copied_alone_holds_every_coding_while_the_app_runs(tmp_path):
    import coding

    def fill(db):
        ids = fill_project(db)
        coding.pin_quick_key(db, "tester", 1, "Policy")
        return ids

    project = tmp_path / "whole.qda.sqlite"
    with (
        app_on_new_project(project, fill, ARTIFACTS / "server-whole.log") as (url, _, ids),
        recording_page() as code_page,
    ):
        before = _codings_in_copy_alone(project, tmp_path / "copies")
        # a connection held open all along (a long CLI command, another tool): SQLite's own
        # checkpoint when the last connection closes never comes
        holder = sqlite3.connect(project)
        holder.execute("SELECT COUNT(*) FROM codings").fetchall()
        analysis_page = code_page.context.new_page()
        project_page = code_page.context.new_page()
        open_page(code_page, url, "code")
        open_page(analysis_page, url, "analysis")
        open_page(project_page, url, "project")
        choose(code_page, "Document", "Consortium report")

        spans = [(ids["report"], 100, 140), (ids["report"], 300, 350), (ids["accented"], 0, 5)]
        for doc, start, end in spans:
            _cli_code(project, doc, start, end)
        select_text(code_page, "consortium 3 of the fictional")
        code_page.keyboard.press("1")
        wait_idle(code_page)
        code_page.locator("[data-testid='qda-reader'] mark").filter(
            has_text="consortium 3 of the fictional"
        ).first.wait_for(timeout=15_000)
        for page in (analysis_page, project_page):  # the other pages rerun and read the project
            page.reload()
            page.wait_for_selector("[data-testid='stMain'] h1", timeout=60_000)
            wait_idle(page)

        wanted = {("cli", doc, start, end) for doc, start, end in spans}
        deadline = time.monotonic() + 10
        while True:  # "within a few seconds" of the last change
            copied = _codings_in_copy_alone(project, tmp_path / "copies")
            new = copied - before
            browser = {c for c in new if c[0] == "tester"}
            if (wanted <= new and browser) or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        assert wanted <= new, f"CLI codings missing from the copy: {wanted - new}"
        assert len(browser) == 1, f"the browser's coding is missing from the copy: {new}"
        live = with_project(project, lambda db: set(db.execute(CODINGS).fetchall()))
        assert copied == live
        holder.close()
