"""workflows.correct_document: a correction moves codings, carries entity mentions, and brings the
search and meaning indexes to the new version (issue 20 §4)."""

from __future__ import annotations

from workflow_data import FakeEncoder, coded_transcript

from coding import codings_frame, review_frame
from corpus import get_text, list_documents, search
from nlp import extract_entities, index_passages, index_status
from workflows import correct_document


def _mentions(db, doc: int) -> list[str]:
    rows = db.execute(
        "SELECT text FROM entities WHERE document_id = ? ORDER BY char_start", [doc]
    ).fetchall()
    return [r[0] for r in rows]


def test_workflows_correct_document_moves_codings_mentions_and_search(db, tmp_path):
    doc, _src = coded_transcript(db, tmp_path)
    extract_entities(db, document_ids=[doc])
    before = _mentions(db, doc)
    assert "Monterrey" in before
    text = get_text(db, doc)
    new_text = text.replace("teh consortium", "the consortium").replace("a year", "a whole year")

    done = correct_document(db, doc, new_text, "ana")

    new = done.edit.new_document_id
    assert new is not None and new != doc
    assert list(list_documents(db)["id"]) == [new]  # the old version is history
    assert sorted(codings_frame(db, documents=[new])["text"]) == [
        "The funding came late.",
        "the consortium",
    ]
    assert review_frame(db).empty
    assert "Monterrey" in _mentions(db, new)  # entity mentions followed the words
    assert done.versions.entities == {new: len(_mentions(db, new))}
    assert set(search(db, "whole")["document_id"]) == {new}  # the new word: new version only
    assert set(search(db, "funding")["document_id"]) == {new}  # the old version is not listed
    assert any("entity mentions carried" in line for line in done.lines())


def test_workflows_correct_document_unchanged_text_writes_nothing(db, tmp_path):
    doc, _src = coded_transcript(db, tmp_path)
    done = correct_document(db, doc, get_text(db, doc).replace("\n", "\r\n"), "ana")
    assert done.edit.unchanged and done.lines() == []
    assert list(list_documents(db)["id"]) == [doc]


def test_workflows_correct_document_updates_an_existing_meaning_index(db, tmp_path):
    doc, _src = coded_transcript(db, tmp_path)
    encoder = FakeEncoder()
    index_passages(db, "all-MiniLM-L6-v2", encoder=encoder)
    assert index_status(db, "all-MiniLM-L6-v2")["indexed_documents"] == 1
    new_text = get_text(db, doc).replace("a year", "a whole year")

    done = correct_document(db, doc, new_text, "ana", encoder=encoder)

    assert "all-MiniLM-L6-v2" in done.versions.meaning
    assert done.versions.meaning["all-MiniLM-L6-v2"].embedded == 1  # only the changed turn
    status = index_status(db, "all-MiniLM-L6-v2")
    assert status["documents"] == status["indexed_documents"] == 1
    # a project without a meaning index gets none: nothing is embedded behind its back
    assert "use-multilingual-v3" not in done.versions.meaning
