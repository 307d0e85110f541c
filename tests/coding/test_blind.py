"""Blind rounds: a coder sees only their own codings and memos on blind documents, in every view
built on the scope, until the owner opens the comparison; owners see everything, coder by coder."""

from __future__ import annotations

import pytest
from coding_data import TEXTS, make_document

from coding import (
    Scope,
    add_code,
    add_member,
    add_memo,
    blind_frame,
    code_counts,
    code_span,
    codings_frame,
    edit_document,
    memos_frame,
    open_comparison,
    start_blind,
)
from corpus.store import store_document
from exports import evidence_table
from workflows import AccessDenied, attach


@pytest.fixture
def blind(db):
    ids = [
        store_document(db, make_document(t, title), segment_language=False)
        for title, t in TEXTS.items()
    ]
    for name, role in (("bea", "owner"), ("ana", "coder"), ("cy", "coder"), ("vic", "viewer")):
        add_member(db, name, role, by="bea")
    code = add_code(db, "Funding", coder="bea")
    round_id = start_blind(db, "first round", [ids[0]], by="bea")
    for who, (s, e) in (("ana", (0, 10)), ("cy", (5, 20))):
        attach(db, who)
        code_span(db, ids[0], s, e, code, who)
        code_span(db, ids[1], s, e, code, who)  # not blind
        add_memo(db, f"{who} thinks", who, "document", ids[0])
    return db, ids, code, round_id


def _coders(df) -> list[str]:
    return sorted(set(df["coder"]))


def test_blind_coder_sees_only_own_work_on_blind_documents(blind):
    db, ids, code, round_id = blind
    attach(db, "ana")
    assert _coders(codings_frame(db, documents=[ids[0]])) == ["ana"]
    assert _coders(codings_frame(db, documents=[ids[1]])) == ["ana", "cy"]
    counts = code_counts(db, Scope(documents=(ids[0],), count="codings"))
    assert int(counts.set_index("code_id").loc[code, "codings"]) == 1
    assert _coders(evidence_table(db, Scope(documents=(ids[0],)))) == ["ana"]
    assert list(memos_frame(db, "document", ids[0])["author"]) == ["ana"]
    attach(db, "vic")  # a viewer sees nobody's work there until it is opened
    assert codings_frame(db, documents=[ids[0]]).empty
    assert memos_frame(db, "document", ids[0]).empty


def test_blind_owner_sees_all_apart_and_opens_the_comparison(blind):
    db, ids, code, round_id = blind
    attach(db, "bea")
    assert _coders(codings_frame(db, documents=[ids[0]])) == ["ana", "cy"]
    assert _coders(codings_frame(db, Scope(coders=("cy",), documents=(ids[0],)))) == ["cy"]
    attach(db, "ana")
    with pytest.raises(AccessDenied):
        open_comparison(db, round_id, by="ana")
    attach(db, "bea")
    open_comparison(db, round_id, by="bea")
    assert blind_frame(db).loc[0, "opened_by"] == "bea"
    attach(db, "ana")
    assert _coders(codings_frame(db, documents=[ids[0]])) == ["ana", "cy"]
    assert sorted(memos_frame(db, "document", ids[0])["author"]) == ["ana", "cy"]


def test_blind_edited_document_stays_blind(blind):
    db, ids, code, round_id = blind
    attach(db, "bea")
    new_id = edit_document(db, ids[0], TEXTS["policy"] + "\n\nA new paragraph.", "bea")
    new_id = new_id.new_document_id
    attach(db, "cy")
    assert _coders(codings_frame(db, documents=[new_id])) == ["cy"]
