"""The Consensus tab in the browser: an owner decides two coders' disagreement with Accept A and
the consensus coder holds A's coding; a coder sees the disagreements but no decision buttons."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from browser_helpers import chromium_page, open_page, require_chromium, streamlit_server, wait_idle

from coding import Scope, add_code, add_member, code_span, codings_frame, consensus_coder
from corpus.model import Document, paragraphs_from_text
from corpus.store import store_document
from projectfile import open_project

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TEXT = (
    "The binational council met in Monterrey.\n\n"
    "Public funding came from CONACYT. Private funding came from firms.\n\n"
    "Training programmes for technicians were the main barrier."
)


def _project(path: Path) -> None:
    db = open_project(path)
    doc = store_document(
        db,
        Document(
            text=TEXT,
            title="council",
            source_name="council.txt",
            kind="policy",
            segments=paragraphs_from_text(TEXT),
            sha256=hashlib.sha256(TEXT.encode()).hexdigest(),
            size=len(TEXT.encode()),
        ),
        segment_language=False,
    )
    for name, role in (("bea", "owner"), ("ana", "coder"), ("cy", "coder")):
        add_member(db, name, role, by="bea")
    code = add_code(db, "Funding", coder="bea")
    code_span(db, doc, 42, 75, code, "ana")
    code_span(db, doc, 76, 108, code, "cy")
    db.conn.close()


@pytest.mark.parametrize("member", ["bea", "ana"])
def test_consensus_tab_accept_a(tmp_path, member):
    require_chromium()
    project = tmp_path / "team.qda.sqlite"
    _project(project)
    with (
        streamlit_server(project, tmp_path / "log.txt", env={"QDA_CODER": member}) as url,
        chromium_page() as page,
    ):
        open_page(page, url, "analysis")
        page.get_by_role("tab", name="Consensus").click()
        wait_idle(page)
        page.get_by_text("0 of 2 disagreements decided").wait_for(timeout=30_000)
        if member == "ana":
            page.get_by_text("Only owners decide consensus.").wait_for(timeout=30_000)
            assert page.get_by_role("button", name="Accept A").count() == 0
            page.screenshot(path=str(ARTIFACTS / "consensus-coder.png"), full_page=True)
            return
        page.get_by_role("button", name="Accept A").click()
        page.get_by_text("1 of 2 disagreements decided").wait_for(timeout=30_000)
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "consensus-owner.png"), full_page=True)
    db = open_project(project)
    got = codings_frame(db, Scope(coders=(consensus_coder(db),)))
    db.conn.close()
    assert got[["char_start", "char_end"]].values.tolist() == [[42, 75]]
