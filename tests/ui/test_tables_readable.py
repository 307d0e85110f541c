"""Issue 11 §7 in headless Chromium: tables a person reads. Dates as dates, empty values blank
(not 'None': read from the screen by OCR, since the grid draws on a canvas), no 'pages 0' for a
document without pages, page lists in words, no hex colour column, disagreement text wrapped.

Screenshots go to test-artifacts/ui/tables-*.png.
"""

from __future__ import annotations

import io
import re

import pytest
from browser_helpers import (
    chromium_page,
    open_page,
    require_chromium,
    wait_idle,
)
from citations_data import citations_app
from ui_data import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")

require_chromium()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with citations_app(tmp_path_factory, "tables") as app:
        yield app


def rows(grid) -> list[list[str]]:
    """Return the header and the rows of an interactive table from its accessible grid."""
    grid.locator("[role='gridcell']").first.wait_for(state="attached", timeout=20_000)
    return grid.evaluate(
        """g => [...g.querySelectorAll("tr")].map(
             r => [...r.querySelectorAll("th, td")].map(c => c.textContent))"""
    )


def screen_text(locator) -> str:
    """Return what the screen shows of ``locator`` (OCR of its screenshot)."""
    import pytesseract
    from PIL import Image, ImageOps

    image = Image.open(io.BytesIO(locator.screenshot()))
    image = ImageOps.grayscale(image).resize((image.width * 2, image.height * 2))
    return pytesseract.image_to_string(image)


def test_documents_table_reads_like_a_table(app):
    url, _path, _ids = app
    with chromium_page() as page:
        open_page(page, url, "corpus")
        grid = page.locator("[data-testid='stDataFrame']").first
        table = rows(grid)
        head, body = table[0], {r[1]: dict(zip(table[0], r)) for r in table[1:]}
        assert "pages" in head and "color" not in head
        assert body["Field note"]["pages"] == "" and body["interview-3"]["pages"] == ""
        assert body["Policy brief"]["pages"] == "2"
        assert body["Policy brief"]["date"] == "2021-03-04"
        assert body["Policy brief"]["warnings"] == "without a text layer (OCR needed) — page 8"
        seen = screen_text(grid)
        assert "None" not in seen and "nan" not in seen.split(), seen
        page.screenshot(path=str(ARTIFACTS / "tables-corpus.png"))
        # the ingest log: dates as dates (no ISO 'T', no time zone)
        page.get_by_text("Ingest log").click()
        wait_idle(page)
        log_grid = page.locator("[data-testid='stDataFrame']").nth(1)
        log = rows(log_grid)
        at = log[0].index("at")
        assert log[1:] and all(DATE.match(r[at]) for r in log[1:]), log
        assert "None" not in screen_text(log_grid)


def test_project_page_dates_are_dates(app):
    url, _path, _ids = app
    with chromium_page() as page:
        open_page(page, url, "project")
        grids = page.locator("[data-testid='stDataFrame']")
        page.wait_for_function(  # both tables drawn (a grid's module may still be loading)
            """() => [...document.querySelectorAll("[data-testid='stDataFrame']")].filter(
                 g => [...g.querySelectorAll('th')].some(
                   th => ['at', 'last'].includes(th.textContent.trim()))).length >= 2""",
            timeout=30_000,
        )
        found = 0
        for i in range(grids.count()):
            table = rows(grids.nth(i))
            for name in ("at", "last"):
                if name in table[0]:
                    col = table[0].index(name)
                    assert all(DATE.match(r[col]) for r in table[1:]), table
                    found += 1
        assert found == 2  # codings per coder (last) and latest imports (at)
        last = page.get_by_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))
        assert last.count() >= 1  # 'Last activity' as a date, not '2026-11-26T01:12:17+00:00'
        assert page.get_by_text(re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")).count() == 0
        page.screenshot(path=str(ARTIFACTS / "tables-project.png"))


def test_disagreement_text_wraps(app):
    url, _path, _ids = app
    with chromium_page(width=1400) as page:
        open_page(page, url, "analysis")
        page.get_by_role("tab", name="Agreement").click()
        wait_idle(page)
        cell = page.locator("[data-testid='stTable'] td").filter(has_text="nobody read").first
        cell.wait_for(timeout=30_000)
        box = cell.evaluate(
            """c => ({h: c.getBoundingClientRect().height,
                      line: parseFloat(getComputedStyle(c).lineHeight) || 20,
                      sw: c.scrollWidth, cw: c.clientWidth})"""
        )
        assert box["h"] > 2.5 * box["line"], box  # several lines, not one cut-off line
        assert box["sw"] <= box["cw"] + 1, box
        headers = page.locator("[data-testid='stTable'] th").all_text_contents()
        assert "case" in headers
        cell.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "tables-disagreements.png"))
