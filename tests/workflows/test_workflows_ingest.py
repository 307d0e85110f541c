"""workflows.ingest_files / import_transcripts / ingest_upload_files: what is stored, and that a
corrected file under a coded document's name carries its codings and mentions (issue 20 §4)."""

from __future__ import annotations

from workflow_data import TEXT, coded_transcript

from coding import codings_frame
from corpus import ingest_log, list_documents, search
from interviews import transcripts_frame
from nlp import extract_entities
from workflows import ingest_files, ingest_upload_files, save_transcript


def test_workflows_ingest_files_kind_interview_imports_transcripts(db, tmp_path):
    src = tmp_path / "maria.txt"
    src.write_text(TEXT, encoding="utf-8")
    report = ingest_files(db, [src], kind="interview")
    [outcome] = report.outcomes
    assert outcome.status == "ok" and report.stored_ids == [outcome.document_id]
    tr = transcripts_frame(db)
    assert list(tr["document_id"]) == [outcome.document_id] and int(tr["turns"].iloc[0]) == 3
    assert report.versions.codings == [] and report.versions.lines() == []


def test_workflows_reingest_of_a_corrected_transcript_follows_the_new_version(db, tmp_path):
    doc, src = coded_transcript(db, tmp_path)
    extract_entities(db, document_ids=[doc])
    src.write_text(TEXT.replace("teh", "the").replace("a year", "a long year"), encoding="utf-8")

    report = ingest_files(db, [src], kind="interview")

    [new] = report.stored_ids
    assert new != doc and list(list_documents(db)["id"]) == [new]
    assert [r.new_document_id for r in report.versions.codings] == [new]
    assert sorted(codings_frame(db, documents=[new])["text"]) == [
        "The funding came late.",
        "the consortium",
    ]
    assert new in report.versions.entities
    assert report.versions.lines()[0].endswith("2 codings moved")
    assert set(search(db, "long")["document_id"]) == {new}
    assert list(ingest_log(db, 1)["status"]) == ["ok"]  # logged


def test_workflows_ingest_files_documents(db, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Policy note.\n\nThe ministry funds training centres.", encoding="utf-8")
    report = ingest_files(db, [note], kind="policy", workers=1)
    assert [o.status for o in report.outcomes] == ["ok"]
    assert transcripts_frame(db).empty
    assert set(search(db, "ministry")["document_id"]) == set(report.stored_ids)


def test_workflows_upload_of_kind_interview_is_a_transcript(db, tmp_path):
    report = ingest_upload_files(
        db, [("maria.txt", TEXT.encode())], tmp_path / "uploads", kind="interview"
    )
    assert [o.status for o in report.outcomes] == ["ok"]
    assert list(transcripts_frame(db)["document_id"]) == report.stored_ids


def test_workflows_save_transcript_follows_a_corrected_version(db, tmp_path):
    from interviews import parse_transcript

    doc, _src = coded_transcript(db, tmp_path)
    data = TEXT.replace("teh", "the").encode()
    tr = parse_transcript("maria.txt", data=data, name="maria.txt")
    new, followed = save_transcript(db, tr, data, path=str(tmp_path / "maria.txt"))
    assert new != doc and "2 codings moved" in followed.summary()
