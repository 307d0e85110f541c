"""Suggested passages on the Code page in headless Chromium: suggest, reject one (stored), accept
one (coded), tick one for a batch, preview it and save it; nothing is coded before a click."""

from __future__ import annotations

import pytest
from browser_helpers import chromium_page, open_page, require_chromium, streamlit_server, wait_idle
from playwright.sync_api import expect
from ui_data import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"

require_chromium()

TRAINING = [
    "The technical institute trains forty welders a year for the aerospace suppliers.",
    "Apprentices spend three days at a supplier and two days in the classroom.",
    "We certified twelve machinists in non-destructive testing last spring.",
    "The dual training program pays students while they learn on the shop floor.",
    "Los técnicos reciben capacitación en soldadura y metrología cada semestre.",
    "La universidad abrió un curso de maquinado CNC para trabajadores de las plantas.",
]
TRADE = [
    "Tariffs on steel rose after the renegotiation of the trade agreement.",
    "Rules of origin decide whether a part counts as North American content.",
    "Las reglas de origen del tratado cambiaron los aranceles del acero.",
    "Customs brokers in Laredo check the certificates of origin for every shipment.",
    "The quota on aluminium imports hurt the smaller suppliers.",
]
UNCODED = [
    "Next year the institute will train sixty more technicians in composite repair.",
    "Los aprendices practican soldadura en el taller de la escuela técnica.",
    "Interns from the polytechnic learn to calibrate gauges in our quality lab.",
    "The weather in the valley was dry that summer.",
    "Our office moved to a larger building near the airport.",
]


def _db(path):
    from projectfile import open_project

    return open_project(path)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from coding import add_code, code_span
    from corpus import Document, get_segments, paragraphs_from_text, sha256_bytes, store_document

    folder = tmp_path_factory.mktemp("suggest")
    path = folder / "suggest.qda.sqlite"
    db = _db(path)
    text = "\n\n".join(TRAINING + TRADE + UNCODED)
    doc = store_document(
        db,
        Document(
            text=text,
            title="plant-visits",
            source_name="plant-visits.txt",
            kind="policy",
            sha256=sha256_bytes(text.encode()),
            size=len(text.encode()),
            segments=paragraphs_from_text(text),
        ),
    )
    add_code(db, "Training", coder="ana")
    add_code(db, "Trade", coder="ana")
    segs = get_segments(db, doc)
    at = dict(zip(segs["text"], zip(segs["char_start"], segs["char_end"])))
    for t in TRAINING:
        code_span(db, doc, *at[t], "Training", coder="ana")
    for t in TRADE:
        code_span(db, doc, *at[t], "Trade", coder="ana")
    db.conn.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(path, ARTIFACTS / "server-suggest.log", env={"QDA_CODER": "ana"}) as url:
        yield url, path


def _codings(path, code):
    from coding import codings_frame

    db = _db(path)
    try:
        return codings_frame(db, codes=[code])
    finally:
        db.conn.close()


def _decisions(path):
    from nlp import decisions_frame

    db = _db(path)
    try:
        return decisions_frame(db)
    finally:
        db.conn.close()


def test_suggestions_accept_reject_and_batch(app):
    url, path = app
    before = len(_codings(path, "Training"))
    with chromium_page(height=1400) as page:
        open_page(page, url, "code")
        page.get_by_text("Suggested passages", exact=False).first.click()
        box = page.locator(".st-key-sugg_code")
        expect(box).to_be_visible()
        # the most coded code comes first: Training (6 coded passages; Trade has 5)
        expect(box.locator("input[role='combobox']")).to_have_value(
            "Training (6 coded)", timeout=60_000
        )
        page.locator(".st-key-sugg_go button").click()
        cards = page.locator("[class*='st-key-sugg_card_']")
        expect(cards.first).to_be_visible(timeout=120_000)
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "suggest-list.png"), full_page=True)
        assert cards.count() >= 3
        # each card has its band and the coded passages it is nearest to ("why")
        expect(cards.first).to_contain_text("Nearest coded:")
        band = cards.first.inner_text()
        assert "likely" in band or "possible" in band
        assert any(t[:40] in band for t in TRAINING)  # a coded Training passage is the why
        first_text = cards.first.inner_text()
        # the two training passages nobody coded come first (English and Spanish)
        top2 = cards.nth(0).inner_text() + cards.nth(1).inner_text()
        assert UNCODED[0][:40] in top2 or UNCODED[2][:40] in top2
        assert len(_codings(path, "Training")) == before  # suggesting codes nothing

        # reject the first: stored, gone from the list
        cards.first.locator("button", has_text="Reject").click()
        wait_idle(page)
        expect(page.get_by_text("Rejected: it will count against similar ones.")).to_be_visible()
        d = _decisions(path)
        assert d["decision"].tolist() == ["rejected"] and d["coder"].tolist() == ["ana"]
        # the rejected card leaves the list when the run that stored the decision ends
        expect(cards.first).not_to_contain_text(first_text.splitlines()[0], timeout=30_000)

        # accept the next one: one coding by ana
        accepted = cards.first.inner_text()
        cards.first.locator("button", has_text="Accept").click()
        wait_idle(page)
        expect(page.get_by_text("Coded with Training")).to_be_visible()
        after = _codings(path, "Training")
        assert len(after) == before + 1 and set(after["coder"]) == {"ana"}
        assert after.sort_values("coding_id")["text"].iloc[-1][:30] in accepted

        # tick one for a batch, preview, save
        # the card's own box: while a run draws the list, Streamlit keeps the box of the passage
        # that was at this place beside it (marked data-retained) until the run ends
        own = cards.first.locator("[class*='st-key-sugg_pick_']:not([data-retained])")
        own.get_by_text("in batch").click()
        wait_idle(page)
        page.locator(".st-key-sugg_preview button").click()
        wait_idle(page)
        expect(page.get_by_text("Preview: 1 coding with Training")).to_be_visible()
        assert len(_codings(path, "Training")) == before + 1  # the preview codes nothing
        page.screenshot(path=str(ARTIFACTS / "suggest-batch.png"), full_page=True)
        page.locator(".st-key-sugg_apply button").click()
        wait_idle(page)
        expect(page.get_by_text("Coded 1 passage as one batch.")).to_be_visible()
        assert len(_codings(path, "Training")) == before + 2
        assert sorted(_decisions(path)["decision"]) == ["accepted", "accepted", "rejected"]
