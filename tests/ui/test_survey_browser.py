"""Survey page in headless Chromium: upload a CSV, see the preview and the bad row, import it,
then every answer to one question in the coding grid."""

from __future__ import annotations

import pytest
from browser_helpers import (
    app_on_new_project,
    open_page,
    recording_page,
    require_chromium,
    upload,
    wait_idle,
    with_project,
)
from playwright.sync_api import expect
from ui_data import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"

require_chromium()

CSV = (
    "id,Sector,Age,Why did you join the consortium (fictional answers)?\n"
    "R1,Industry,41,Talent was scarce and the consortium trained our technicians.\n"
    "R2,Academia,29,We wanted industry partners for our engineering students.\n"
    "R3,Industry,forty,Año tras año perdíamos técnicos en la región del norte.\n"
    "R4,Government,55,The ministry asked us to coordinate the regional programme.\n"
)


def fill(db) -> dict:
    import coding

    return {c: coding.add_code(db, c, coder="tester") for c in ("Talent", "Partners")}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("survey") / "survey.qda.sqlite"
    with app_on_new_project(path, fill, ARTIFACTS / "server-survey.log") as app:
        yield app


def test_survey_page_import_preview_and_grid(app, tmp_path):
    import interviews

    url, path, _ids = app
    source = tmp_path / "consortium-survey.csv"
    source.write_text(CSV, encoding="utf-8")
    with recording_page(height=1300) as page:
        open_page(page, url, "survey")
        upload(page, page.locator("[data-testid='stFileUploaderDropzoneInput']"), source)
        expect(page.get_by_text("4 rows, 4 columns")).to_be_visible(timeout=30_000)
        # Age guessed as text (one value is 'forty'): the preview takes every row
        expect(page.get_by_text("4 respondents")).to_be_visible()
        expect(page.locator("[data-testid='stDataFrame']").first).to_be_visible()
        wait_idle(page, quiet_ms=1000)
        page.screenshot(path=str(ARTIFACTS / "survey-preview.png"))
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_text("Imported 4 new and 0 existing cases")).to_be_visible(
            timeout=60_000
        )
        wait_idle(page)
        expect(page.get_by_text("4 answers. Tick a box")).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Save 0 changes").scroll_into_view_if_needed()
        wait_idle(page, quiet_ms=1000)
        page.screenshot(path=str(ARTIFACTS / "survey-grid.png"))
        assert not page.dialogs
    cases = with_project(path, interviews.case_attributes_frame)
    assert sorted(cases["case_name"]) == ["R1", "R2", "R3", "R4"]
    assert dict(zip(cases["case_name"], cases["Sector"]))["R4"] == "Government"
