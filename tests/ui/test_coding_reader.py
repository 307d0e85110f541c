"""Coding stays next to the text, in headless Chromium on a 150-turn interview: the Code page opens
on all coders when the coder has none here, the toolbar at the selection and the panel beside the
reader stay in reach half-way down, code names sit in the margin (select, remove, undo), and
"Show" opens a passage scrolled to, highlighted and selected.

Screenshots go to test-artifacts/ui/coding-*.png.
"""

from __future__ import annotations

import pytest
from browser_helpers import (
    app_on_new_project,
    click_for_rerun,
    project_codings,
    recording_page,
    require_chromium,
    select_text,
    wait_idle,
    with_project,
)
from long_interview_data import fill_long_interview
from playwright.sync_api import expect
from ui_data import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
LABELS = "[data-testid='qda-margin-label']"

require_chromium()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A running app on a project holding the long interview; yields (url, path, ids)."""
    path = tmp_path_factory.mktemp("coding-reader") / "long.qda.sqlite"
    with app_on_new_project(
        path, fill_long_interview, ARTIFACTS / "server-coding-reader.log"
    ) as app:
        yield app


@pytest.fixture
def page():
    with recording_page() as p:
        yield p


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"coding-{name}.png"))


def open_long(page, url: str) -> None:
    """Open the Code page on the whole interview (no paging: the longest reader there is)."""
    page.goto(f"{url}/code?view=whole")
    reader = page.locator("[data-testid='qda-reader']").filter(has_text="marker-148")
    reader.wait_for(timeout=60_000)
    wait_idle(page)


def scroll_top(page) -> float:
    """Return how far the app's scroll container is scrolled down (px)."""
    return page.evaluate(
        """() => Math.max(document.scrollingElement.scrollTop,
             ...Array.from(document.querySelectorAll('main, div')).map((e) => e.scrollTop))"""
    )


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_opens_on_all_coders_when_the_coder_has_no_codings_here(app, page):
    url, path, ids = app
    open_long(page, url)
    radio = page.locator("[data-testid='stRadio'] label").filter(has_text="all coders")
    expect(radio.locator("input")).to_be_checked()
    expect(page.get_by_text("Codings in view (2)")).to_be_visible()
    expect(page.get_by_text("tester has no codings in this document yet")).to_be_visible()
    expect(page.locator(LABELS)).to_have_count(2)  # ana's two codings, in the margin


def test_coding_controls_stay_in_reach_half_way_down(app, page):
    url, path, ids = app
    open_long(page, url)
    select_text(page, "marker-76 is where")
    toolbar = page.locator("[data-testid='qda-toolbar']")
    expect(toolbar).to_be_visible()
    wait_idle(page)
    assert scroll_top(page) > 2500  # half-way down the interview
    assert in_view(page, toolbar)
    side = page.locator(".st-key-code_side")
    preview = side.get_by_text("marker-76 is where", exact=True)
    expect(preview).to_be_visible()
    assert in_view(page, preview)  # the panel beside the reader stayed in view
    assert in_view(page, side.get_by_role("button", name="Apply to selection"))
    shot(page, "01-half-way-selection")
    box = page.locator("[data-testid='qda-bar-input']")
    box.click()
    page.keyboard.type("Del")
    expect(toolbar.get_by_role("button", name="Delay")).to_be_visible()
    shot(page, "02-toolbar-find-code")
    page.keyboard.press("Enter")
    expect(page.locator(LABELS)).to_have_count(3)
    expect(page.locator("[data-testid='qda-toast']")).to_contain_text(
        "Coded 18 characters with Delay"
    )
    got = project_codings(path, coders="tester")
    assert list(zip(got["text"], got["code_path"])) == [("marker-76 is where", "Delay")]
    mark = page.locator("[data-testid='qda-reader'] mark").filter(has_text="marker-76 is where")
    assert scroll_top(page) > 2500 and in_view(page, mark)  # still where the coder was
    expect(toolbar).to_be_visible()  # the same span stays selected for a second code
    shot(page, "03-half-way-coded")
    assert not page.dialogs


