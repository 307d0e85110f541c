"""Suggestions at the grain people code: the unit follows the code's codings, thresholds are
calibrated per code and stored, a new code is suggested from its definition, and each suggestion
names the coded passages it is nearest to."""

from __future__ import annotations

import numpy as np
import pytest
from nlp_docs import add_doc

# paragraphs of three sentences: one sentence of each is about training, the others are not
PARAGRAPHS = [
    (
        "The plant opened in 2004 near the highway to the north of the city. "
        "{t} Parking is free for visitors who come by car on weekdays.",
        "The technical institute trains forty welders a year for the aerospace suppliers.",
    ),
    (
        "We met on a rainy Tuesday morning in the conference room upstairs. "
        "{t} Lunch was served at noon in the cafeteria next door.",
        "Apprentices spend three days at a supplier and two days in the classroom.",
    ),
    (
        "The office has two floors and a small garden behind the building. "
        "{t} The director travels a lot to visit the customers abroad.",
        "We certified twelve machinists in non-destructive testing last spring.",
    ),
    (
        "Sales rose by ten percent last quarter according to the manager. "
        "{t} The new logo is blue and was designed by a local agency.",
        "The dual training program pays students while they learn on the shop floor.",
    ),
    (
        "La reunión empezó tarde por el tráfico en la avenida principal. "
        "{t} El café estaba frío y nadie quiso tomar más de una taza.",
        "Los técnicos reciben capacitación en soldadura y metrología cada semestre.",
    ),
    (
        "El edificio tiene tres pisos y un estacionamiento muy amplio. "
        "{t} La gerente viaja a Texas cada mes para visitar a los clientes.",
        "La universidad abrió un curso de maquinado CNC para trabajadores de las plantas.",
    ),
]
# uncoded, with an emoji and accents before the training sentence: offsets are code points
HELD = (
    "Visitamos la planta el miércoles 🚗 y había mucho ruido. "
    "Los aprendices practican soldadura en el taller de la escuela técnica. "
    "Después comimos tacos."
)
HELD_SENTENCE = "Los aprendices practican soldadura en el taller de la escuela técnica."


def _sentence_project(db):
    from coding import add_code, code_span

    paras = [p.format(t=t) for p, t in PARAGRAPHS]
    text = "\n\n".join([*paras, HELD])
    doc = add_doc(db, text, "visits", language="en")
    add_code(db, "Training", coder="ana")
    add_code(db, "Setting", coder="ana")
    for (_p, t), para in zip(PARAGRAPHS, paras):
        start = text.index(t)
        code_span(db, doc, start, start + len(t), "Training", coder="ana")
        ps = text.index(para)
        code_span(db, doc, ps, ps + len(para), "Setting", coder="ana")
    return doc, text


def test_code_grain_follows_median_length(db):
    from coding import add_code, code_span, resolve_code
    from corpus import Segment
    from nlp import code_grain

    _sentence_project(db)
    assert code_grain(db, resolve_code(db, "Training")) == "sentence"
    assert code_grain(db, resolve_code(db, "Setting")) == "paragraph"

    turns = [
        "I: How did the training go for the new welders this year?",
        "R: Very well, they all passed the certification in May.",
        "I: And the suppliers?",
        "R: The suppliers hired most of them after the course ended.",
    ]
    text = "\n".join(turns)
    segs, pos = [], 0
    for t in turns:
        segs.append(Segment(pos, pos + len(t), kind="turn"))
        pos += len(t) + 1
    doc = add_doc(db, text, "interview", kind="interview", segments=segs)
    add_code(db, "Answers", coder="ana")
    for s in segs[1::2]:
        code_span(db, doc, s.start, s.end, "Answers", coder="ana")
    assert code_grain(db, resolve_code(db, "Answers")) == "turn"


def test_clause_spans_split_long_clauses_only():
    from nlp.units import clause_spans

    text = (
        "We trained forty welders last year, but the suppliers hired only ten of them; the"
        " others went back to school. Fine; ok."
    )
    parts = [text[s:e] for s, e in clause_spans(text)]
    assert parts == [
        "We trained forty welders last year",
        "but the suppliers hired only ten of them",
        "the others went back to school.",
        "Fine; ok.",  # one word each side: not split
    ]
    assert clause_spans("Yes, and no.") == [(0, 12)]  # too short on both sides: one clause


def test_calibrate_thresholds_deterministic():
    from nlp import calibrate

    rng = np.random.default_rng(0)
    centre = rng.normal(size=24)
    pos = centre + 1.0 * rng.normal(size=(30, 24))
    neg = -0.3 * centre + 1.0 * rng.normal(size=(200, 24))
    m = np.vstack([pos, neg]).astype(np.float32)
    positive = np.r_[np.ones(30), np.zeros(200)].astype(bool)
    a = calibrate(m, positive, ~positive, seed=0)
    b = calibrate(m, positive, ~positive, seed=0)
    assert a == b
    assert a.likely >= a.possible
    assert a.n_pos == 30
    assert 0.3 < a.cv_kappa <= 1 and 0.3 < a.cv_ap <= 1


