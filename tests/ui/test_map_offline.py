"""The Map page in headless Chromium with every non-localhost request aborted: the outlines and the
place circles render from the app alone, no request leaves the machine, a place opens its
passages."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    WATCH_SOCKET,
    open_page,
    require_chromium,
    streamlit_server,
    wait_idle,
)
from ui_data import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"

require_chromium()

EN = (
    "We opened a plant in Querétaro in 2006. Our suppliers are in Monterrey, Nuevo León, and in "
    "Saltillo, and we sell to firms in Baja California and Texas."
)
ES = (
    "Abrimos otra planta en Querétaro en 2012 con apoyo del CONAHCYT. Los clientes de Chihuahua "
    "y de Ciudad Juárez compran piezas hechas en Querétaro."
)


@pytest.fixture(scope="module")
def map_app(tmp_path_factory):
    from corpus import Document, paragraphs_from_text, sha256_bytes, store_document
    from nlp import extract_entities
    from projectfile import open_project

    folder = tmp_path_factory.mktemp("map")
    path = folder / "map.qda.sqlite"
    db = open_project(path)
    for title, text, lang in (("plants-en", EN, "en"), ("plantas-es", ES, "es")):
        store_document(
            db,
            Document(
                text=text,
                title=title,
                source_name=title + ".txt",
                kind="policy",
                sha256=sha256_bytes(text.encode()),
                size=len(text.encode()),
                segments=paragraphs_from_text(text),
                language=lang,
            ),
        )
    extract_entities(db)
    db.conn.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(path, ARTIFACTS / "server-map.log") as url:
        yield url


def test_map_renders_with_the_network_off(map_app):
    from playwright.sync_api import expect, sync_playwright

    outside: list[str] = []

    def route(r):
        host = urlparse(r.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost") or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1400, "height": 1300})
            ctx.add_init_script(WATCH_SOCKET)
            ctx.route("**/*", route)
            page = ctx.new_page()
            open_page(page, map_app, "map")
            chart = page.locator("[data-testid='stVegaLiteChart']").first
            expect(chart).to_be_visible(timeout=60_000)
            # vega draws the 36 outlines and one circle per place (SVG here, canvas elsewhere)
            page.wait_for_function(
                """() => {
                  const root = document.querySelector("[data-testid='stVegaLiteChart']");
                  if (!root) return false;
                  const shapes = root.querySelectorAll('g.mark-shape path').length;
                  const dots = root.querySelectorAll('g.mark-symbol.role-mark path').length;
                  const canvas = root.querySelector('canvas');
                  return (shapes >= 36 && dots >= 8) || (canvas && canvas.width > 200);
                }""",
                timeout=60_000,
            )
            dots = page.locator("[data-testid='stVegaLiteChart'] g.mark-symbol.role-mark path")
            assert dots.count() == 8  # Querétaro, Monterrey, Nuevo León, Saltillo, BC, TX, Chih, CJ
            caption = page.get_by_text("mentions of", exact=False).first
            expect(caption).to_be_visible()
            assert "10 mentions of 8 places in 2 documents" in caption.inner_text()
            page.screenshot(path=str(ARTIFACTS / "map-offline.png"), full_page=True)

            # a place opens its passages (Querétaro: twice in Spanish, once in English)
            box = page.locator("[data-testid='stSelectbox']").filter(has_text="Place").first
            box.click()
            page.get_by_role("option").filter(has_text="Querétaro").first.click()
            wait_idle(page)
            expect(page.get_by_text("3 mentions of Querétaro")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "map-passages.png"), full_page=True)
        finally:
            browser.close()
    # Nothing tried to leave: the map's outlines and places, and the tab's icon, come from the app.
    assert outside == [], outside
