"""Exports on real interview data stored by the interviews package: speakers, cases, attributes, timestamps."""
from __future__ import annotations

import zipfile

import pytest
from lxml import etree

import interviews
from coding import code_case, code_span, codings_frame
from corpus.project import open_project
from corpus.store import get_text
from exports import evidence_docx, evidence_table, export_qdpx, import_qdpx

VTT = """WEBVTT

00:12:31.000 --> 00:12:40.000
<v Moderadora>¿Cómo empezó el consorcio aeroespacial?

00:12:41.500 --> 00:13:05.000
<v Experto 3>Empezamos con el consejo binacional en 1994, después del TLCAN.

00:13:06.000 --> 00:13:30.000
<v Experto 3>La financiación pública fue escasa y los técnicos eran la barrera.
"""


@pytest.fixture
def interview_project(db, tmp_path):
    """A project with one timed VTT interview (fictional), a case with attributes and codings."""
    path = tmp_path / "experto3.vtt"
    path.write_text(VTT, encoding="utf-8")
    outcome = interviews.import_transcripts([str(path)], db, roles={"Moderadora": "interviewer", "Experto 3": "interviewee"})[0]
    assert outcome.status == "ok", outcome.reason
    doc_id = outcome.document_id
    text = get_text(db, doc_id)
    case_id = int(interviews.document_cases(db)["case_id"].iloc[0])
    interviews.rename_case(db, case_id, "Experto 3")
    interviews.set_attribute(db, case_id, "sector", "industria")
    interviews.set_attribute(db, case_id, "years", 12, type_="number")
    s = text.index("consejo binacional")
    from coding import add_code

    add_code(db, "Governance")
    add_code(db, "Barriers")
    code_span(db, doc_id, s, s + len("consejo binacional"), "Governance", "ana")
    b = text.index("los técnicos eran la barrera")
    code_span(db, doc_id, b, b + len("los técnicos eran la barrera"), "Barriers", "ben")
    code_case(db, case_id, "Barriers", "ana")
    return {"db": db, "doc": doc_id, "case": case_id}


def test_evidence_from_timed_interview_has_speaker_case_time_and_attributes(interview_project, tmp_path):
    df = evidence_table(interview_project["db"]).set_index("quote")
    row = df.loc["consejo binacional"]
    assert row["speaker"] == "Experto 3" and row["case_name"] == "Experto 3"
    assert row["timestamp"] == "00:12:41" and row["citation"] == "(Experto 3, 00:12:41)"
    assert row["sector"] == "industria" and float(row["years"]) == 12
    assert df.loc["los técnicos eran la barrera", "citation"] == "(Experto 3, 00:12:41)"  # cues of one speaker merge
    assert len(evidence_table(interview_project["db"], attributes={"sector": "industria"})) == 2
    assert evidence_table(interview_project["db"], attributes={"sector": "gobierno"}).empty
    assert len(evidence_table(interview_project["db"], attributes={"years": "12", "sector": "Industria"})) == 2
    path = evidence_docx(evidence_table(interview_project["db"]), tmp_path / "e.docx")
    assert path.stat().st_size > 0


def test_qdpx_round_trip_keeps_cases_attributes_and_case_codings(interview_project, tmp_path, refi_schemas):
    db = interview_project["db"]
    path = export_qdpx(db, tmp_path / "i.qdpx")
    schema = etree.XMLSchema(etree.parse(str(refi_schemas / "Project.xsd")))
    with zipfile.ZipFile(path) as zf:
        assert schema.validate(etree.fromstring(zf.read("project.qde"))), schema.error_log
    report = import_qdpx(path, tmp_path / "copy.qda.sqlite")
    assert report.imported["cases"] == 2 and report.imported["whole-case codings"] == 1
    assert report.skipped == []
    copy = open_project(tmp_path / "copy.qda.sqlite")
    attrs = interviews.case_attributes_frame(copy).set_index("case_name")
    assert attrs.loc["Experto 3", "sector"] == "industria" and float(attrs.loc["Experto 3", "years"]) == 12
    assert interviews.document_cases(copy)["case_name"].tolist() == ["Experto 3"]
    spans = codings_frame(copy)
    assert sorted(spans.loc[spans["scope"] == "span", "text"]) == ["consejo binacional", "los técnicos eran la barrera"]
    assert spans.loc[spans["scope"] == "case", "code_path"].tolist() == ["Barriers"]


def test_real_shared_interview_evidence(db, shared_interviews):
    outcome = interviews.import_transcripts([str(shared_interviews / "interview-5.txt")], db)[0]
    assert outcome.status == "ok", outcome.reason
    turns = interviews.turns_frame(db, [outcome.document_id])
    who = turns[turns["role"] == "interviewee"].iloc[3]
    from coding import add_code

    add_code(db, "Quality")
    code_span(db, outcome.document_id, int(who.char_start), int(who.char_end), "Quality", "ana")
    row = evidence_table(db, context="unit").iloc[0]
    text = get_text(db, outcome.document_id)
    assert row["quote"] == text[int(who.char_start):int(who.char_end)] == row["context"]
    assert row["speaker"] == who.speaker