def test_margin_names_select_and_remove_codings(app, page):
    import coding

    url, path, ids = app
    at = ids["text"].index("marker-90 ")
    mine = with_project(
        path, lambda db: coding.code_span(db, ids["doc"], at, at + 9, ids["place"], "tester")
    )
    open_long(page, url)
    label = page.locator(f"{LABELS}[data-coding='{mine}']")
    label.scroll_into_view_if_needed()
    expect(label).to_be_visible()
    name = "Place <img src=x onerror=alert(9) & co"
    expect(label.locator(".qda-label-name")).to_have_text(name)  # the hostile name is text
    assert page.locator("[data-testid='qda-margin'] img").count() == 0
    mark = page.locator("[data-testid='qda-reader'] mark").filter(has_text="marker-90")
    lb, mb = label.bounding_box(), mark.first.bounding_box()
    reader = page.locator("[data-testid='qda-reader']").bounding_box()
    assert abs(lb["y"] - mb["y"]) < 30  # beside its span
    assert lb["x"] >= reader["x"] + reader["width"] - 1  # in the margin, right of the text
    shot(page, "04-margin")
    label.locator(".qda-label-name").click()
    toolbar = page.locator("[data-testid='qda-toolbar']")
    expect(toolbar.get_by_role("button", name="Remove this coding")).to_be_visible()
    expect(page.locator(".st-key-code_side").get_by_text("Selected coding:")).to_be_visible()
    expect(label).to_have_class("qda-label qda-selected")
    shot(page, "05-margin-selected")
    toolbar.get_by_role("button", name="Remove this coding").click()
    expect(label).to_have_count(0)
    assert mine not in set(project_codings(path)["coding_id"])
    # the × of another coder's label removes it; the notice's Undo brings it back
    page.locator("[data-testid='stRadio'] label").filter(has_text="all coders").click()
    wait_idle(page)
    theirs = page.locator(LABELS).filter(has_text="Trust").first
    trust_id = int(theirs.get_attribute("data-coding"))
    theirs.scroll_into_view_if_needed()
    theirs.locator(".qda-label-del").click()
    expect(page.locator(f"{LABELS}[data-coding='{trust_id}']")).to_have_count(0)
    assert trust_id not in set(project_codings(path)["coding_id"])
    toast = page.locator("[data-testid='qda-toast']")
    expect(toast).to_contain_text("Coding removed")
    toast.get_by_role("button", name="Undo").click()
    expect(page.locator(f"{LABELS}[data-coding='{trust_id}']")).to_have_count(1)
    assert trust_id in set(project_codings(path)["coding_id"])
    assert not page.dialogs


def test_show_opens_the_passage_scrolled_highlighted_and_selected(app, page):
    url, path, ids = app
    got = project_codings(path, coders="ana", codes="Delay")
    theirs = int(got["coding_id"].iloc[0])
    open_long(page, url)
    assert scroll_top(page) < 200
    page.locator("[data-testid='stRadio'] label").filter(has_text="all coders").click()
    wait_idle(page)
    card = page.locator(f".st-key-code_card_{theirs}")
    expect(card).to_contain_text("marker-84")
    card.get_by_text("Edit, recode, memo, delete").click()
    click_for_rerun(page, card.get_by_role("button", name="Show"))  # in the expander just opened
    focus = page.locator("[data-testid='qda-reader'] mark.qda-focus").filter(has_text="marker-84")
    expect(focus.first).to_be_visible()
    expect(focus.first).to_be_in_viewport(ratio=1, timeout=20_000)
    assert scroll_top(page) > 2500
    toolbar = page.locator("[data-testid='qda-toolbar']")
    expect(toolbar).to_be_visible()
    assert in_view(page, toolbar)
    expect(
        page.locator(".st-key-code_side").get_by_text("marker-84", exact=True).first
    ).to_be_visible()
    shot(page, "06-show-passage")
    page.locator("[data-testid='qda-bar-input']").fill("Trust")
    page.locator("[data-testid='qda-bar-input']").press("Enter")
    expect(page.locator("[data-testid='qda-toast']")).to_contain_text("with Trust")
    got = project_codings(path, coders="tester", codes="Trust")
    assert "marker-84" in set(got["text"])
    assert not page.dialogs
