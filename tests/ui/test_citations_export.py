"""Issue 11 §4-§5 in headless Chromium: the Export page previews citations in the project's style
(a preset picked with the mouse, saved in the project, kept after a reload), the case of a coding
on an interviewer's turn is the interviewer's in the preview, the Analysis page counts
a segment once or every coding, and the HTML report is light and readable at 1400 px and 800 px.

Screenshots go to test-artifacts/ui/citations-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import (
    choose,
    chromium_page,
    click_for_rerun,
    open_page,
    require_chromium,
    wait_idle,
)
from citations_data import citations_app
from playwright.sync_api import expect
from ui_data import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"

require_chromium()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with citations_app(tmp_path_factory, "citations") as app:
        yield app


def open_loaded(page, url: str, name: str) -> None:
    """Open a page and wait for its run to finish, allowing for a loaded machine (the Analysis
    page computes every tab's tables in one run)."""
    page.goto(f"{url}/{name}")
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=120_000)
    wait_idle(page, timeout=120_000)


def example_citation(page) -> str:
    node = page.locator("[data-testid='stText']").filter(has_text="Example citation: ").first
    node.wait_for(timeout=20_000)
    return node.inner_text().split("Example citation: ", 1)[1].strip()


def grid_cells(page, index: int = 0) -> list[str]:
    """Return the texts of the cells of the ``index``-th interactive table (its accessible
    grid)."""
    grid = page.locator("[data-testid='stDataFrame']").nth(index)
    grid.locator("[role='gridcell']").first.wait_for(state="attached", timeout=20_000)
    return grid.locator("[role='gridcell']").all_text_contents()


def test_export_page_previews_and_saves_the_citation_style(app):
    url, path, _ids = app
    with chromium_page() as page:
        open_page(page, url, "export")
        # the default style: speaker, document, turn, no nested brackets
        assert example_citation(page) == "Interviewee, interview-3, turn 3"
        cells = grid_cells(page)
        assert "Interviewer 1 (interview-3)" in cells  # the interviewer's turn: the interviewer
        assert "Interviewer 1, interview-3, turn 4" in cells
        assert "Policy brief, p. 2" in cells
        assert not any("((" in c or "))" in c for c in cells)
        choose(page, "Citation style", "Title (Year), p. 12")
        page.get_by_text("Example citation: interview-3, turn 3").wait_for(timeout=20_000)
        assert "Policy brief (2021), p. 2" in grid_cells(page)
        page.screenshot(path=str(ARTIFACTS / "citations-export-preview.png"))
        save = page.get_by_role("button", name="Use this style for the project")
        click_for_rerun(page, save)
        expect(save).to_have_count(0)  # saved: the project's style is the one shown
        # saved in the project: a new session (reload) starts with it
        page.reload()
        page.wait_for_selector("[data-testid='stMain'] h1", timeout=60_000)
        wait_idle(page)
        assert example_citation(page) == "interview-3, turn 3"
        style = page.locator("[data-testid='stSelectbox']").filter(has_text="Citation style")
        shown = style.first.text_content() + " ".join(
            style.first.locator("input").evaluate_all("els => els.map(e => e.value)")
        )
        assert "Title (Year), p. 12" in shown
    from exports import PRESETS, citation_template
    from projectfile import open_project

    db = open_project(path)
    try:
        assert citation_template(db) == PRESETS["Title (Year), p. 12"]
    finally:
        db.conn.close()


def test_html_report_is_light_and_readable_at_two_widths(app, tmp_path):
    url, _path, _ids = app
    with chromium_page() as page:
        open_page(page, url, "export")
        page.get_by_text("Report (HTML)").first.click()
        wait_idle(page)
        page.get_by_role("button", name="Prepare file").first.click()
        wait_idle(page)
        with page.expect_download() as info:
            page.locator("[data-testid='stDownloadButton'] button").first.click()
        report = tmp_path / "report.html"
        report.write_bytes(Path(info.value.path()).read_bytes())
    size = report.stat().st_size
    assert size < 60_000, size  # was 4.8 MB with plotly.js inlined
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "1 quote from 1 document" in html and "1 quotes" not in html
    for width in (1400, 800):
        with chromium_page(width=width, height=900) as page:
            page.goto(report.as_uri())
            page.wait_for_selector("figure.chart svg")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"the page scrolls sideways at {width} px"
            # every label of every chart lies inside its chart (nothing cut off)
            cut = page.evaluate(
                """() => {
                  const bad = [];
                  for (const svg of document.querySelectorAll('figure.chart svg')) {
                    const box = svg.getBoundingClientRect();
                    for (const t of svg.querySelectorAll('text')) {
                      const r = t.getBoundingClientRect();
                      if (r.left < box.left - 1 || r.right > box.right + 1 ||
                          r.top < box.top - 1 || r.bottom > box.bottom + 1) {
                        bad.push(t.textContent);
                      }
                    }
                  }
                  return bad;
                }"""
            )
            assert cut == [], cut
            # the charts' box is no wider than the page: a wide chart scrolls in its own box
            widths = page.evaluate(
                "[...document.querySelectorAll('figure.chart > div')]"
                ".map(d => d.getBoundingClientRect().right)"
            )
            assert max(widths) <= width
            page.screenshot(path=str(ARTIFACTS / f"citations-report-{width}.png"), full_page=True)


def test_analysis_counts_a_segment_once_or_every_coding(app):
    url, _path, _ids = app
    drift = "Data quality > Drift with a rather long code name to wrap"
    with chromium_page() as page:
        open_loaded(page, url, "analysis")
        page.get_by_role("tab", name="Frequencies").click()
        wait_idle(page, timeout=120_000)

        def drift_codings() -> str:
            grid = page.locator("[data-testid='stDataFrame']").filter(has_text=drift[:20]).first
            grid.wait_for(timeout=20_000)
            cells = grid.locator("[role='gridcell']").all_text_contents()
            i = next(k for k, c in enumerate(cells) if c.startswith(drift[:20]))
            return cells[i + 1]  # code_id, code_path, codings, ...

        assert drift_codings() == "1"  # two coders, one segment: counted once by default
        page.locator("[data-testid='stSidebar'] label").filter(has_text="every coding").click()
        wait_idle(page, timeout=120_000)
        page.wait_for_function(
            """(name) => [...document.querySelectorAll("[data-testid='stDataFrame']")]
                 .some(g => { const c = [...g.querySelectorAll("[role='gridcell']")]
                   .map(x => x.textContent); const i = c.findIndex(t => t.startsWith(name));
                   return i >= 0 && c[i + 1] === '2'; })""",
            arg=drift[:20],
            timeout=20_000,
        )
        page.screenshot(path=str(ARTIFACTS / "citations-analysis-count.png"))
