"""Scanned pages after `cli.py ingest`, in headless Chromium: a scanned Spanish page and a mixed
text/scanned PDF are found by search and coded from the hit; the reader shows the OCR badge on
the scanned page (not on the text page) and the page image beside the text on request."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from browser_helpers import chromium_page, open_page, require_chromium, streamlit_server, wait_idle
from playwright.sync_api import expect
from ui_data import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"

require_chromium()


def _scan_fixtures():
    """Return tests/corpus/scan_fixtures (the reproducible scans the OCR tests use)."""
    folder = str(ROOT / "tests" / "corpus")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    import scan_fixtures

    return scan_fixtures


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A running app on a project filled by `cli.py ingest` with two scanned PDFs."""
    scans = _scan_fixtures()
    scans.require_tesseract()
    import coding
    from projectfile import open_project

    folder = tmp_path_factory.mktemp("ocr-browser")
    pdfs = folder / "pdfs"
    pdfs.mkdir()
    scans.make_scanned_pdf(pdfs / "acta-consejo.pdf", [scans.SPANISH])
    english = scans.ENGLISH
    scans.make_mixed_pdf(pdfs / "transport-minutes.pdf", [english[:3]], [english[3:]])
    path = folder / "ocr.qda.sqlite"
    done = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "ingest", str(pdfs), "--project", str(path)],
        capture_output=True,
        text=True,
        timeout=400,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    db = open_project(path)
    coding.add_code(db, "Water", color="#4e79a7")
    db.conn.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(path, ARTIFACTS / "server-ocr.log") as url:
        yield url, path


@pytest.fixture
def page():
    with chromium_page() as p:
        yield p


def _hit(page, has_text: str):
    return page.locator("[class*='st-key-hit_']").filter(has_text=has_text)


def _search(page, url: str, query: str) -> None:
    open_page(page, url, "search")
    box = page.get_by_label("Search the documents")
    box.click()
    page.keyboard.type(query)
    page.keyboard.press("Enter")
    expect(page.get_by_text("matching passages")).to_be_visible(timeout=30_000)
    wait_idle(page)


def test_scanned_spanish_page_is_searchable_and_codable(app, page):
    url, path = app
    _search(page, url, "agua potable")
    hit = _hit(page, "agua potable")
    expect(hit.first).to_be_visible()
    bar = page.locator(".st-key-search_code_bar")
    bar.locator("[data-testid='stSelectbox']").click()
    page.get_by_role("option", name="Water", exact=True).click()
    wait_idle(page)
    hit.first.get_by_role("button", name="Code this hit").click()
    expect(hit.first).to_contain_text("✓ Water")
    page.screenshot(path=str(ARTIFACTS / "ocr-search-coded.png"))
    import coding
    from projectfile import open_project

    db = open_project(path)
    try:
        got = coding.codings_frame(db, codes="Water")
    finally:
        db.conn.close()
    assert len(got) == 1 and "agua potable" in got["text"].iloc[0]
    # the mixed PDF's scanned page is found too
    _search(page, url, "consultation plan")
    expect(_hit(page, "consultation plan").first).to_be_visible()


def test_reader_shows_ocr_badges_and_the_page_image(app, page):
    url, _path = app
    open_page(page, url, "corpus")
    reader = page.locator("[data-testid='stMain']")
    page.get_by_role("combobox", name="Document", exact=True).last.click()
    page.get_by_role("option", name="transport-minutes", exact=True).click()
    wait_idle(page)
    # page 1 has a text layer: no badge
    expect(reader.get_by_text("Minutes of the Regional Transport Committee")).to_be_visible()
    expect(reader.get_by_role("img", name="document_scanner icon")).to_have_count(0)
    number = page.get_by_label("Page (of 2)")
    number.fill("2")
    number.press("Enter")
    wait_idle(page)
    expect(reader.get_by_text("read by OCR, mean word confidence")).to_be_visible()
    expect(reader.get_by_role("img", name="document_scanner icon")).to_be_visible()
    expect(reader.get_by_text(re.compile(r"OCR$")).first).to_be_visible()
    expect(reader.get_by_text("consult residents before the next meeting")).to_be_visible()
    page.get_by_text("Page image", exact=True).click()
    wait_idle(page)
    image = reader.locator("[data-testid='stImage'] img").first
    expect(image).to_be_visible(timeout=30_000)
    assert image.evaluate("img => img.naturalWidth") > 500
    image.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "ocr-reader-badge-image.png"), full_page=True)
    assert Path(ARTIFACTS / "ocr-reader-badge-image.png").stat().st_size > 0
