"""From a search hit to a coding in one step, in headless Chromium with mouse and keyboard:
"Open" lands on the reader scrolled to the hit, highlighted and selected; "Code this hit" and
"Code all hits" (preview, then one undoable batch) at sentence, paragraph or turn level."""

from __future__ import annotations

import pytest
from browser_helpers import (
    app_on_new_project,
    open_page,
    project_codings,
    recording_page,
    require_chromium,
    wait_idle,
)
from playwright.sync_api import expect
from ui_data import ROOT, make_document

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
TRANSCRIPT = (
    "Interviewer: How did the wolframite suppliers cope?\n\n"
    "Ana Ruiz: The wolframite suppliers trained their own staff. It took years.\n\n"
    "Interviewer: Thank you.\n"
)

require_chromium()


def long_report() -> list[str]:
    """150 fictional paragraphs; paragraph 120 alone names 'wolframite', two sentences in."""
    paras = [
        f"Paragraph {i}. The fictional council reviewed the regional programme in session {i}."
        for i in range(1, 151)
    ]
    paras[119] = (
        "Paragraph 120. The council met again. The wolframite consortium asked for training "
        "money. Nobody objected."
    )
    return paras


def fill_search_project(db) -> dict:
    """A long report and a transcript, two codes; returns their ids."""
    import coding
    from interviews import parse_transcript, store_transcript

    ids = {"report": make_document(db, "Long report (fictional)", long_report(), pages=1)}
    data = TRANSCRIPT.encode()
    ids["interview"] = store_transcript(
        db, parse_transcript("ana.txt", data=data, name="ana.txt"), data
    )
    ids["minerals"] = coding.add_code(db, "Minerals", color="#e15759")
    ids["training"] = coding.add_code(db, "Training", color="#4e79a7")
    return ids


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A running app on a project with a long report and a transcript; yields (url, path, ids)."""
    path = tmp_path_factory.mktemp("session-search") / "search.qda.sqlite"
    log = ARTIFACTS / "server-session-search.log"
    with app_on_new_project(path, fill_search_project, log) as app:
        yield app


@pytest.fixture
def page():
    with recording_page() as p:
        yield p


def search_for(page, url: str, query: str) -> None:
    open_page(page, url, "search")
    box = page.get_by_label("Search the documents")
    box.click()
    page.keyboard.type(query)
    page.keyboard.press("Enter")
    expect(page.get_by_text("matching passages")).to_be_visible(timeout=30_000)
    wait_idle(page)


def pick_code(page, name: str, level: str) -> None:
    bar = page.locator(".st-key-search_code_bar")
    bar.locator("[data-testid='stSelectbox']").click()
    page.get_by_role("option", name=name, exact=True).click()
    wait_idle(page)
    bar.locator("[data-testid='stButtonGroup']").get_by_text(level, exact=True).click()
    wait_idle(page)


def hit(page, has_text: str):
    return page.locator("[class*='st-key-hit_']").filter(has_text=has_text)


def test_open_lands_on_the_reader_scrolled_highlighted_selected(app, page):
    url, path, ids = app
    search_for(page, url, "wolframite consortium")
    hit(page, "Paragraph 120").get_by_role("button", name="Open", exact=True).click()
    focus = page.locator("[data-testid='qda-reader'] mark.qda-focus")
    expect(focus.first).to_be_visible(timeout=60_000)
    expect(focus.first).to_be_in_viewport(timeout=20_000)
    assert "/code" in page.url and f"at={ids['report']}%3A" in page.url
    # the paragraph level highlights the whole hit passage and makes it the selection
    expect(focus.first).to_contain_text("Paragraph 120. The council met again.")
    toolbar = page.locator("[data-testid='qda-toolbar']")
    expect(toolbar).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "session-search-open.png"))
    page.locator("[data-testid='qda-bar-input']").fill("Minerals")
    page.locator("[data-testid='qda-bar-input']").press("Enter")
    expect(page.locator("[data-testid='qda-toast']")).to_contain_text("with Minerals")
    got = project_codings(path, coders="tester", codes="Minerals")
    assert list(got["text"]) == [long_report()[119]]
    assert not page.dialogs


def test_code_this_hit_at_sentence_level_and_undo(app, page):
    url, path, ids = app
    search_for(page, url, "wolframite")
    pick_code(page, "Training", "sentence")
    hit(page, "Paragraph 120").get_by_role("button", name="Code this hit").click()
    expect(page.locator(".st-key-search_code_bar")).to_contain_text("Coded “The wolframite")
    expect(hit(page, "Paragraph 120")).to_contain_text("✓ Training (sentence)")
    got = project_codings(path, coders="tester", codes="Training")
    assert list(got["text"]) == ["The wolframite consortium asked for training money."]
    # the turn level codes the speaker's turn
    pick_code(page, "Training", "turn")
    hit(page, "trained their own staff").get_by_role("button", name="Code this hit").click()
    expect(hit(page, "trained their own staff")).to_contain_text("✓ Training (turn)")
    got = project_codings(path, coders="tester", codes="Training", documents=[ids["interview"]])
    assert list(got["text"]) == ["The wolframite suppliers trained their own staff. It took years."]
    page.locator(".st-key-search_code_bar").get_by_role("button", name="↶ Undo").click()
    expect(page.locator(".st-key-search_code_bar")).to_contain_text("Undid")
    expect(hit(page, "trained their own staff")).not_to_contain_text("✓ Training (turn)")
    assert project_codings(
        path, coders="tester", codes="Training", documents=[ids["interview"]]
    ).empty
    page.screenshot(path=str(ARTIFACTS / "session-search-code-hit.png"))


def test_code_all_hits_preview_then_one_undoable_batch(app, page):
    url, path, ids = app
    search_for(page, url, "wolframite")
    pick_code(page, "Minerals", "paragraph")
    bar = page.locator(".st-key-search_code_bar")
    bar.get_by_role("button", name="Code all 3 hits…").click()
    expect(bar.get_by_text("Preview: 3 codings")).to_be_visible()
    before = len(project_codings(path, codes="Minerals"))
    page.screenshot(path=str(ARTIFACTS / "session-search-preview.png"))
    bar.get_by_role("button", name="Save 3 codings").click()
    expect(bar).to_contain_text("as one batch")
    after = project_codings(path, coders="tester", codes="Minerals")
    new = after[after["batch_id"].notna()]
    assert len(new) == 3 - (before > 0) and new["batch_id"].nunique() == 1
    bar.get_by_role("button", name="↶ Undo").click()
    expect(bar).to_contain_text("Undid")
    left = project_codings(path, coders="tester", codes="Minerals")
    assert left["batch_id"].isna().all()
    assert not page.dialogs
