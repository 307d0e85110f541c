"""Consensus: each decision on two coders' disagreements becomes codings of the consensus coder;
the originals and the agreement figures stay as they were; evidence from the consensus coder."""

from __future__ import annotations

import pytest
from coding_data import TEXTS, make_document

from coding import (
    Scope,
    add_code,
    add_member,
    agreement,
    code_span,
    codings_frame,
    consensus_coder,
    consensus_frame,
    decide,
    undo,
)
from corpus.store import store_document
from exports import evidence_table
from workflows import AccessDenied, attach


@pytest.fixture
def pair(db):
    doc = store_document(db, make_document(TEXTS["policy"], "policy"), segment_language=False)
    for name, role in (("bea", "owner"), ("ana", "coder"), ("cy", "coder")):
        add_member(db, name, role, by="bea")
    code = add_code(db, "Funding", coder="bea")
    code_span(db, doc, 0, 40, code, "ana")  # only ana
    code_span(db, doc, 42, 75, code, "cy")  # only cy
    code_span(db, doc, 76, 110, code, "ana")  # only ana
    return db, doc, code


def _originals(db):
    df = codings_frame(db, Scope(coders=("ana", "cy")))
    return df[["coding_id", "coder", "char_start", "char_end", "code_id"]].values.tolist()


def test_consensus_decisions_make_consensus_codings(pair):
    db, doc, code = pair
    attach(db, "bea")
    before_codings, before_agreement = _originals(db), agreement(db)
    frame = consensus_frame(db)
    assert list(frame[["coder_a", "coder_b"]].iloc[0]) == ["ana", "cy"]
    assert len(frame) == 3 and frame["decision"].isna().all()
    first, second, third = (frame.iloc[i] for i in range(3))
    assert decide(db, first, "a", by="bea")  # ana coded it: copied
    assert decide(db, second, "a", by="bea") == []  # ana did not: nothing coded
    assert len(decide(db, second, "both", by="bea")) == 1  # re-decided: replaces
    assert decide(db, third, "neither", by="bea") == []
    name = consensus_coder(db)
    got = codings_frame(db, Scope(coders=(name,)))
    assert sorted(got[["char_start", "char_end"]].values.tolist()) == [[0, 40], [42, 75]]
    assert _originals(db) == before_codings
    after = agreement(db)
    assert after.equals(before_agreement)
    decided = consensus_frame(db)
    assert list(decided["decision"]) == ["a", "both", "neither"]
    evidence = evidence_table(db, Scope(coders=(name,)))
    assert sorted(evidence["char_start"]) == [0, 42]


def test_consensus_edit_and_undo(pair):
    db, doc, code = pair
    attach(db, "bea")
    item = consensus_frame(db).iloc[0]
    (cid,) = decide(db, item, "edit", by="bea", span=(5, 30), session="s1")
    assert codings_frame(db, Scope(coders=(consensus_coder(db),)))["coding_id"].tolist() == [cid]
    assert undo(db, "bea", session="s1")
    assert codings_frame(db, Scope(coders=(consensus_coder(db),))).empty
    assert consensus_frame(db)["decision"].isna().all()
    with pytest.raises(Exception, match="needs the span"):
        decide(db, item, "edit", by="bea")


def test_consensus_is_for_owners(pair):
    db, doc, code = pair
    attach(db, "ana")
    item = consensus_frame(db).iloc[0]
    with pytest.raises(AccessDenied, match="deciding consensus is for owners"):
        decide(db, item, "a", by="ana")
