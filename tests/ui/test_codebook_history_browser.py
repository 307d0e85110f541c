"""Codebook history in headless Chromium: two named snapshots saved in the app, a rename and a
merge between them, the comparison table and the history list show them."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    app_on_new_project,
    open_page,
    recording_page,
    require_chromium,
    wait_idle,
    with_project,
)
from playwright.sync_api import expect
from ui_data import ROOT, make_document

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"

require_chromium()

TEXT = "Talent left for Texas. Funding came late. Public money was slow."


def fill(db) -> dict:
    import coding

    doc = make_document(db, "Notes (fictional)", [TEXT])
    coding.add_code(db, "Talent", coder="tester")
    coding.add_code(db, "Funding", coder="tester")
    coding.add_code(db, "Money", coder="tester")
    for needle, code in (("Talent left", "Talent"), ("Public money", "Money")):
        s = TEXT.index(needle)
        coding.code_span(db, doc, s, s + len(needle), code, "tester")
    return {"doc": doc}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("codebook-history") / "history.qda.sqlite"
    with app_on_new_project(path, fill, ARTIFACTS / "server-codebook-history.log") as app:
        yield app


def _snapshot(page, name: str) -> None:
    box = page.get_by_label("Snapshot name")
    box.fill(name)
    page.get_by_role("button", name="Save snapshot").click()
    expect(page.get_by_text(f"Saved snapshot '{name}'.")).to_be_visible(timeout=30_000)
    wait_idle(page)


def test_codebook_history_snapshots_compare(app):
    import coding

    url, path, _ids = app
    with recording_page(height=1400) as page:
        open_page(page, url, "codebook")
        expect(page.get_by_text("History and versions")).to_be_visible()
        _snapshot(page, "round 1")
        with_project(path, lambda db: coding.update_code(db, "Talent", "tester", name="Skills"))
        with_project(path, lambda db: coding.merge_codes(db, "Money", "Funding", "tester"))
        open_page(page, url, "codebook")
        _snapshot(page, "after consensus")
        table = page.locator(".st-key-compare_table")
        expect(table).to_be_visible(timeout=30_000)
        expect(table).to_contain_text("renamed")
        expect(table).to_contain_text("merged")
        expect(table).to_contain_text("in 'round 1'")  # the snapshots' names head their columns
        events = page.locator(".st-key-history_table")
        expect(events).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"))  # local time
        expect(events).not_to_contain_text(re.compile(r"\d\dT\d\d"))  # never raw ISO
        later = page.locator("[data-testid='stSelectbox']").filter(has_text="with")
        expect(later.get_by_role("combobox")).to_have_value("after consensus")
        expect(page.get_by_role("button", name="History (DOCX)")).to_be_visible()
        page.get_by_role("button", name="History (DOCX)").scroll_into_view_if_needed()
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "codebook-history.png"))
        assert not page.dialogs
    got = with_project(path, lambda db: coding.compare_snapshots(db, "round 1", "after consensus"))
    assert sorted(got["change"]) == ["merged", "renamed"]
    assert list(with_project(path, coding.snapshots_frame)["created_by"]) == ["tester", "tester"]
