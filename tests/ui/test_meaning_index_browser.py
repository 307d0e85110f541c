"""Meaning indexing follows an upload by itself, in headless Chromium: a Spanish document
uploaded on the Corpus page is found by an English query on the Search page, with no "Index now"
anywhere; the page's progress bar goes away once the background job is done."""

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
from playwright.sync_api import expect
from ui_data import ROOT, make_document

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
ENGLISH = [
    "Fictional report. The council met in Monterrey to review trade with Texas.",
    "Tariffs on steel rose at the northern border crossing during the renegotiation.",
]
SPANISH = (
    "Documento ficticio. Los aprendices pasan tres días a la semana en la fábrica y dos en el "
    "aula del instituto técnico."
)

require_chromium()


def test_meaning_index_progress_then_search(tmp_path):
    from projectfile import open_project

    path = tmp_path / "follow.qda.sqlite"
    db = open_project(path)
    make_document(db, "Council report (fictional)", ENGLISH)
    db.conn.close()
    spanish = tmp_path / "aprendices.txt"
    spanish.write_text(SPANISH, encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(path, ARTIFACTS / "server-meaning-follow.log") as url:
        with chromium_page() as page:
            open_page(page, url, "corpus")
            expander = page.locator("[data-testid='stExpander'] summary").filter(
                has_text="Add documents"
            )
            ingest = page.get_by_role("button", name="Ingest")
            if expander.count() and not (ingest.count() and ingest.first.is_visible()):
                expander.first.click()
            up = page.locator("[data-testid='stFileUploaderDropzoneInput']")
            up.first.wait_for(timeout=10_000, state="attached")
            upload(page, up.first, spanish)
            page.get_by_role("button", name="Ingest").first.click()
            page.get_by_text("Ingested 1").first.wait_for(timeout=120_000)
            wait_idle(page, timeout=120_000)

            open_page(page, url, "search")
            expect(page.get_by_role("button", name="Index now")).to_have_count(0)
            # the background job's bar while it runs (the model loads first: on a loaded machine
            # minutes), then nothing: the index is complete
            expect(page.locator("[data-testid='stProgress']")).to_have_count(0, timeout=600_000)
            wait_idle(page, timeout=60_000)
            box = page.get_by_label("Search the documents")
            box.click()
            page.keyboard.type("apprentices at the factory")
            page.keyboard.press("Enter")
            wait_idle(page, timeout=120_000)
            first = page.locator("[class*='st-key-hit_']").first
            expect(first).to_contain_text("tres días a la semana", timeout=60_000)
            expect(page.get_by_role("button", name="Index now")).to_have_count(0)
            page.screenshot(path=str(ARTIFACTS / "meaning-follows-upload.png"), full_page=True)
