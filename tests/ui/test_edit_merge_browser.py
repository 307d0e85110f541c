"""Browser: correct a typo inside a coded span, the review of a coding whose words were deleted,
and merging a second coder's copy shows both coders' agreement (issue 16, "Done when")."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import (
    ROOT,
    chromium_page,
    open_page,
    require_chromium,
    streamlit_server,
    wait_idle,
)

ARTIFACTS = ROOT / "test-artifacts" / "ui"
TRANSCRIPT = (
    "Interviewer: How did the consortium start?\n\n"
    "Maria Lopez: It started in 2019. Teh funding came late for the consortium. We waited a year"
    " before the first course.\n\n"
    "Interviewer: And the training?\n\n"
    "Maria Lopez: The university trained our technicians in metrology."
)


def _code(db, doc, needle, code, coder):
    from coding import code_span, ensure_code_path
    from corpus import get_text

    ensure_code_path(db, code, coder=coder)
    s = get_text(db, doc).index(needle)
    return code_span(db, doc, s, s + len(needle), code, coder)


@pytest.fixture
def projects(tmp_path):
    """Our project (coded by ana) and a copy coded by ben; returns (ours, ben's copy, doc id)."""
    require_chromium()
    from interviews import parse_transcript, store_transcript
    from projectfile import copy_project, open_project

    ours = tmp_path / "ours.qda.sqlite"
    db = open_project(ours)
    data = TRANSCRIPT.encode()
    doc = store_transcript(db, parse_transcript("maria.txt", data=data), data, title="Maria")
    _code(db, doc, "Teh funding came late for the consortium.", "Funding > Delays", "ana")
    _code(db, doc, "We waited a year", "Funding > Delays", "ana")
    copy = tmp_path / "ben.qda.sqlite"
    copy_project(db, copy)
    db.conn.close()
    other = open_project(copy)
    _code(other, doc, "Teh funding came late", "Funding > Delays", "ben")
    _code(other, doc, "The university trained our technicians", "Funding > Delays", "ben")
    other.conn.close()
    return ours, copy, doc


def _current_codings(path):
    from coding import codings_frame
    from corpus import list_documents
    from projectfile import open_project

    db = open_project(path)
    try:
        doc = int(list_documents(db)["id"].iloc[0])
        return doc, codings_frame(db, documents=[doc])
    finally:
        db.conn.close()


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(out), full_page=True)
    return out


def _type_text(page, new_text: str) -> None:
    box = page.get_by_label("Text", exact=True)
    box.fill(new_text)
    box.press("Control+Enter")  # commit the text area: the preview re-runs
    wait_idle(page)


def test_edit_typo_in_coded_span_then_review_then_merge(projects):
    ours, copy, doc = projects
    with (
        streamlit_server(ours, ARTIFACTS / "edit-server.log", {"QDA_CODER": "ana"}) as url,
        chromium_page(height=1300) as page,
    ):
        # from the reader on the Code page: "Correct this text" opens the editor on its document
        open_page(page, url, "code")
        page.get_by_role("button", name="Correct this text").click()
        page.get_by_role("heading", name="Edit & merge").wait_for(timeout=60_000)
        wait_idle(page)
        _shot(page, "edit-from-reader")
        assert "Teh funding" in page.get_by_label("Text", exact=True).input_value()
        preview = page.get_by_test_id("edit-preview")
        expect_marks = preview.locator("[data-testid='edit-coded']")
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=edit-coded]').length === 2"
        )
        assert "Teh funding came late for the consortium." in expect_marks.all_inner_texts()

        # 1. correct the typo inside the coded span: the coding covers the corrected words
        text = page.get_by_label("Text", exact=True).input_value()
        _type_text(page, text.replace("Teh funding", "The funding"))
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=edit-coded]')]"
            ".some(m => m.textContent === 'The funding came late for the consortium.')"
        )
        page.get_by_role("button", name="Save as a new version").click()
        page.get_by_text("codings moved").wait_for(timeout=60_000)
        wait_idle(page)
        _shot(page, "edit-typo-saved")
        new_doc, frame = _current_codings(ours)
        assert new_doc != doc
        assert sorted(frame["text"]) == [
            "The funding came late for the consortium.",
            "We waited a year",
        ]

        # 2. delete a coded sentence: the review lists its coding
        text = page.get_by_label("Text", exact=True).input_value()
        assert "The funding came late" in text
        _type_text(page, text.replace(" We waited a year before the first course.", ""))
        page.get_by_text("1 codings would need a new place").wait_for()
        page.get_by_role("button", name="Save as a new version").click()
        page.get_by_text("1 codings need a new place (see the review)").wait_for(timeout=60_000)
        wait_idle(page)
        page.locator("[data-testid=stButtonGroup] button", has_text="Review (1)").click()
        wait_idle(page)
        page.get_by_text("1 codings need a new place", exact=True).wait_for()
        page.get_by_text("“We waited a year”").wait_for()
        _shot(page, "edit-review")

        # 3. merge ben's copy: the agreement of ana and ben shows right after
        page.locator("[data-testid=stButtonGroup] button", has_text="Merge a project").click()
        wait_idle(page)
        page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(copy))
        try:
            page.get_by_role("button", name="Merge").wait_for(timeout=60_000)
        except Exception:
            _shot(page, "edit-merge-failed")
            raise
        wait_idle(page)
        page.get_by_role("button", name="Merge").click()
        page.get_by_text("Agreement between coders").wait_for(timeout=60_000)
        page.get_by_text("Overall Cohen's kappa, ana vs ben").wait_for(timeout=60_000)
        wait_idle(page)
        _shot(page, "edit-merge-agreement")
        _, frame = _current_codings(ours)
        assert set(frame["coder"]) == {"ana", "ben"}
        assert "The funding came late" in set(frame["text"])  # ben's, mapped to the new text
