"""Exports on real interview data stored by the interviews package: speakers, cases, attributes,
timestamps."""

from __future__ import annotations

import zipfile

from lxml import etree

import interviews
from coding import add_code, code_span, codings_frame
from corpus import get_text
from exports import evidence_docx, evidence_table, export_qdpx, import_qdpx
from projectfile import open_project


def test_evidence_from_timed_interview_has_speaker_case_time_and_attributes(
    interview_project, tmp_path
):
    df = evidence_table(interview_project["db"]).set_index("quote")
    row = df.loc["consejo binacional"]
    assert row["speaker"] == "Experto 3" and row["case_name"] == "Experto 3"
    cite = f"Experto 3, {row['document_title']}, turn {row['turn_no']}, 00:12:41-00:13:30"
    assert row["timestamp"] == "00:12:41" and row["citation"] == cite
    assert row["sector"] == "industria" and float(row["years"]) == 12
    assert df.loc["los técnicos eran la barrera", "citation"] == cite  # cues of one speaker merge
    assert len(evidence_table(interview_project["db"], attributes={"sector": "industria"})) == 2
    assert evidence_table(interview_project["db"], attributes={"sector": "gobierno"}).empty
    assert (
        len(
            evidence_table(
                interview_project["db"], attributes={"years": "12", "sector": "Industria"}
            )
        )
        == 2
    )
    path = evidence_docx(evidence_table(interview_project["db"]), tmp_path / "e.docx")
    assert path.stat().st_size > 0


def test_qdpx_round_trip_keeps_cases_attributes_and_case_codings(
    interview_project, tmp_path, refi_schemas
):
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
    assert (
        attrs.loc["Experto 3", "sector"] == "industria"
        and float(attrs.loc["Experto 3", "years"]) == 12
    )
    assert interviews.document_cases(copy)["case_name"].tolist() == ["Experto 3"]
    spans = codings_frame(copy)
    assert sorted(spans.loc[spans["scope"] == "span", "text"]) == [
        "consejo binacional",
        "los técnicos eran la barrera",
    ]
    assert spans.loc[spans["scope"] == "case", "code_path"].tolist() == ["Barriers"]


def test_real_shared_interview_evidence(db, shared_interviews):
    outcome = interviews.import_transcripts([str(shared_interviews / "interview-5.txt")], db)[0]
    assert outcome.status == "ok", outcome.reason
    turns = interviews.turns_frame(db, [outcome.document_id])
    who = turns[turns["role"] == "interviewee"].iloc[3]
    add_code(db, "Quality")
    code_span(db, outcome.document_id, int(who.char_start), int(who.char_end), "Quality", "ana")
    row = evidence_table(db, context="unit").iloc[0]
    text = get_text(db, outcome.document_id)
    assert row["quote"] == text[int(who.char_start) : int(who.char_end)] == row["context"]
    assert row["speaker"] == who.speaker


def test_exports_after_pseudonymisation_hold_no_real_name_and_no_key(db, tmp_path):
    from deid import pseudonymize
    from exports import evidence_csv

    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:09.000\n<v Entrevistador>¿Quién dirigía el consorcio?\n\n"
        "00:00:10.000 --> 00:00:20.000\n<v Experta>Lo dirigía Rosa Elena Garza desde Querétaro.\n"
    )
    path = tmp_path / "garza.vtt"
    path.write_text(vtt, encoding="utf-8")
    doc_id = interviews.import_transcripts([str(path)], db)[0].document_id
    text = get_text(db, doc_id)
    add_code(db, "Leadership")
    s = text.index("Lo dirigía")
    code_span(db, doc_id, s, len(text), "Leadership", "ana")
    key = tmp_path / "p.qda.sqlite.deid-key.json"
    pseudonymize(
        db, names=["Rosa Elena Garza"], use_ner=False, key_file=key, log_file=tmp_path / "log.csv"
    )
    assert key.exists() and "Rosa Elena Garza" in key.read_text(encoding="utf-8")
    df = evidence_table(db)
    assert len(df) == 1 and "Rosa Elena Garza" not in df["quote"].iloc[0]
    csv_text = evidence_csv(df, tmp_path / "e.csv").read_text(encoding="utf-8")
    assert "Rosa Elena Garza" not in csv_text
    qdpx = export_qdpx(db, tmp_path / "p.qdpx")
    with zipfile.ZipFile(qdpx) as zf:
        assert not any("deid" in n for n in zf.namelist())
        for name in zf.namelist():
            assert b"Rosa Elena Garza" not in zf.read(name), name
