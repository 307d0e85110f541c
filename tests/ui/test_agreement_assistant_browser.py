"""The Analysis page's Agreement tab in headless Chromium: run the assistant on chosen documents
and see it against each person beside the people's own agreement, while the sidebar's counts
stay the people's."""

from __future__ import annotations

import pytest
from browser_helpers import chromium_page, open_page, require_chromium, streamlit_server, wait_idle
from playwright.sync_api import expect
from ui_data import ROOT
from visits_data import build_visits

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"

require_chromium()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from projectfile import open_project

    path = tmp_path_factory.mktemp("assistant") / "assistant.qda.sqlite"
    db = open_project(path)
    build_visits(db, ben=True)  # ben coded the first visit too (one paragraph)
    db.conn.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "server-assistant.log"
    with streamlit_server(path, log, env={"QDA_CODER": "ana"}) as url:
        yield url, path


def _pick(page, key: str, option: str) -> None:
    box = page.locator(f".st-key-{key} input")
    box.click()
    box.press_sequentially(option)
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def test_agreement_page_shows_assistant_row(app):
    url, path = app
    with chromium_page(height=1600) as page:
        open_page(page, url, "analysis")
        page.get_by_role("tab", name="Agreement").click()
        wait_idle(page)
        expect(page.get_by_text("The assistant has not coded yet")).to_be_visible()
        page.get_by_text("Run the assistant on documents for codes").click()
        wait_idle(page)
        for title in ("visit-0", "visit-1", "visit-2"):
            _pick(page, "as_docs", title)
        page.locator(".st-key-as_run button").click()
        expect(page.get_by_text("The assistant made")).to_be_visible(timeout=180_000)
        wait_idle(page)
        table = page.locator("[data-testid='stTable']").filter(has_text="versus")
        expect(table).to_be_visible(timeout=60_000)
        rows = table.locator("tbody tr").all_inner_texts()
        versus = [
            row.locator("td").first.inner_text().strip() for row in table.locator("tbody tr").all()
        ]
        # one row per code and an overall row for each person compared
        assert sorted(set(versus)) == ["ana", "ben"], rows
        overall = [r for r in rows if "(overall)" in r]
        assert len(overall) == 2, rows
        table.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "agreement-assistant.png"), full_page=True)

        # the sidebar's coders are people; the assistant counts only when included
        coders = page.locator("[data-testid='stSidebar']").get_by_text("assistant (", exact=False)
        assert coders.count() == 0
        expect(page.get_by_text("Include the assistant's codings")).to_be_visible()
