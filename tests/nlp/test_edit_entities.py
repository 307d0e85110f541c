"""Entity mentions follow an edited document to its new version (issue 16 §1)."""

from __future__ import annotations

from coding import edit_document
from corpus import Document, get_text, paragraphs_from_text, sha256_bytes, store_document
from nlp import carry_entities, extract_entities

TEXT = (
    "The council met Laura Mendez in Querétaro last March.\n\n"
    "Teh consortium trained technicians for Safran and the university.\n\n"
    "Daniel Ortega from Monterrey signed the agreement."
)


def _mentions(db, doc):
    rows = db.execute(
        "SELECT char_start, char_end, text FROM entities WHERE document_id = ? ORDER BY char_start",
        [doc],
    ).fetchall()
    return rows


def _brief(db) -> int:
    return store_document(
        db,
        Document(
            TEXT,
            "brief",
            "brief.txt",
            segments=paragraphs_from_text(TEXT),
            sha256=sha256_bytes(TEXT.encode()),
            size=len(TEXT),
            language="en",
        ),
    )


def test_edit_moves_entity_mentions_and_keeps_unchanged_segments_extracted(db):
    doc = _brief(db)
    extract_entities(db, document_ids=[doc])
    before = _mentions(db, doc)
    assert any(t == "Querétaro" for *_, t in before)
    new_text = TEXT.replace("Teh consortium", "In 2019, the new consortium")
    result = edit_document(db, doc, new_text, "ana")
    new = result.new_document_id
    kept = [t for *_, t in before if t != "Teh"]  # a mention whose words changed is not carried
    assert carry_entities(db) == {new: len(kept)}
    moved = _mentions(db, new)
    text = get_text(db, new)
    assert [t for *_, t in moved] == kept
    assert moved[-1][0] == before[-1][0] + len("In 2019, the new consortium") - len(
        "Teh consortium"
    )
    assert all(text[s:e] == t for s, e, t in moved)
    assert carry_entities(db) == {}  # once only
    # the first and last paragraphs did not change: the next extraction skips them
    report = extract_entities(db, document_ids=[new])
    assert report.up_to_date == 2 and report.processed == 1
    assert "Monterrey" in [t for *_, t in _mentions(db, new)]


def test_issue_20_entity_counts_ignore_earlier_versions(db):
    from nlp import entities_frame

    doc = _brief(db)
    extract_entities(db, document_ids=[doc])
    before = entities_frame(db)["text"].value_counts().to_dict()
    result = edit_document(db, doc, TEXT.replace("signed the", "signed an"), "ana")
    carry_entities(db)
    after = entities_frame(db)
    assert set(after["document_id"]) == {result.new_document_id}
    assert after["text"].value_counts().to_dict() == before
    history = entities_frame(db, versions="all")
    assert set(history["document_id"]) == {doc, result.new_document_id}
