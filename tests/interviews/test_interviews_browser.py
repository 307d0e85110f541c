"""End to end in headless Chromium: upload a transcript on the Interviews page, preview, save,
read it back."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
sys.path.insert(
    0, str(ROOT / "tests" / "ui")
)  # the app server and browser helpers the UI tests use
from browser_helpers import chromium_page, require_chromium, streamlit_server, wait_idle  # noqa: E402

pytestmark = [pytest.mark.timeout(300)]
require_chromium()


def test_browser_interviews_upload_preview_save_read(tmp_path, project_path):
    from interviews import transcripts_frame
    from projectfile import open_project

    with streamlit_server(project_path, tmp_path / "server.log") as url, chromium_page() as page:
        page.goto(f"{url}/interviews")
        wait_idle(page)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
            str(DATA / "teams.vtt")
        )
        wait_idle(page)
        page.get_by_role("button", name="Preview").click()
        wait_idle(page)
        assert page.get_by_text("Preview: teams.vtt").is_visible()
        assert page.get_by_text("Format: vtt-teams · 4 turns · 2 speakers").is_visible()
        page.get_by_role("button", name="Save to project").click()
        wait_idle(page)
        try:
            page.get_by_text("Saved teams.vtt as document").wait_for(timeout=30_000)
        finally:
            page.screenshot(path=str(tmp_path / "after-save.png"), full_page=True)
        page.get_by_role("tab", name="Read").click()
        wait_idle(page)
        body = page.locator("[data-testid='stMarkdownContainer']").all_inner_texts()
        joined = "\n".join(body)
        assert "Daniel Ortega [00:00:10] interviewee" in " ".join(joined.split())
        assert "& the firms" in joined
        page.screenshot(path=str(tmp_path / "interviews.png"))
    db = open_project(project_path)
    assert transcripts_frame(db)["format"].tolist() == ["vtt-teams"]
