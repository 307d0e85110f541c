"""Issue 24 in headless Chromium: "Code all hits" on the three-column Federal Register PDF starts
at the Auto level (sentences in a PDF), so no previewed quote is over the limit or stops
mid-sentence; at paragraph level the quotes over the project's limit (here 800) are red."""

from __future__ import annotations

import pytest
from browser_helpers import app_on_new_project, project_codings, require_chromium, wait_idle
from playwright.sync_api import expect
from test_session_search import page, search_for  # noqa: F401  (page is a fixture)
from ui_data import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
FR = ROOT.parent / "shared" / "corpus" / "pdf" / "federal-register-2020-17221.pdf"

require_chromium()


def fill(db) -> dict:
    import coding
    from corpus import store_document, sync_search_index
    from corpus.pdf import pdf_to_document

    doc = store_document(db, pdf_to_document(FR), segment_language=False)
    sync_search_index(db)
    coding.set_quote_limit(db, 800)  # the notice's longest paragraph on checklists has 859
    return {"doc": doc, "code": coding.add_code(db, "Checklists", color="#4e79a7")}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    if not FR.exists():
        pytest.skip("../shared/corpus/pdf is not present")
    path = tmp_path_factory.mktemp("pdf-hits") / "pdf.qda.sqlite"
    with app_on_new_project(path, fill, ARTIFACTS / "server-pdf-hits.log") as app:
        yield app


def test_code_all_hits_on_a_pdf_previews_sentences(app, page):  # noqa: F811
    from corpus import ends_sentence

    url, path, ids = app
    search_for(page, url, "checklist")
    bar = page.locator(".st-key-search_code_bar")
    bar.locator("[data-testid='stSelectbox']").click()
    page.get_by_role("option", name="Checklists", exact=True).click()
    wait_idle(page)
    expect(
        bar.locator("[data-testid='stButtonGroup']").get_by_text("Auto", exact=True)
    ).to_be_visible()
    bar.get_by_role("button", name="Code all").click()
    expect(bar.get_by_text("(auto level)")).to_be_visible(timeout=30_000)
    wait_idle(page)
    expect(bar.get_by_text("longer than 800 characters")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "pdf-code-all-hits-auto.png"), full_page=True)
    bar.get_by_role("button", name="Save").first.click()
    expect(bar).to_contain_text("as one batch")
    got = project_codings(path, coders="tester", codes="Checklists")
    assert len(got) >= 10
    assert (got["text"].str.len() <= 800).all()
    assert got["text"].map(ends_sentence).mean() > 0.9
    # the paragraph level flags the long quotes red
    bar.locator("[data-testid='stButtonGroup']").get_by_text("paragraph", exact=True).click()
    wait_idle(page)
    bar.get_by_role("button", name="Code all").click()
    expect(bar.get_by_text("(paragraph level)")).to_be_visible(timeout=30_000)
    expect(bar.get_by_text("longer than 800 characters")).to_be_visible()
    wait_idle(page)
    page.screenshot(path=str(ARTIFACTS / "pdf-code-all-hits-paragraph.png"), full_page=True)
    assert not page.dialogs