def test_kappa_curve_matches_sklearn():
    from sklearn.metrics import cohen_kappa_score

    from nlp.calibrate import cohen_kappa, kappa_curve

    rng = np.random.default_rng(1)
    y = rng.random(300) < 0.2
    scores = np.round(y * 0.3 + rng.random(300), 2)  # ties on purpose
    ts, kappa = kappa_curve(scores, y)
    for t, k in list(zip(ts, kappa))[::17]:
        assert k == pytest.approx(cohen_kappa_score(y, scores >= t), abs=1e-9)
        assert k == pytest.approx(cohen_kappa(scores >= t, y), abs=1e-9)


def test_sentence_suggestions_offsets_exact_and_why(db):
    from coding import codings_frame
    from corpus import get_text
    from nlp import suggest_passages

    doc, text = _sentence_project(db)
    s = suggest_passages(db, "Training", limit=5)
    assert set(s["grain"]) == {"sentence"}
    full = get_text(db, doc)
    for r in s.itertuples():
        assert full[r.char_start : r.char_end] == r.text
    assert s["text"].iloc[0] == HELD_SENTENCE, s[["text", "score", "band"]]
    assert s["band"].iloc[0] in ("likely", "possible")
    assert set(s["band"]) <= {"likely", "possible", "unlikely"}
    # why: the 3 coded passages nearest the suggestion, nearest first
    why = s["why"].iloc[0]
    training = codings_frame(db, codes=["Training"])
    assert len(why) == 3 and set(why) <= set(training["coding_id"])
    assert len(set(why)) == 3
    from nlp import embed_texts

    coded = training.set_index("coding_id")["text"]
    vecs = embed_texts(db, [HELD_SENTENCE, *coded.loc[list(coded.index)].tolist()])
    sims = dict(zip(coded.index, vecs[1:] @ vecs[0]))
    expected = sorted(sims, key=lambda k: -sims[k])[:3]
    assert why == expected


def test_thresholds_stored_and_refitted_when_codings_change(db):
    from coding import code_span
    from nlp import suggest_passages

    doc, text = _sentence_project(db)
    suggest_passages(db, "Training", limit=3)
    rows = db.execute("SELECT grain, stamp, likely, possible FROM suggestion_thresholds").fetchall()
    assert len(rows) == 1 and rows[0][0] == "sentence" and rows[0][2] >= rows[0][3]
    stamp = rows[0][1]
    suggest_passages(db, "Training", limit=3)  # nothing changed: the stored thresholds serve
    assert db.execute("SELECT stamp FROM suggestion_thresholds").fetchone()[0] == stamp
    start = text.index(HELD_SENTENCE)
    code_span(db, doc, start, start + len(HELD_SENTENCE), "Training", coder="ana")
    suggest_passages(db, "Training", limit=3)
    assert db.execute("SELECT stamp FROM suggestion_thresholds").fetchone()[0] != stamp


def test_cold_start_uses_definition(db):
    from coding import add_code, code_span, update_code
    from nlp import suggest_passages

    paras = [
        "Tariffs on steel rose after the renegotiation of the trade agreement.",
        "Rules of origin decide whether a part counts as North American content.",
        "The weather in the valley was dry that summer.",
        "Las reglas de origen del tratado cambiaron los aranceles del acero.",
        "Our office moved to a larger building near the airport.",
        "Customs brokers in Laredo check the certificates of origin for every shipment.",
    ]
    text = "\n\n".join(paras)
    doc = add_doc(db, text, "trade", language="en")
    add_code(db, "Trade", coder="ana")
    update_code(
        db,
        "Trade",
        coder="ana",
        definition="Tariffs, customs and rules of origin in international trade agreements.",
    )
    for p in paras[:2]:
        start = text.index(p)
        code_span(db, doc, start, start + len(p), "Trade", coder="ana")
    s = suggest_passages(db, "Trade", limit=4)
    assert len(s) == 4
    assert set(s["band"]) <= {"possible", "unlikely"} and "possible" in set(s["band"])
    top2 = set(s["text"].head(2))
    assert top2 == {paras[3], paras[5]}, s[["text", "score"]]
    assert all(len(w) == 2 for w in s["why"])  # both coded passages, nearest first


def test_code_without_codings_or_definition_says_what_to_do(db):
    from coding import add_code
    from nlp import NlpError, suggest_passages

    add_doc(db, "One paragraph.\n\nAnother one.", "doc", language="en")
    add_code(db, "Empty", coder="ana")
    with pytest.raises(NlpError, match="no coded passages and no definition"):
        suggest_passages(db, "Empty")


def test_rejected_paragraph_rejects_its_sentences(db):
    from nlp import reject_suggestion, suggest_passages

    doc, text = _sentence_project(db)
    start = text.index(HELD)
    reject_suggestion(db, "Training", doc, start, start + len(HELD), "ana")
    s = suggest_passages(db, "Training", limit=20)
    assert HELD_SENTENCE not in set(s["text"])
