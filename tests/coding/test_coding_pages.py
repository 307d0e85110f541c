"""AppTests of the Codebook and Analysis pages, on an empty project and on one with data."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import coding as C

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def page(project_path, monkeypatch, name: str) -> AppTest:
    monkeypatch.setenv("QDA_PROJECT", str(project_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(f"ui/pages/{name}.py")
    return at.run()


@pytest.fixture
def coded(db, docs):
    C.add_code(db, "Funding", color="#ff0000", definition="Money for the consortium")
    C.add_code(db, "Public", parent="Funding")
    C.add_code(db, "Talent")
    d = docs["policy"]
    C.code_span(db, d, 0, 40, "Funding > Public", "ana")
    C.code_span(db, d, 20, 60, "Talent", "ana")
    C.code_span(db, d, 0, 30, "Funding > Public", "ben")
    return db


def test_codebook_page_empty_project_adds_a_code(project_path, monkeypatch, db):
    at = page(project_path, monkeypatch, "codebook")
    assert not at.exception
    assert any("No codes yet" in i.value for i in at.info)
    at.text_input[0].input("Barriers")
    at.button[2].click()  # undo, redo, then the form's submit button
    at.run()
    assert not at.exception
    assert C.codes_frame(db)["path"].tolist() == ["Barriers"]


def test_codebook_page_with_data_edits_and_trashes(project_path, monkeypatch, coded):
    at = page(project_path, monkeypatch, "codebook")
    assert not at.exception
    table = at.dataframe[0].value
    assert "Money for the consortium" in table["definition"].tolist()
    name_box = next(t for t in at.text_input if t.label == "Name" and t.value == "Funding")
    name_box.input("Financing")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert not at.exception
    assert "Financing > Public" in C.codes_frame(coded)["path"].tolist()
    at.checkbox[0].check()
    at.run()
    next(b for b in at.button if b.label == "Delete").click()
    at.run()
    assert not at.exception
    assert "Financing" not in C.codes_frame(coded)["path"].tolist()
    next(b for b in at.button if b.label == "Restore").click()
    at.run()
    assert "Financing" in C.codes_frame(coded)["path"].tolist()


def test_codebook_page_reports_errors_in_plain_words(project_path, monkeypatch, coded):
    at = page(project_path, monkeypatch, "codebook")
    at.text_input[0].input("Talent")  # duplicate top-level name
    next(b for b in at.button if b.label == "Add code").click()
    at.run()
    assert not at.exception and any("already exists" in e.value for e in at.error)


def test_analysis_page_empty_project(project_path, monkeypatch, db):
    at = page(project_path, monkeypatch, "analysis")
    assert not at.exception
    assert any("Nothing coded yet" in i.value for i in at.info)


def test_analysis_page_with_data(project_path, monkeypatch, coded):
    at = page(project_path, monkeypatch, "analysis")
    assert not at.exception
    retrieval = at.dataframe[0].value
    assert len(retrieval) == 2 and set(retrieval["coder"]) == {"ana", "ben"}
    at.selectbox(key="bool_a").set_value("Talent").run()
    at.selectbox(key="bool_b").set_value("Funding > Public").run()
    assert not at.exception
    boolean = at.dataframe[1].value
    assert len(boolean) == 2  # Talent overlaps both coders' Public codings
    frames = [d.value for d in at.dataframe]
    ag = next(f for f in frames if "kappa" in f.columns)  # figures as text (agreement_table)
    assert "(overall)" in ag["code"].tolist()
    assert ag["kappa"].str.match(r"^(-?[01]\.\d{3}|n/a \(not applied\)|undefined)$").all()
    assert any("Compared" in m.value for m in at.markdown)
    # disagreements are a static table whose long text wraps (st.table)
    dis = next(t.value for t in at.table if "not coded by" in t.value.columns)
    assert set(dis["coded by"]) == {"ana"} and "case" in dis.columns
    assert len(at.get("plotly_chart")) >= 2


def test_analysis_page_memos_tab_searches_and_adds(project_path, monkeypatch, coded):
    from coding.memos import add_memo, memos_frame

    add_memo(coded, "Councils met twice", "ana")
    at = page(project_path, monkeypatch, "analysis")
    at.text_input(key="memo_q").input("councils").run()
    assert not at.exception
    memos = [d.value for d in at.dataframe if "author" in d.value.columns]
    assert memos[-1]["text"].tolist() == ["Councils met twice"]  # the Memos tab's search
    next(t for t in at.text_area if t.label == "New project memo").input("Second thought")
    next(b for b in at.button if b.label == "Save memo").click()
    at.run()
    assert not at.exception and len(memos_frame(coded)) == 2


def test_analysis_page_document_filter_narrows_retrieval(project_path, monkeypatch, coded, docs):
    C.code_span(coded, docs["other"], 0, 10, "Funding > Public", "ana")
    at = page(project_path, monkeypatch, "analysis")
    assert len(at.dataframe[0].value) == 3
    at.sidebar.multiselect[1].select(docs["other"]).run()
    assert not at.exception
    assert at.dataframe[0].value["document_title"].tolist() == ["other"]
