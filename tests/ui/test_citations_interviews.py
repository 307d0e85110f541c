"""Issue 11 §6 in headless Chromium: a transcript with lower-case role labels uploaded on the
Interviews page previews with its speakers and says how many labels were merged; once saved it is
in the ingest log (Project page's latest imports, Corpus page's log) like any document.

Screenshots go to test-artifacts/ui/interviews-*.png.
"""

from __future__ import annotations

import pytest
from browser_helpers import (
    chromium_page,
    open_page,
    require_chromium,
    streamlit_server,
    upload,
    wait_idle,
)
from citations_data import LOWER_TRANSCRIPT
from ui_data import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"

require_chromium()


def test_lower_case_labels_preview_merge_count_and_ingest_log(tmp_path, project_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    file = tmp_path / "lower-case-roles.txt"
    file.write_text(LOWER_TRANSCRIPT, encoding="utf-8")
    with streamlit_server(project_path, ARTIFACTS / "interviews-server.log") as url:
        with chromium_page() as page:
            open_page(page, url, "interviews")
            upload(page, page.locator("[data-testid='stFileUploaderDropzoneInput']").first, file)
            page.get_by_role("button", name="Preview").click()
            wait_idle(page)
            caption = page.get_by_text("Format: labels")
            caption.wait_for(timeout=30_000)
            text = caption.inner_text()
            assert "4 turns" in text and "2 speakers" in text, text
            assert "1 label of the same speaker as the turn before merged into that turn" in text
            speakers = page.locator("[data-testid='stDataFrame']").first
            speakers.locator("[role='gridcell']").first.wait_for(state="attached")
            cells = speakers.locator("[role='gridcell']").all_text_contents()
            assert "Interviewer" in cells and "Interviewee" in cells, cells
            page.screenshot(path=str(ARTIFACTS / "interviews-preview-merged.png"))
            page.get_by_role("button", name="Save to project").click()
            page.get_by_text("Saved lower-case-roles.txt as document").wait_for(timeout=30_000)

            open_page(page, url, "project")
            imports = page.locator("[data-testid='stDataFrame']").filter(
                has_text="lower-case-roles.txt"
            )
            imports.first.wait_for(timeout=30_000)
            row = imports.first.locator("[role='gridcell']").all_text_contents()
            assert "lower-case-roles.txt" in row and "ok" in row, row
            page.screenshot(path=str(ARTIFACTS / "interviews-latest-imports.png"))

    from corpus import ingest_log
    from projectfile import open_project

    db = open_project(project_path)
    try:
        log = ingest_log(db)
        assert log.iloc[0]["path"] == "lower-case-roles.txt" and log.iloc[0]["status"] == "ok"
    finally:
        db.conn.close()
