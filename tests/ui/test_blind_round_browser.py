"""A blind round with two coders in two browser contexts (real sign-ins from ``[auth.users]`` in a
secrets file, QDA_EXPOSED=1): coder B does not see coder A's highlight on a blind document, not
even after A has coded and B opened the document; once the owner opens the comparison, B's next
rerun shows it. Waits on the app's state, never on a fixed time."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    WATCH_SOCKET,
    require_chromium,
    select_text,
    streamlit_server,
    wait_idle,
)
from playwright.sync_api import expect
from ui_data import make_document

import cli
from coding import Scope, add_code, add_member, codings_frame, start_blind
from projectfile import open_project
from ui.auth import hash_password

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui"
TEXT = (
    "The binational council met in Monterrey.\n\n"
    "Public funding came from CONACYT. Private funding came from firms.\n\n"
    "Training programmes for technicians were the main barrier."
)
PASSAGE = "Public funding came from CONACYT."
PASSWORDS = {"bea": "owner pw", "ana": "coder a pw", "cy": "coder b pw"}
MARKS = "[data-testid='qda-reader'] mark"

require_chromium()


def _project(path: Path) -> int:
    """A project of bea (owner), ana and cy (coders) with one document in a blind round."""
    db = open_project(path)
    try:
        doc = make_document(db, "council", TEXT.split("\n\n"))
        for name, role in (("bea", "owner"), ("ana", "coder"), ("cy", "coder")):
            add_member(db, name, role, by="bea")
        add_code(db, "Funding", coder="bea")
        return start_blind(db, "round 1", [doc], by="bea")
    finally:
        db.conn.close()


@contextlib.contextmanager
def two_contexts():
    """Yield two pages of one headless Chromium, each in a browser context of its own (cookies,
    storage and app session apart, as two people on two machines)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages = []
            for _ in range(2):
                ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
                ctx.add_init_script(WATCH_SOCKET)
                pages.append(ctx.new_page())
            yield pages
        finally:
            browser.close()


def sign_in(page, url: str, name: str) -> None:
    """Sign in as ``name``, open the Code page and wait until its reader shows the document."""
    page.goto(url)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORDS[name])
    page.get_by_role("button", name="Sign in").click()
    coder = page.locator("[data-testid='stSidebar']").get_by_label("Coder", exact=True)
    expect(coder).to_have_value(name, timeout=60_000)
    wait_idle(page)  # signed in on the Project page: on to the Code page, in the same session
    page.locator("[data-testid='stSidebar']").get_by_role("link", name="Code", exact=True).click()
    expect(page.locator("[data-testid='qda-reader']")).to_contain_text(PASSAGE, timeout=60_000)
    wait_idle(page)


def show_view(page, view, label: str) -> None:
    """Pick ``label`` in the Code page's view radio and wait for the rerun."""
    view.locator("label").filter(has=page.get_by_text(label, exact=True)).click()
    expect(view.get_by_role("radio", name=label, exact=True)).to_be_checked()
    wait_idle(page)


def test_blind_round_hides_a_coders_highlight_until_the_owner_opens_it(tmp_path):
    project = tmp_path / "team.qda.sqlite"
    round_id = _project(project)
    home = tmp_path / "home"
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text(
        "[auth.users]\n"
        + "".join(
            f'{name} = "{hash_password(pw, iterations=1000)}"\n' for name, pw in PASSWORDS.items()
        )
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {"HOME": str(home), "QDA_EXPOSED": "1"}
    with (
        streamlit_server(project, ARTIFACTS / "server-blind-round.log", env=env) as url,
        two_contexts() as (a, b),
    ):
        sign_in(a, url, "ana")
        select_text(a, PASSAGE)
        a.locator("[data-testid='qda-bar-input']").click()
        a.keyboard.type("Funding")
        a.keyboard.press("Enter")
        expect(a.locator(MARKS).filter(has_text=PASSAGE)).to_have_count(1)
        expect(a.locator("[data-testid='qda-toast']")).to_contain_text("Coded 33 characters")
        wait_idle(a)
        a.screenshot(path=str(ARTIFACTS / "blind-a-coded.png"))

        sign_in(b, url, "cy")  # B opens the document after A coded it, and looks at everyone's
        view = b.locator("[data-testid='stRadio']")
        show_view(b, view, "all coders")
        expect(b.get_by_text("Codings in view (0)")).to_be_visible()
        expect(b.locator(MARKS)).to_have_count(0)
        expect(b.locator("[data-testid='qda-reader']")).to_contain_text(PASSAGE)
        b.screenshot(path=str(ARTIFACTS / "blind-b-before.png"))

        opened = ["blind", "open", str(round_id), "--project", str(project), "--as", "bea"]
        assert cli.main(opened) == 0
        expect(b.locator(MARKS)).to_have_count(0)  # B's page is as it was until its next rerun
        show_view(b, view, "me")  # B switches the view to their own and back
        show_view(b, view, "all coders")
        expect(b.locator(MARKS).filter(has_text=PASSAGE)).to_have_count(1, timeout=30_000)
        expect(b.get_by_text("Codings in view (1)")).to_be_visible()
        label = b.locator("[data-testid='qda-margin-label']")
        expect(label.get_by_role("button", name="Remove coding Funding by ana")).to_have_count(1)
        wait_idle(b)
        b.screenshot(path=str(ARTIFACTS / "blind-b-after.png"))
    db = open_project(project)
    try:
        got = codings_frame(db, Scope())
    finally:
        db.conn.close()
    assert list(zip(got["coder"], got["text"])) == [("ana", PASSAGE)]  # coded once, by A
