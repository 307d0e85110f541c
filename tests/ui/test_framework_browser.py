"""The Framework page in a real browser on the bilingual demo project: pick a cell, write its
summary, reload (it is kept, with its author), download the matrix as DOCX and XLSX and open
both; and the grid's edit logic (pure, as data_editor edits cannot be simulated)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from browser_helpers import (
    ROOT,
    choose,
    chromium_page,
    open_page,
    require_chromium,
    streamlit_server,
    wait_idle,
    with_project,
)
from demo_data import demo_copy
from docx import Document
from playwright.sync_api import expect

from coding import cell_summaries
from interviews import cases_frame
from ui.framework_grid import ROW, count_grid, framework_edits, summary_grid

SHOTS = ROOT / "test-artifacts" / "ui"
SUMMARY = "Pide más técnicos & cupos: 50% de la demanda <sin cubrir>."


def test_framework_edits_pure():
    rows = pd.DataFrame({"row_key": ["case:1", "case:2"], "row_label": ["Ana", "Ben"]})
    cols = pd.DataFrame({"code_id": [7, 9], "code_path": ["Talent", "Funding"]})
    summaries = pd.DataFrame(
        {"row_key": ["case:2"], "code_id": [9], "text": ["old"], "author": ["x"]}
    )
    before = summary_grid(rows, cols, summaries)
    assert before.loc["case:2", "Funding"] == "old" and before.loc["case:1", "Talent"] == ""
    after = before.copy()
    after.loc["case:1", "Talent"] = "  new  "
    after.loc["case:2", "Funding"] = None  # cleared
    after.loc["case:1", ROW] = "renamed"  # not editable: ignored
    after.loc["case:9"] = ["added", "x", "y"]  # added rows: ignored
    assert framework_edits(before, after) == [("case:1", 7, "new"), ("case:2", 9, "")]
    assert framework_edits(before, before.copy()) == []
    counts = count_grid(
        rows, cols, pd.DataFrame({"row_key": ["case:1"], "code_id": [9], "codings": [4]})
    )
    assert counts.values.tolist() == [["Ana", 0, 4], ["Ben", 0, 0]]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    tmp = tmp_path_factory.mktemp("framework-ui")
    path = demo_copy(tmp, tmp_path_factory.mktemp("demo-cache"))
    with streamlit_server(path, tmp / "streamlit.log") as url:
        yield url, path


def _pick_cell(page, row: str, code: str) -> None:
    page.get_by_role("tab", name="Cell and quotes").click()
    wait_idle(page)
    choose(page, "Row", row, exact_label=True)
    choose(page, "Code", code, exact_label=True)


def test_framework_matrix_write_summary_export(app, tmp_path):
    url, path = app
    with chromium_page(1500, 1200) as page:
        open_page(page, url, "framework")
        expect(page.get_by_text("Codings per cell")).to_be_visible()
        _pick_cell(page, "Héctor Valdivia", "Talent")
        expect(page.get_by_text("4 codings")).to_be_visible()
        expect(page.get_by_text("No summary yet")).to_be_visible()
        wait_idle(page)
        quotes = page.locator("[data-testid='stTable']").last
        expect(quotes).to_contain_text("Héctor Valdivia, experto-02-consorcio")
        box = page.get_by_label("Summary of this cell")
        box.fill(SUMMARY)
        box.press("Control+Enter")
        wait_idle(page)
        page.get_by_role("button", name="Save summary").click()
        wait_idle(page)
        expect(page.get_by_text("Saved the summary of Héctor Valdivia × Talent")).to_be_visible()
        page.screenshot(path=str(SHOTS / "framework-cell.png"), full_page=True)
        # "Suggest a summary": the cell's own sentences, each cited to Héctor's interview
        page.get_by_role("button", name="Summarise").click()
        first = page.locator(".st-key-fw_suggest_row_0")
        expect(first).to_contain_text("Héctor Valdivia", timeout=180_000)
        expect(page.get_by_role("button", name="Save as memo")).to_be_visible()
        page.screenshot(path=str(SHOTS / "framework-suggest.png"), full_page=True)

        def saved(db):
            hector = cases_frame(db).set_index("name").loc["Héctor Valdivia", "case_id"]
            s = cell_summaries(db)
            return s[s["row_key"] == f"case:{hector}"][["text", "author"]].values.tolist()

        assert with_project(path, saved) == [[SUMMARY, "tester"]]

        page.reload()
        open_page(page, url, "framework")
        grid = page.locator("[data-testid='stDataFrame']").nth(1)
        expect(grid).to_be_visible()
        page.screenshot(path=str(SHOTS / "framework-grid.png"), full_page=True)
        _pick_cell(page, "Héctor Valdivia", "Talent")
        expect(page.get_by_text("Summary written by tester")).to_be_visible()
        wait_idle(page)
        expect(page.get_by_label("Summary of this cell")).to_have_value(SUMMARY)

        page.get_by_role("tab", name="Files").click()
        wait_idle(page)
        docx_path = _download(page, tmp_path, "DOCX")
        doc = Document(docx_path)
        cells = [c.text for r in doc.tables[0].rows for c in r.cells]
        assert any(c.startswith(SUMMARY) for c in cells)
        assert doc.sections[0].page_width > doc.sections[0].page_height
        xlsx_path = _download(page, tmp_path, "XLSX")
        sheet = openpyxl.load_workbook(xlsx_path)["Framework"]
        header = [c.value for c in sheet[1]]
        rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
        assert rows["Héctor Valdivia"][header.index("Talent")].value.startswith(SUMMARY)
        page.screenshot(path=str(SHOTS / "framework-files.png"), full_page=True)


def _download(page, tmp_path: Path, fmt: str) -> Path:
    page.locator("[data-testid='stRadio']").filter(has_text="Format").get_by_text(
        fmt, exact=True
    ).click()
    wait_idle(page)
    page.get_by_role("button", name="Prepare file").click()
    wait_idle(page)
    button = page.locator("[data-testid='stDownloadButton'] button")
    expect(button).to_contain_text(f".{fmt.lower()}")
    with page.expect_download() as info:
        button.click()
    out = tmp_path / info.value.suggested_filename
    info.value.save_as(out)
    return out
