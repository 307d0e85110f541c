"""The default search's fusion of keyword and meaning hits: query shapes, the weak-keyword
fallback, strong phrases kept first, and on a real bilingual project (real multilingual model)
the default never ranking a target much below where keyword or meaning alone put it."""

from __future__ import annotations

import pytest
from bilingual_pairs import translation_pairs
from nlp_docs import add_doc

from nlp.fusion import (
    DEFAULT_WEIGHTS,
    HIT_END,
    HIT_START,
    MIN_COSINE,
    Evidence,
    classify_query,
    coverage,
    fuse,
    fuse_rrf,
)


@pytest.mark.parametrize(
    ("query", "kind", "anchors"),
    [
        ('"steering committee"', "phrase", ()),
        ("funding AND delays", "boolean", ()),
        ("NEAR(grant loan, 5)", "boolean", ()),
        ("consort*", "boolean", ()),
        ("737-8", "identifier", ("737-8",)),
        ("AD 2018–23–51", "identifier", ("AD 2018–23–51",)),
        ("founded in 2014", "identifier", ("2014",)),
        ("CONACYT", "name", ("CONACYT",)),
        ("reglas de origen del T-MEC", "name", ("T-MEC",)),
        ("the crash of Lion Air in Indonesia", "name", ("Lion Air", "Indonesia")),
        ("how is the consortium funded?", "natural", ()),
        ("Cómo se financia el consorcio", "natural", ()),
    ],
)
def test_fusion_classify_query_shapes(query, kind, anchors):
    shape = classify_query(query)
    assert shape.kind == kind
    assert shape.anchors == anchors


def test_fusion_coverage_counts_marked_query_words():
    snippet = f"the {HIT_START}federal{HIT_END} {HIT_START}fund{HIT_END} paid late"
    assert coverage("federal fund delays", snippet) == pytest.approx(2 / 3)
    assert coverage("Fondo FEDERAL", f"x {HIT_START}fédéral{HIT_END}") == pytest.approx(1 / 2)
    assert coverage("federal fund", "no marks at all") == 0.0


def _kw(sid, bm25, cosine, share=1.0):
    return dict(segment_id=sid, bm25=bm25, cosine=cosine, coverage=share)


def _mn(sid, cosine):
    return dict(segment_id=sid, cosine=cosine)


def test_fusion_weak_keyword_falls_back_to_meaning():
    shape = classify_query("retrasos en los pagos del fondo federal")
    # OR-relaxed hits: boilerplate holding one query word each, strong bm25, unrelated meaning
    keyword = [_kw(100 + i, 9.0 - i, 0.2, share=1 / 6) for i in range(5)]
    meaning = [_mn(1, 0.6), _mn(2, 0.5)] + [_mn(10 + i, 0.3) for i in range(20)]
    fused = fuse(keyword, meaning, shape, Evidence("relaxed", 5))
    order = [h["segment_id"] for h in fused]
    assert order[:2] == [1, 2]
    first_keyword = min(order.index(100 + i) for i in range(5))
    assert all(order.index(sid) < first_keyword for sid in (1, 2))
    assert {h["matched"] for h in fused if h["segment_id"] >= 100} == {"keyword"}
    # the former default (equal-weight RRF) put boilerplate above the second translation
    rrf = [h["segment_id"] for h in fuse_rrf(keyword, meaning)]
    assert rrf.index(100) < rrf.index(2)


def test_fusion_relaxed_hit_holding_most_words_still_counts():
    shape = classify_query("late reimbursements from the federal fund")
    # near-tie on meaning: the keyword evidence (3 of 4 words) breaks it
    keyword = [_kw(7, 5.0, 0.38, share=0.75)]
    meaning = [_mn(1, 0.4), _mn(7, 0.38)]
    fused = fuse(keyword, meaning, shape, Evidence("relaxed", 1))
    assert fused[0]["segment_id"] == 7
    assert fused[0]["matched"] == "both"


