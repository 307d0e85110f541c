"""The Search page in headless Chromium: hybrid search is the default, an English query shows
Spanish hits labelled ES, "Similar" opens the passages nearest in meaning, and the exact-words
mode finds no Spanish passage for the same query."""

from __future__ import annotations

import re

import pytest
from browser_helpers import chromium_page, open_page, require_chromium, streamlit_server, wait_idle
from playwright.sync_api import expect
from ui_data import ROOT, make_document

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
ENGLISH = [
    "Fictional demo report. The council met in Monterrey to review trade with Texas.",
    "Tariffs on steel rose at the northern border crossing during the renegotiation.",
]
SPANISH = [
    "Documento ficticio de demostración. El instituto técnico forma a cuarenta técnicos al año "
    "en maquinado mediante educación dual con empresas locales.",
    "Los estudiantes pasan tres días a la semana en la planta y dos en el aula.",
    "El presupuesto estatal pagó el primer año de investigación del laboratorio.",
]

require_chromium()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A running app on an indexed project with an English and a Spanish document."""
    from nlp import index_passages
    from projectfile import open_project

    path = tmp_path_factory.mktemp("meaning-browser") / "meaning.qda.sqlite"
    db = open_project(path)
    make_document(db, "Council report (fictional)", ENGLISH)
    make_document(db, "Informe del instituto (ficticio)", SPANISH)
    assert index_passages(db).passages == 5
    db.conn.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(path, ARTIFACTS / "server-meaning-search.log") as url:
        yield url


def search_for(page, url: str, query: str) -> None:
    open_page(page, url, "search")
    box = page.get_by_label("Search the documents")
    box.click()
    page.keyboard.type(query)
    page.keyboard.press("Enter")
    wait_idle(page, timeout=120_000)


def test_hybrid_is_default_and_english_query_shows_spanish_hits(app):
    with chromium_page() as page:
        search_for(page, app, "dual education for technicians")
        mode = page.get_by_role("radiogroup", name="Search by")
        expect(mode.get_by_role("radio", name="Hybrid (words + meaning)")).to_be_checked()
        expect(page.get_by_text("matching passages")).to_be_visible(timeout=60_000)
        first = page.locator("[class*='st-key-hit_']").first
        expect(first).to_contain_text("cuarenta técnicos")
        expect(first).to_contain_text("ES")
        # "dual" also matches by keyword (the words are tried with OR when all of them find nothing)
        expect(first).to_contain_text(re.compile("found by (meaning|both)"))
        page.screenshot(path=str(ARTIFACTS / "meaning-hybrid-en-query-es-hits.png"), full_page=True)

        first.get_by_role("button", name="Similar").click()
        wait_idle(page, timeout=120_000)
        panel = page.locator(".st-key-more_like_panel")
        expect(panel).to_be_visible(timeout=60_000)
        expect(panel).to_contain_text("More like this")
        expect(panel).to_contain_text("tres días a la semana")
        page.screenshot(path=str(ARTIFACTS / "meaning-more-like-this.png"), full_page=True)

        page.locator(".st-key-more_like_panel").get_by_role("button", name="Close").click()
        wait_idle(page)
        mode.get_by_text("Exact words").click()
        wait_idle(page, timeout=60_000)
        expect(page.get_by_text("No passages match.")).to_be_visible(timeout=30_000)
