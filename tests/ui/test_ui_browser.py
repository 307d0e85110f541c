"""End to end in headless Chromium: code with the mouse, quick keys, hostile text, upload, search,
export, screenshots.

Screenshots of each step go to test-artifacts/ui/; with QDA_UPDATE_SCREENSHOTS=1 the main pages'
are copied to docs/screenshots/ (the README's quick start).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from browser_helpers import (
    app_on_new_project,
    choose,
    chromium_page,
    click_for_rerun,
    open_list,
    open_page,
    project_codings,
    recording_page,
    require_chromium,
    select_text,
    upload,
    wait_idle,
    with_project,
)
from playwright.sync_api import expect
from ui_data import ACCENTED, PAGES, ROOT, XSS, fill_project

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
DOCS = ROOT / "docs" / "screenshots"

require_chromium()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A running app on a project with data; yields (url, project path, ids)."""
    folder = tmp_path_factory.mktemp("browser")
    with app_on_new_project(
        folder / "browser.qda.sqlite", fill_project, ARTIFACTS / "server.log"
    ) as app:
        yield app


@pytest.fixture
def browser_page():
    """A fresh Chromium page that records any JS dialog (alert) it sees."""
    with recording_page() as page:
        yield page


def shot(page, name: str) -> Path:
    """Save a screenshot of the current page under test-artifacts/ui/."""
    out = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(out), full_page=False)
    return out


def selectbox(page, label: str):
    """The selectbox whose label is exactly ``label`` (other widgets may contain the word)."""
    return page.locator("[data-testid='stSelectbox']").filter(
        has=page.locator("[data-testid='stWidgetLabel']").get_by_text(label, exact=True)
    )


def show_all_coders(page) -> None:
    """Pick 'all coders' in the Code page's 'Show codings of' radio group; wait until it holds."""
    group = page.locator("[data-testid='stRadio']").filter(has_text="Show codings of")
    group.get_by_text("all coders", exact=True).click()
    wait_idle(page)
    expect(group.get_by_role("radio", name="all coders", exact=True)).to_be_checked()


def test_browser_mouse_selection_applies_code_and_shows_highlight(app, browser_page):
    url, path, ids = app
    page = browser_page
    open_page(page, url, "code")
    choose(page, "Document", "Entrevista ficticia")
    select_text(page, "«la innovación 🚀")
    wait_idle(page)
    expect(page.get_by_text("«la innovación 🚀", exact=True).first).to_be_visible()  # preview
    shot(page, "01-code-selection")
    page.locator("input[aria-label^='New code']").fill("Innovation > Late")
    page.get_by_role("button", name="Create and apply").click()
    wait_idle(page)
    mark = page.locator("[data-testid='qda-reader'] mark").filter(has_text="«la innovación 🚀")
    expect(mark.first).to_be_visible()
    shot(page, "02-code-highlight")
    got = project_codings(path, codes="Innovation > Late")
    start = ACCENTED.index("«")
    assert list(zip(got["char_start"], got["char_end"], got["text"], got["coder"])) == [
        (start, ACCENTED.index("🚀") + 1, "«la innovación 🚀", "tester")
    ]
    assert not page.dialogs


def test_browser_quick_key_codes_the_selection(app, browser_page):
    import coding

    url, path, ids = app
    page = browser_page
    with_project(path, lambda db: coding.pin_quick_key(db, "tester", 1, "Policy"))  # per coder
    open_page(page, url, "code")
    choose(page, "Document", "Consortium report")
    before = len(project_codings(path, coders="tester"))
    select_text(page, "consortium 3 of the fictional")
    page.keyboard.press("1")
    wait_idle(page)
    page.locator("[data-testid='qda-reader'] mark").filter(
        has_text="consortium 3 of the fictional"
    ).first.wait_for(timeout=10_000)
    got = project_codings(path, coders="tester")
    assert len(got) == before + 1
    assert "consortium 3 of the fictional" in set(got["text"])
    shot(page, "03-code-quick-key")


def test_browser_hostile_text_is_shown_as_text_on_every_page(app, browser_page):
    url, path, ids = app
    page = browser_page
    open_page(page, url, "code")
    choose(page, "Document", "Hostile document")
    show_all_coders(page)  # (the page may already show all coders, with a caption saying why)
    reader = page.locator("[data-testid='qda-reader']").first
    assert XSS in reader.inner_text()
    assert reader.locator("script, img").count() == 0
    shot(page, "04-xss-code")
    for p in PAGES:
        open_page(page, url, p.stem)
        assert page.locator("[data-testid='stException']").count() == 0, (
            f"{p.stem} shows an exception"
        )
        assert (
            page.locator("a[href^='javascript'], [onerror], [onclick], [onmouseover]").count() == 0
        ), p.stem
    assert page.dialogs == []


