"""The Code page in headless Chromium: "More like this" on a coding's card lists the passages
nearest in meaning that the coding's code does not hold yet (a Spanish translation of a similar
English passage; not the one already coded), "Code with <code>" codes one for this coder as one
undoable action, and the reader shows which pages of its window were read by OCR."""

from __future__ import annotations

import hashlib
import re

import pytest
from browser_helpers import (
    app_on_new_project,
    choose,
    click_for_rerun,
    open_page,
    project_codings,
    recording_page,
    require_chromium,
    wait_idle,
)
from playwright.sync_api import expect
from ui_data import ROOT, make_document

from corpus import Document, Page, Segment, store_document

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
CODER = "tester"  # the coder browser_helpers.streamlit_server gives the app
CODE = "Dual training"
CODED = "Apprentices spend three days a week at the factory and two days in the classroom."
ALSO_CODED = "Trainees alternate between the workshop floor and lessons at school every week."
TRANSLATION = "Los aprendices pasan tres días a la semana en la fábrica y dos días en el aula."
ENGLISH = [
    "Fictional workshop notes. " + CODED,
    "The mayor opened the new bridge over the river on a rainy Monday.",
    "Bus fares went up twice last year and the riders complained.",
]
SPANISH = [
    "Notas ficticias del taller. " + TRANSLATION,
    "El presupuesto municipal pagó la pintura del mercado central.",
    "La biblioteca cierra los domingos por falta de personal.",
]
OTHER = ["Fictional memo. " + ALSO_CODED, "The clinic opens at eight in the morning."]
# the scanned document: page 1 has a text layer, pages 2-3 were read by OCR with these mean word
# confidences, page 4 is a scan still waiting for OCR (no text)
SCAN_PAGES = [
    ("Minutes of the fictional water board, typed page.", "text", None),
    ("The board agreed to repair the pumps before the dry season.", "ocr", 90.0),
    ("Residents asked for a public meeting in the school hall.", "ocr", 92.0),
    ("", "ocr_needed", None),
]
SCAN_TITLE = "Water board minutes (fictional scan)"

require_chromium()


def store_scanned(db) -> int:
    """Store SCAN_PAGES as one document, pages marked as OCR'd through corpus (no tesseract)."""
    text, pages, segs = "", [], []
    for n, (para, source, confidence) in enumerate(SCAN_PAGES, start=1):
        if text and para:
            text += "\n\n"
        start = len(text)
        text += para
        pages.append(Page(n, start, len(text), source, confidence))
        if para:
            segs.append(Segment(start, len(text), "paragraph", page=n))
    doc = Document(
        text=text,
        title=SCAN_TITLE,
        source_name="water-board.pdf",
        kind="policy",
        pages=pages,
        segments=segs,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        size=len(text.encode()),
    )
    return store_document(db, doc)


