"""The Code page's OCR note (pure helpers of ui/components/page_image.py) and its "More like
this" panel in AppTest: an unindexed project's passages are indexed by themselves in the
background (progress in the panel, no button), the passages then listed leave out those coded
with the code, and "Code with" codes one as an undoable action
of the session."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from ui_data import APP, make_document

from ui.components.page_image import ocr_notes, pages_in_words


def pages(*rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["number", "char_start", "char_end", "source", "ocr_confidence"]
    )


SCAN = pages(
    (1, 0, 100, "text", None),
    (2, 102, 200, "ocr", 90.0),
    (3, 202, 300, "ocr", 93.0),
    (4, 300, 300, "ocr_needed", None),
    (5, 302, 400, "ocr", None),
)


def test_pages_in_words_spells_runs():
    assert pages_in_words([3]) == "Page 3"
    assert pages_in_words([4, 3]) == "Pages 3-4"
    assert pages_in_words([2, 5, 6, 7, 5]) == "Pages 2, 5-7"


def test_ocr_notes_name_the_pages_of_the_window_and_their_mean_confidence():
    assert ocr_notes(SCAN, 0, 100) == []  # a text page: nothing to say
    (note,) = ocr_notes(SCAN, 102, 200)
    assert note == (
        "ocr",
        "Page 2 read by OCR, mean word confidence 90%. Check quotes against the page image.",
    )
    source, sentence = ocr_notes(SCAN, 0, 300)[0]
    assert source == "ocr" and sentence.startswith(
        "Pages 2-3 read by OCR, mean word confidence 92%"
    )
    # the empty page waiting for OCR counts in the window it borders
    assert [s for s, _ in ocr_notes(SCAN, 202, 300)] == ["ocr", "ocr_needed"]
    assert ocr_notes(SCAN, 202, 300)[1][1].startswith("Page 4: scanned, no text layer")
    where = ocr_notes(SCAN, 102, 200, image="the page image (Corpus page)")[0][1]
    assert where.endswith("Check quotes against the page image (Corpus page).")


def test_ocr_notes_without_confidence_and_without_page_facts():
    assert ocr_notes(SCAN, 302, 400)[0][1].startswith("Page 5 read by OCR, no words found")
    # pages 2 and 5: the mean is over the pages that have a confidence
    assert "confidence 90%" in ocr_notes(SCAN[SCAN.number.isin([2, 5])], 0, 400)[0][1]
    assert ocr_notes(pages(), 0, 10) == []
    assert ocr_notes(pd.DataFrame(columns=["number", "char_start", "char_end"]), 0, 10) == []


CODED = "Apprentices spend three days a week at the factory and two days in the classroom."
ALSO = "Trainees alternate between the workshop floor and lessons at school every week."
SPANISH = "Los aprendices pasan tres días a la semana en la fábrica y dos días en el aula."
CODE = "Dual *training* <b"  # markdown and HTML in a code name stay text


@pytest.fixture
def unindexed(tmp_path):
    import coding
    from corpus import get_text
    from projectfile import open_project

    path = tmp_path / "units.qda.sqlite"
    db = open_project(path)
    ids = {
        "en": make_document(db, "Notes (fictional)", [CODED, "The bridge opened on Monday."]),
        "es": make_document(db, "Notas (ficticias)", [SPANISH, "La biblioteca cierra."]),
        "memo": make_document(db, "Memo (fictional)", [ALSO]),
    }
    ids["code"] = coding.add_code(db, CODE)
    for doc, passage in (("en", CODED), ("memo", ALSO)):
        at = get_text(db, ids[doc]).index(passage)
        ids[f"coding_{doc}"] = coding.code_span(db, ids[doc], at, at + len(passage), CODE, "maria")
    db.conn.close()
    return path, ids


def test_code_page_panel_indexes_by_itself_then_codes_a_passage(unindexed, monkeypatch):
    import coding
    from projectfile import open_project
    from workflows import index_job

    path, ids = unindexed
    monkeypatch.setenv("QDA_PROJECT", str(path))
    monkeypatch.delenv("QDA_EXPOSED", raising=False)
    at = AppTest.from_file(APP, default_timeout=240)
    at.session_state["coder"] = "maria"
    at.run()
    at.switch_page("ui/pages/code.py").run()
    at.selectbox(key="code_doc").set_value(ids["en"]).run()
    at.button(key=f"code_more_{ids['coding_en']}").click().run()
    assert not at.exception
    assert not [b for b in at.button if b.label == "Index now"]
    job = index_job(path)
    assert job is not None, "opening the panel starts the background index"
    assert job.wait(240) and job.error is None, job.error
    at.run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "tres días a la semana" in shown
    assert "Trainees alternate" not in shown and "Apprentices spend" not in shown
    head = next(m.value for m in at.markdown if "More like this" in m.value)
    assert "not yet coded" in head and "&#60;b" in head and "*training*" not in head
    code_with = [b for b in at.button if b.key and b.key.startswith("code_more_like_code_")]
    assert len(code_with) == 3  # the translation, and the two other uncoded passages
    assert all(b.label.startswith("Code with Dual") for b in code_with)
    first = code_with[0]  # the nearest passage: the Spanish translation
    first.click().run()
    assert not at.exception
    db = open_project(path)
    try:
        got = coding.codings_frame(db, documents=[ids["es"]], codes=[ids["code"]])
        assert list(got["coder"]) == ["maria"] and SPANISH in got["text"].iloc[0]
    finally:
        db.conn.close()
    at.button(key="code_undo").click().run()
    db = open_project(path)
    try:
        assert coding.codings_frame(db, documents=[ids["es"]], codes=[ids["code"]]).empty
    finally:
        db.conn.close()