def present(locator, timeout: float = 10_000, state: str = "visible") -> bool:
    """Return True when ``locator`` shows up within ``timeout`` ms (Streamlit loads lazily)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        locator.first.wait_for(timeout=timeout, state=state)
        return True
    except PlaywrightTimeout:
        return False


def test_browser_upload_pdf(app, browser_page, shared_pdfs):
    url, path, ids = app
    page = browser_page
    open_page(page, url, "corpus")
    expander = page.locator("[data-testid='stExpander'] summary").filter(has_text="Add documents")
    ingest = page.get_by_role("button", name="Ingest")
    if present(expander, 5_000) and not (ingest.count() and ingest.first.is_visible()):
        expander.first.click()
    up = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    up.first.wait_for(timeout=10_000, state="attached")
    page.get_by_role("button", name="Ingest").first.wait_for(timeout=10_000)
    pdf = shared_pdfs / "la-precinct-bulletin-2014-p1.pdf"
    upload(page, up.first, pdf)
    page.get_by_role("button", name="Ingest").first.click()
    page.get_by_text("Ingested 1").first.wait_for(timeout=120_000)
    wait_idle(page, timeout=120_000)
    shot(page, "05-upload-pdf")
    assert pdf.name in _source_names(path)


def _source_names(path) -> str:
    from corpus import list_documents

    return " ".join(with_project(path, list_documents)["source_name"].astype(str))


def _document_id(path, source: str) -> int:
    from corpus import list_documents

    docs = with_project(path, list_documents)
    hits = docs[docs["source_name"].astype(str).str.contains(source, regex=False)]
    assert len(hits) == 1, hits
    return int(hits["id"].iloc[0])


def test_browser_upload_transcript_then_code_it(app, browser_page, shared_interviews):
    url, path, ids = app
    page = browser_page
    open_page(page, url, "interviews")
    up = page.locator("[data-testid='stFileUploaderDropzoneInput']").first
    up.wait_for(timeout=10_000, state="attached")
    transcript = shared_interviews / "interview-2.txt"
    upload(page, up, transcript)
    click_for_rerun(page, page.get_by_role("button", name="Preview"))
    save = page.get_by_role("button", name="Save to project")
    save.wait_for(timeout=30_000)
    # the preview's tables draw late and move the button: the click is retried if it reached
    # nothing, and the test waits for the app to say it saved
    click_for_rerun(page, save)
    expect(page.get_by_text(re.compile(r"Saved interview-2\S* as document"))).to_be_visible(
        timeout=120_000
    )
    shot(page, "06-upload-transcript")
    assert "interview-2" in _source_names(path)
    page.get_by_role("tab", name="Read").click()
    open_list(
        page,
        selectbox(page, "Transcript"),
        page.get_by_role("option").filter(has_text="interview-2").first,
    )
    page.get_by_role("button", name="Code this transcript").first.click()
    wait_idle(page)
    doc_id = _document_id(path, "interview-2")
    expect(page).to_have_url(re.compile(rf"/code\?.*at={doc_id}%3A"), timeout=15_000)
    reader = page.locator("[data-testid='qda-reader']").first
    reader.wait_for(timeout=15_000)
    # the Code page lands on the transcript's first turn (scrolled, highlighted, selected); let it
    # land before selecting, as a person would
    page.locator("[data-testid='qda-reader'][data-scrolled-to]").wait_for(timeout=15_000)
    wait_idle(page)
    words = [w for w in reader.inner_text().split() if len(w) > 6 and w.isalpha()][:1]
    assert words, "the transcript's text is not in the reader"
    # a drag that starts inside the landed selection would move that text: click to clear it first
    reader.click(position={"x": 2, "y": 2})
    page.wait_for_function("() => document.getSelection().isCollapsed")
    select_text(page, words[0])
    # the toolbar at the selection: type a code's name, Enter applies it
    bar_input = page.locator("[data-testid='qda-toolbar'] [data-testid='qda-bar-input']")
    expect(bar_input).to_be_visible(timeout=10_000)
    bar_input.fill("Policy > Councils")
    bar_input.press("Enter")
    expect(page.locator("[data-testid='qda-toast']")).to_contain_text(
        "with Policy > Councils", timeout=15_000
    )
    page.locator("[data-testid='qda-reader'] mark:not([data-codings=''])").filter(
        has_text=words[0]
    ).first.wait_for(timeout=10_000)
    wait_idle(page)
    shot(page, "06b-transcript-coded")
    got = project_codings(path, coders="tester", codes="Policy > Councils", documents=[doc_id])
    assert words[0] in set(got["text"])


def test_browser_search_and_open_hit(app, browser_page):
    url, path, ids = app
    page = browser_page
    open_page(page, url, "search")
    box = page.locator("[data-testid='stMain'] [data-testid='stTextInput'] input")
    box.first.fill("consortium 45")
    box.first.press("Enter")
    wait_idle(page)
    hit = page.locator("[class*='st-key-hit_']").filter(has_text="consortium 45")
    opener = hit.get_by_role("button", name="Open", exact=True)
    opener.first.wait_for(timeout=10_000)
    shot(page, "07-search")
    opener.first.click()
    # "Open" lands on the Code page, scrolled to the hit, highlighted and selected
    focus = page.locator("[data-testid='qda-reader'] mark.qda-focus")
    expect(focus.first).to_be_visible(timeout=60_000)
    expect(focus.first).to_be_in_viewport(timeout=20_000)
    assert "/code" in page.url
    assert "consortium 45" in " ".join(focus.all_inner_texts())
    expect(page.locator("[data-testid='qda-toolbar']")).to_be_visible()
    wait_idle(page)
    assert "consortium 45" in page.evaluate("() => String(document.getSelection())")
    shot(page, "08-search-hit-opened")
    shot(page, "08b-search-hit-in-code")
    # a document's Markdown stays text in search results too
    open_page(page, url, "search")
    box = page.locator("[data-testid='stMain'] [data-testid='stTextInput'] input").first
    box.fill("clickme")
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("javascript:alert(10)").first.wait_for(timeout=10_000)
    assert (
        page.locator(
            "[data-testid='stMain'] a[href^='javascript'], [data-testid='stMain'] img"
        ).count()
        == 0
    )
    assert not page.dialogs


def test_browser_export_evidence_table(app, browser_page):
    url, path, ids = app
    page = browser_page
    open_page(page, url, "export")
    prepare = page.get_by_role("button", name="Prepare file")
    prepare.first.wait_for(timeout=15_000)
    fmt = selectbox(page, "Format")
    expect(fmt).to_have_count(1)
    open_list(page, fmt, page.get_by_role("option", name="csv", exact=True))
    prepare.first.click()
    wait_idle(page)
    with page.expect_download() as info:
        page.locator("[data-testid='stDownloadButton'] button").first.click()
    assert info.value.suggested_filename.endswith(".csv"), info.value.suggested_filename
    data = Path(info.value.path()).read_bytes().decode("utf-8-sig", errors="replace")
    shot(page, "09-export")
    assert "Policy > Councils" in data and "bob" in data
    assert "Section 1. The US–Mexico innovation" in data
    # an evidence row opens the Code page at that passage, highlighted
    page.get_by_role("button", name="Open in Code page").first.click()
    wait_idle(page)
    page.locator("[data-testid='qda-reader'] mark.qda-focus").first.wait_for(timeout=15_000)
    shot(page, "10-evidence-row-opened-in-code")


def test_browser_auto_apply_codes_each_new_selection(app, browser_page):
    url, path, ids = app
    page = browser_page
    open_page(page, url, "code")
    choose(page, "Document", "Consortium report")
    page.locator("[data-testid='stMultiSelect']").filter(has_text="Codes to apply").first.click()
    page.get_by_role("option").filter(has_text="Policy > Councils").first.click()
    page.keyboard.press("Escape")
    wait_idle(page)
    page.get_by_text("Auto-apply").click()
    wait_idle(page)
    select_text(page, "consortium 5 of the fictional")
    page.locator("[data-testid='qda-reader'] mark").filter(
        has_text="consortium 5 of the fictional"
    ).first.wait_for(timeout=10_000)
    got = project_codings(path, coders="tester", codes="Policy > Councils")
    assert "consortium 5 of the fictional" in set(got["text"])
    shot(page, "11-auto-apply")


def test_browser_screenshots_of_main_pages_light_and_dark(app):
    url, path, ids = app
    DOCS.mkdir(parents=True, exist_ok=True)
    for dark in (False, True):
        with chromium_page(width=1280, height=800, dark=dark) as page:
            suffix = "-dark" if dark else ""
            for name in (
                ["project", "code", "codebook", "analysis", "export", "corpus", "search"]
                if not dark
                else ["code"]
            ):
                open_page(page, url, name)
                if name == "code":
                    show_all_coders(page)
                    wait_idle(page)
                out = shot(page, f"page-{name}{suffix}")
                if os.environ.get("QDA_UPDATE_SCREENSHOTS") and (
                    name in ("project", "corpus", "code", "codebook", "analysis", "export") or dark
                ):
                    shutil.copyfile(out, DOCS / f"{name}{suffix}.png")
            if dark:
                bg = page.evaluate(
                    "getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"
                )
                rgb = [int(x) for x in bg[bg.index("(") + 1 : bg.index(")")].split(",")[:3]]
                assert sum(rgb) < 200, f"dark theme not applied: {bg}"