def fill(db) -> dict:
    """Three small documents (English, Spanish), one code on two English passages, indexed."""
    import coding
    from corpus import get_text
    from nlp import index_passages

    ids = {
        "notes": make_document(db, "Workshop notes (fictional)", ENGLISH),
        "notas": make_document(db, "Notas del taller (ficticias)", SPANISH),
        "memo": make_document(db, "Training memo (fictional)", OTHER),
        "scan": store_scanned(db),
    }
    ids["code"] = coding.add_code(db, CODE, color="#4e79a7")
    for doc, passage in (("notes", CODED), ("memo", ALSO_CODED)):
        at = get_text(db, ids[doc]).index(passage)
        coding.code_span(db, ids[doc], at, at + len(passage), CODE, CODER)
    assert index_passages(db).passages == 11
    return ids


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A running app on the filled project; yields ``(url, project, ids)``."""
    path = tmp_path_factory.mktemp("code-more-like") / "more-like.qda.sqlite"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with app_on_new_project(path, fill, ARTIFACTS / "server-code-more-like.log") as running:
        yield running


def open_document(page, url: str, title: str, view: str = "") -> None:
    """Open the Code page (``view`` e.g. '?view=whole') on the document ``title``."""
    open_page(page, url, "code" + view)
    choose(page, "Document", title, exact_label=True)
    expect(page.get_by_role("combobox", name="Document", exact=True)).to_have_value(
        re.compile(re.escape(title))
    )


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"code-more-like-{name}.png"), full_page=True)


def test_more_like_this_lists_the_spanish_translation_and_codes_it(app):
    url, path, ids = app
    with recording_page() as page:
        more_like_flow(page, url, path, ids)


def more_like_flow(page, url: str, path, ids: dict) -> None:
    mine = project_codings(path, documents=[ids["notes"]])
    coding_id = int(mine["coding_id"].iloc[0])
    open_document(page, url, "Workshop notes (fictional)")
    card = page.locator(f".st-key-code_card_{coding_id}")
    expect(card).to_contain_text("three days a week")
    card.get_by_text("Edit, recode, memo, delete").click()
    click_for_rerun(page, card.get_by_role("button", name="More like this"))  # expander just opened
    wait_idle(page, timeout=120_000)
    panel = page.locator(".st-key-code_more_like_panel")
    expect(panel).to_be_visible(timeout=60_000)
    expect(panel).to_contain_text("not yet coded " + CODE)
    spanish = panel.locator("[class*='st-key-code_more_like_hit_']").filter(
        has_text="tres días a la semana"
    )
    expect(spanish).to_have_count(1)
    expect(spanish).to_contain_text("ES")
    expect(spanish).to_contain_text("Notas del taller (ficticias)")
    # the coding's own passage and the other passage coded with the code are left out
    expect(panel).not_to_contain_text("Apprentices spend")
    expect(panel).not_to_contain_text("Trainees alternate")
    expect(panel).to_contain_text("La biblioteca cierra")  # other passages are listed
    shot(page, "panel")

    # Open puts the reader on the passage, in the other document; the panel stays
    spanish.get_by_role("button", name="Open").click()
    wait_idle(page)
    expect(page.get_by_role("combobox", name="Document", exact=True)).to_have_value(
        re.compile("Notas del taller")
    )
    focus = page.locator("[data-testid='qda-reader'] mark.qda-focus")
    expect(focus.first).to_contain_text("tres días a la semana")
    expect(spanish).to_be_visible()

    spanish.get_by_role("button", name=f"Code with {CODE}").click()
    wait_idle(page)
    expect(spanish).to_have_count(0)  # coded now: no longer "not yet coded"
    got = project_codings(path, codes=CODE, documents=[ids["notas"]])
    assert len(got) == 1
    assert got["coder"].iloc[0] == CODER
    assert TRANSLATION in got["text"].iloc[0]
    shot(page, "coded")

    page.locator(".st-key-code_undo").get_by_role("button").click()
    wait_idle(page)
    expect(spanish).to_have_count(1)
    assert project_codings(path, codes=CODE, documents=[ids["notas"]]).empty
    assert len(project_codings(path, codes=CODE)) == 2
    assert not page.dialogs


def test_reader_names_the_pages_read_by_ocr(app):
    with recording_page() as page:
        ocr_flow(page, app[0])


def ocr_flow(page, url: str) -> None:
    open_document(page, url, SCAN_TITLE)
    main = page.locator("[data-testid='stMain']")
    ocr = page.locator(".st-key-code_ocr")
    expect(main.get_by_text("Minutes of the fictional water board")).to_be_visible()
    expect(ocr.get_by_role("img", name="document_scanner icon")).to_have_count(0)
    page.get_by_role("button", name="▶").click()
    wait_idle(page)
    expect(ocr).to_contain_text("Page 2 read by OCR, mean word confidence 90%")
    expect(ocr.get_by_role("img", name="document_scanner icon")).to_be_visible()
    page.get_by_role("button", name="▶").click()
    wait_idle(page)
    expect(ocr).to_contain_text("Page 3 read by OCR, mean word confidence 92%")
    expect(ocr).to_contain_text("Page 4: scanned, no text layer")
    shot(page, "ocr-page-3")
    # the whole document in one window: the OCR'd pages together, with their mean confidence
    open_document(page, url, SCAN_TITLE, view="?view=whole")
    expect(ocr).to_contain_text("Pages 2-3 read by OCR, mean word confidence 91%")
    expect(ocr).to_contain_text("Page 4: scanned, no text layer")
    shot(page, "ocr-whole")
    assert not page.dialogs
