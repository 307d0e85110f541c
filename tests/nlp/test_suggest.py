"""Code suggestions: learned from the project's codings, rejections become negatives, nothing is
coded without an explicit accept."""

from __future__ import annotations

import numpy as np
import pytest
from nlp_docs import add_doc

TRAINING = [
    "The technical institute trains forty welders a year for the aerospace suppliers.",
    "Apprentices spend three days at a supplier and two days in the classroom.",
    "We certified twelve machinists in non-destructive testing last spring.",
    "The dual training program pays students while they learn on the shop floor.",
    "Los técnicos reciben capacitación en soldadura y metrología cada semestre.",
    "La universidad abrió un curso de maquinado CNC para trabajadores de las plantas.",
]
TRADE = [
    "Tariffs on steel rose after the renegotiation of the trade agreement.",
    "Rules of origin decide whether a part counts as North American content.",
    "Las reglas de origen del tratado cambiaron los aranceles del acero.",
    "Customs brokers in Laredo check the certificates of origin for every shipment.",
    "The quota on aluminium imports hurt the smaller suppliers.",
    "El arancel a las importaciones de aluminio afectó a los proveedores pequeños.",
]
UNCODED_TRAINING = [
    "Next year the institute will train sixty more technicians in composite repair.",
    "Los aprendices practican soldadura en el taller de la escuela técnica.",
]
UNCODED_TRADE = ["A new tariff schedule for imported steel was published in the official gazette."]
OTHER = [
    "The weather in the valley was dry that summer.",
    "Our office moved to a larger building near the airport.",
    "La reunión terminó a las seis de la tarde.",
]


@pytest.fixture
def project(db):
    """Two documents coded by 'ana' (Training on 6 passages, Trade on 6) and one unread."""
    from coding import add_code, code_span
    from corpus import get_segments

    read = TRAINING + TRADE + OTHER[:2] + UNCODED_TRAINING[:1] + UNCODED_TRADE
    doc1 = add_doc(db, "\n\n".join(read), "interviews-read", language="en")
    doc2 = add_doc(db, "\n\n".join(UNCODED_TRAINING[1:] + OTHER[2:]), "unread", language="es")
    add_code(db, "Training", coder="ana")
    add_code(db, "Trade", coder="ana")
    segs = get_segments(db, doc1)
    by_text = dict(zip(segs["text"], zip(segs["char_start"], segs["char_end"])))
    for text in TRAINING:
        code_span(db, doc1, *by_text[text], "Training", coder="ana")
    for text in TRADE:
        code_span(db, doc1, *by_text[text], "Trade", coder="ana")
    return db, doc1, doc2


def test_suggestions_rank_the_uncoded_passages_of_the_code_first(project):
    from coding import codings_frame
    from nlp import suggest_passages, suggestable_codes

    db, doc1, doc2 = project
    codes = suggestable_codes(db)
    assert set(codes["code_path"]) == {"Training", "Trade"}
    before = len(codings_frame(db))
    # no wall-clock bound (it fails on a loaded machine): bench/bench_suggest.py measures speed,
    # pytest's --timeout catches a hang
    s = suggest_passages(db, "Training", limit=10)
    assert set(s.columns) >= {"document_id", "char_start", "char_end", "text", "score"}
    assert not set(s["text"]) & set(TRAINING)  # coded passages are not suggested again
    top2 = set(s["text"].head(2))
    assert top2 == set(UNCODED_TRAINING), s[["text", "score"]]  # English and Spanish
    assert s["score"].is_monotonic_decreasing
    trade = suggest_passages(db, "Trade", limit=3)
    assert trade["text"].iloc[0] == UNCODED_TRADE[0]
    assert len(codings_frame(db)) == before  # nothing coded by suggesting


def test_rejection_is_stored_and_becomes_a_negative(project):
    from nlp import decisions_frame, reject_suggestion, suggest_passages

    db, *_ = project
    s = suggest_passages(db, "Training", limit=10)
    first = s.iloc[0]
    reject_suggestion(
        db, "Training", first["document_id"], first["char_start"], first["char_end"], "ana"
    )
    d = decisions_frame(db, "Training")
    assert list(d["decision"]) == ["rejected"] and d["coder"].iloc[0] == "ana"
    again = suggest_passages(db, "Training", limit=10)
    assert first["text"] not in set(again["text"])


def test_accept_codes_one_passage_and_is_recorded(project):
    from coding import codings_frame
    from nlp import accept_suggestion, decisions_frame, suggest_passages

    db, *_ = project
    s = suggest_passages(db, "Training", limit=1).iloc[0]
    cid = accept_suggestion(db, "Training", s["document_id"], s["char_start"], s["char_end"], "bo")
    c = codings_frame(db, codes=["Training"])
    row = c[c["coding_id"] == cid].iloc[0]
    assert (row["char_start"], row["char_end"], row["coder"]) == (
        s["char_start"],
        s["char_end"],
        "bo",
    )
    assert decisions_frame(db)["decision"].tolist() == ["accepted"]
    assert s["text"] not in set(suggest_passages(db, "Training", limit=10)["text"])


def test_batch_preview_then_apply_is_one_undoable_batch(project):
    from coding import apply_preview, codings_frame, undo
    from nlp import preview_suggestions, record_batch, suggest_passages

    db, *_ = project
    s = suggest_passages(db, "Training", limit=2)
    preview = preview_suggestions(db, s, "Training")
    assert len(preview) == 2 and (preview["text"] == s["text"]).all()
    before = len(codings_frame(db))
    apply_preview(db, preview, coder="ana")
    record_batch(db, "Training", s, "accepted", "ana")
    assert len(codings_frame(db)) == before + 2
    undo(db, "ana")
    assert len(codings_frame(db)) == before


def test_rank_cross_fits_candidates_that_are_training_negatives():
    from nlp.suggest import rank

    rng = np.random.default_rng(0)
    centre = rng.normal(size=16)
    pos = centre + 0.3 * rng.normal(size=(8, 16))
    neg = -centre + 0.3 * rng.normal(size=(30, 16))
    hidden = centre + 0.3 * rng.normal(size=(2, 16))  # relevant, but uncoded in a read document
    m = np.vstack([pos, neg, hidden]).astype(np.float32)
    positive = np.r_[np.ones(8), np.zeros(32)].astype(bool)
    negative = ~positive
    candidate = ~positive
    scores = rank(m, positive, negative, candidate)
    assert np.isnan(scores[:8]).all()
    order = np.argsort(-np.nan_to_num(scores, nan=-1))
    assert set(order[:2]) == {38, 39}
