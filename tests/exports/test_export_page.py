"""AppTests of the Export page: empty project, evidence preview/download/open passage, matrix,
codebook, qdpx."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from exports import ExportError
from exports import downloads as dl

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def page(project_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("QDA_PROJECT", str(project_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("ui/pages/export.py")
    return at.run()


def choose(at: AppTest, what: str) -> AppTest:
    at.radio(key="export_what").set_value(what)
    return at.run()


def test_export_page_on_empty_project(project_path, monkeypatch):
    at = page(project_path, monkeypatch)
    assert not at.exception
    assert any("No coded segments" in i.value for i in at.info)
    for what in (
        "Matrix",
        "Codebook",
        "REFI-QDA project (.qdpx)",
        "Import REFI-QDA",
        "Report (HTML)",
    ):
        at = choose(at, what)
        assert not at.exception, what
    at = choose(at, "REFI-QDA project (.qdpx)")
    at.button(key="prepare_qdpx").click()
    at.run()
    data, file_name, _ = at.session_state["file_qdpx"]
    assert (
        file_name.endswith(".qdpx")
        and "project.qde" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    )


def test_export_page_evidence_preview_filter_and_download(coded, project_path, monkeypatch):
    at = page(project_path, monkeypatch)
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 6 and "50% of the money came from CONACYT" in table["quote"].tolist()
    at.multiselect(key="ev_codes").set_value(["Barriers"])
    at.run()
    assert set(at.dataframe[0].value["code"]) == {"Barriers"}
    at.selectbox(key="ev_fmt").set_value("xlsx")
    at.run()
    at.button(key="prepare_evidence").click()
    at.run()
    assert not at.exception
    data, file_name, mime = at.session_state["file_evidence"]
    assert file_name.endswith(".xlsx") and "spreadsheet" in mime
    ws = openpyxl.load_workbook(io.BytesIO(data))["Evidence"]
    assert ws.max_row == 3
    at.multiselect(key="ev_codes").set_value(
        ["Spanish"]
    )  # a changed filter drops the prepared file
    at.run()
    assert "file_evidence" not in at.session_state


def test_export_page_opens_passage_in_code_page(coded, project_path, monkeypatch):
    at = page(project_path, monkeypatch)
    at.button(key="ev_open_btn").click()
    at.run()
    focus = at.session_state["focus"]
    assert set(focus) == {"document_id", "start", "end"} and focus["end"] > focus["start"]


def test_export_page_matrix_and_codebook(coded, project_path, monkeypatch):
    at = page(project_path, monkeypatch)
    at = choose(at, "Matrix")
    at.selectbox(key="mx_kind").set_value("cooccurrence")
    at.run()
    assert not at.exception
    at = choose(at, "Codebook")
    assert "Funding > Public" in at.dataframe[0].value["path"].tolist()
    at.selectbox(key="cb_fmt").set_value("csv")
    at.run()
    at.button(key="prepare_codebook").click()
    at.run()
    data, file_name, _ = at.session_state["file_codebook"]
    assert file_name.endswith(".csv") and b"Funding > Public" in data


def test_import_upload_helper(coded, tmp_path):
    data, _, _ = dl.qdpx_file(coded["db"], "p")
    report = dl.import_upload(data, "p.qdpx", tmp_path / "new.qda.sqlite")
    assert report.imported["codings"] == 6
    with pytest.raises(ExportError, match="expected a .qdpx"):
        dl.import_upload(b"x", "p.zip", tmp_path / "other.qda.sqlite")


def test_export_page_filters_by_case_attribute(interview_project, project_path, monkeypatch):
    at = page(project_path, monkeypatch)
    assert not at.exception
    assert len(at.dataframe[0].value) == 2
    at.multiselect(key="ev_cases").set_value(["Experto 3"])
    at.selectbox(key="ev_attr").set_value("sector")
    at.run()
    at.multiselect(key="ev_attr_values").set_value(["industria"])
    at.selectbox(key="ev_context").set_value("whole turn or paragraph")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 2 and set(table["case"]) == {"Experto 3"}
    assert any(
        c.startswith("Experto 3, ") and c.endswith(", 00:12:41-00:13:30") for c in table["citation"]
    )
    at = choose(at, "Matrix")
    assert not at.exception
    assert "Experto 3" in at.dataframe[0].value.columns
