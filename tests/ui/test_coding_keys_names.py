"""Quick keys pinned per coder (1-9, they never move by usage, a new code takes a free key) and one
code-name rule with one message on the Code page, in the toolbar and on the Codebook page, in
headless Chromium with mouse and keyboard.

Screenshots go to test-artifacts/ui/coding-keys-*.png.
"""

from __future__ import annotations

import pytest
from browser_helpers import (
    app_on_new_project,
    click_for_rerun,
    open_page,
    pick_option,
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
XSS = "<img src=x onerror=alert(1)>"

require_chromium()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A running app on a project holding the long interview; yields (url, path, ids)."""
    path = tmp_path_factory.mktemp("coding-keys") / "keys.qda.sqlite"
    with app_on_new_project(path, fill_long_interview, ARTIFACTS / "server-coding-keys.log") as app:
        yield app


@pytest.fixture
def page():
    with recording_page() as p:
        yield p


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"coding-keys-{name}.png"))


def coded_by_tester(path) -> list[tuple[str, str]]:

    df = project_codings(path, coders="tester")
    df = df.sort_values("char_start")
    return list(zip(df["text"], df["code_path"]))


def choose_key(page, label: str, option: str) -> None:
    """Pick ``option`` in the quick-key selectbox labelled exactly ``label`` (typed, then Enter)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    pick_option(page, box, option)
    expect(page.get_by_role("combobox", name=label, exact=True)).to_have_value(option)


def code_with_key(page, needle: str, key: str, count: int) -> None:
    """Select ``needle`` with the mouse, press ``key``; wait until the margin shows ``count``."""
    select_text(page, needle)
    page.keyboard.press(key)
    expect(page.locator(LABELS)).to_have_count(count)
    wait_idle(page)


def test_quick_keys_are_pinned_by_the_coder_and_never_move(app, page):
    import coding

    url, path, ids = app
    open_page(page, url, "code")
    page.locator("[data-testid='qda-reader']").filter(has_text="marker-2 ").wait_for()
    wait_idle(page)
    expect(page.locator(LABELS)).to_have_count(0)  # ana's codings are further down
    page.get_by_text("Quick keys 1-9: none pinned yet").click()
    expect(page.get_by_role("combobox", name="Key 9", exact=True)).to_be_visible()
    wait_idle(page)
    choose_key(page, "Key 1", "Delay")
    choose_key(page, "Key 2", "Trust")
    page.get_by_role("button", name="Save quick keys").click()
    wait_idle(page)
    expect(page.get_by_text("Quick keys saved.").first).to_be_visible()
    code_with_key(page, "marker-2 is where", "2", 1)
    code_with_key(page, "marker-4 is where", "2", 2)
    code_with_key(page, "marker-6 is where", "2", 3)  # Trust is now by far the most used code
    code_with_key(page, "marker-8 is where", "1", 4)  # ... and key 1 still codes Delay
    assert coded_by_tester(path) == [
        ("marker-2 is where", "Trust"),
        ("marker-4 is where", "Trust"),
        ("marker-6 is where", "Trust"),
        ("marker-8 is where", "Delay"),
    ]
    # a new code takes the first free key, offered in the form
    select_text(page, "marker-10 is where")
    wait_idle(page)
    page.locator("input[aria-label^='New code']").fill("Hope")
    expect(page.get_by_role("combobox", name="Quick key")).to_have_value("3")
    page.get_by_role("button", name="Create and apply").click()
    expect(page.locator(LABELS)).to_have_count(5)
    wait_idle(page)
    code_with_key(page, "marker-12 is where", "3", 6)
    assert coded_by_tester(path)[-2:] == [
        ("marker-10 is where", "Hope"),
        ("marker-12 is where", "Hope"),
    ]
    # the pins are the coder's, stored in the project: a reload shows them in the same order
    page.reload()
    page.locator("[data-testid='qda-reader']").filter(has_text="marker-2 ").wait_for()
    wait_idle(page)
    select_text(page, "marker-14 is where")
    bar = page.locator("[data-testid='qda-toolbar']")
    expect(bar).to_be_visible()
    expect(bar.locator("[data-testid='qda-bar-quick']")).to_have_text(["1Delay", "2Trust", "3Hope"])
    shot(page, "01-toolbar-pinned")
    pins = with_project(path, lambda db: coding.quick_keys(db, "tester"))
    assert pins[["key", "path"]].values.tolist() == [[1, "Delay"], [2, "Trust"], [3, "Hope"]]
    assert with_project(path, lambda db: coding.quick_keys(db, "ana")).empty  # per coder
    # a key with no code says so instead of doing nothing
    page.keyboard.press("7")
    expect(page.locator("[data-testid='qda-toast']")).to_contain_text("No code is pinned to key 7")
    assert not page.dialogs


def test_one_message_for_a_bad_code_name_on_the_code_and_codebook_pages(app, page):
    import coding

    url, path, ids = app
    open_page(page, url, "code")
    page.locator("input[aria-label^='New code']").fill(XSS)
    click_for_rerun(page, page.get_by_role("button", name="Create"))
    alert = page.locator("[data-testid='stAlert']").filter(has_text="cannot contain '>'")
    expect(alert).to_be_visible()
    on_code_page = alert.inner_text().strip()
    shot(page, "02-code-page-refused")
    # the toolbar's "create and apply" gives the same message
    select_text(page, "Answer 20. About")
    page.locator("[data-testid='qda-bar-input']").fill(XSS)
    page.locator("[data-testid='qda-bar-create']").click()
    expect(page.locator("[data-testid='qda-toast']")).to_have_text(on_code_page)
    open_page(page, url, "codebook")
    add = page.locator("[data-testid='stExpander']").filter(has_text="Add a code")
    if not add.get_by_label("Name").is_visible():
        add.get_by_text("Add a code").click()
    add.get_by_label("Name").fill(XSS)
    # the expander may still be opening above the button: a click then reaches nothing
    click_for_rerun(page, page.get_by_role("button", name="Add code"))
    alert = page.locator("[data-testid='stAlert']").filter(has_text="cannot contain '>'")
    expect(alert).to_be_visible()
    assert alert.inner_text().strip() == on_code_page
    shot(page, "03-codebook-refused")
    # the Codebook page also gives a new code a free key
    if not add.get_by_label("Name").is_visible():
        add.get_by_text("Add a code").click()
    add.get_by_label("Name").fill("Fear")
    choose_key(page, "Quick key", "4")
    page.get_by_role("button", name="Add code").click()
    wait_idle(page)
    expect(page.locator("[data-testid='stAlert']").filter(has_text="Added 'Fear'")).to_be_visible()
    fear = with_project(path, lambda db: coding.quick_key_code(db, "tester", 4))
    assert fear == with_project(path, lambda db: coding.resolve_code(db, "Fear"))
    paths = with_project(path, lambda db: coding.codes_frame(db)["path"].tolist())
    assert not [p for p in paths if p.startswith("<img")]  # nothing cut and created
    assert not page.dialogs