def test_fusion_strong_phrase_keeps_keyword_first():
    shape = classify_query('"operational readiness flight"')
    assert shape.kind == "phrase"
    keyword = [_kw(500, 12.0, 0.31), _kw(501, 6.0, 0.2)]
    meaning = [_mn(i, 0.9 - i * 0.005) for i in range(100)]
    fused = fuse(keyword, meaning, shape, Evidence("strict", 2))
    assert [h["segment_id"] for h in fused[:1]] == [500]
    assert len(fused) == 102
    # below MIN_COSINE a meaning hit adds nothing to the keyword side's ranking
    lone = fuse([_kw(9, 1.0, None)], [_mn(3, MIN_COSINE)], shape, Evidence("strict", 1))
    assert [h["segment_id"] for h in lone] == [9, 3]


def test_fusion_weights_follow_shape_and_evidence():
    w = DEFAULT_WEIGHTS
    phrase, natural = classify_query('"a b"'), classify_query("how it works")
    assert w.keyword_weight(phrase, Evidence("strict", 1)) > w.keyword_weight(
        natural, Evidence("strict", 1)
    )
    assert w.keyword_weight(natural, Evidence("relaxed", 3)) < w.keyword_weight(
        natural, Evidence("strict", 3)
    )
    assert fuse([], [_mn(1, 0.5)], natural, Evidence())[0]["matched"] == "meaning"


EXTRA = {
    "numbers": "Contract 2019-CE-012 paid for the vibration test rig at the Apodaca plant.",
    "numbers-es": "El contrato 2019-CE-012 pagó el banco de pruebas de vibración de Apodaca.",
    "name": "Dr. Itzel Varga Montoya led the audit of the composite line in Saltillo.",
    "boiler": "Note: the fund, the payments and the federal rules are described in annex B.",
    "boiler-es": "Nota: el fondo, los pagos y las reglas federales se describen en el anexo B.",
}

# (query, a substring of the target passage)
QUERIES = [
    ("retrasos en los pagos del fondo federal", "Payments from the ministry were delayed"),
    ("late payments from the ministry", "Los pagos del ministerio se retrasaron"),
    ("annual fee that firms pay", "Las empresas socias pagan una cuota anual"),
    ("cuota anual de las empresas socias", "Member firms pay an annual fee"),
    ("students on the factory floor", "Los estudiantes pasan tres días"),
    ("inspecciones aduanales en el puente", "Customs inspections at the bridge"),
    ('"rules of origin"', "Rules of origin force assemblers"),
    ('"tipo de cambio"', "el tipo de cambio importa mucho"),
    ("2019-CE-012", "Contract 2019-CE-012"),
    ("contrato 2019-CE-012", "El contrato 2019-CE-012"),
    ("Itzel Varga", "Dr. Itzel Varga Montoya"),
    ("auditoría de Itzel Varga", "Dr. Itzel Varga Montoya"),
]


@pytest.fixture(scope="module")
def fusion_db(tmp_path_factory):
    from nlp import index_passages
    from projectfile import open_project

    db = open_project(tmp_path_factory.mktemp("fusion") / "f.qda.sqlite")
    pairs = translation_pairs()
    add_doc(db, "\n\n".join(en for _, en, _ in pairs), "report-en", language="en")
    add_doc(db, "\n\n".join(es for _, _, es in pairs), "informe-es", language="es")
    add_doc(db, "\n\n".join(v for k, v in EXTRA.items() if "-es" not in k), "misc-en")
    add_doc(db, "\n\n".join(v for k, v in EXTRA.items() if "-es" in k), "varios-es")
    index_passages(db)
    yield db
    db.conn.close()


def _rank(frame, needle: str) -> int:
    for i, snippet in enumerate(frame["snippet"]):
        if needle in " ".join(str(snippet).replace(HIT_START, "").replace(HIT_END, "").split()):
            return i
    return 10_000


@pytest.mark.parametrize(("query", "needle"), QUERIES)
def test_hybrid_never_below_parts_on_fixture(fusion_db, query, needle):
    from corpus import SearchError
    from nlp import search_passages

    ranks = {}
    for mode in ("keyword", "meaning", "hybrid"):
        try:
            ranks[mode] = _rank(search_passages(fusion_db, query, mode, limit=50), needle)
        except SearchError:
            ranks[mode] = 10_000
    best = min(ranks["keyword"], ranks["meaning"])
    assert best < 10_000, (query, ranks)  # the fixture's target is findable at all
    assert ranks["hybrid"] <= best + 1, (query, ranks)
