"""Extractive summaries: MMR picks k distinct sentences, sentence offsets are exact (accents,
emoji, abbreviations), a code's summary over English and Spanish codings cites each sentence's
coding, and saving it writes a memo listing the sentences with their citations."""

from __future__ import annotations

import numpy as np
import pytest
from nlp_docs import add_doc

from nlp.summaries import select_sentences, sentence_spans


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype="float32")
    return v / np.linalg.norm(v)


def test_summaries_mmr_selects_k_distinct_sentences():
    # rows 0-2 say one thing (near-duplicates, nearest the centroid), 3 and 4 two other things
    vecs = np.stack(
        [
            _unit([1, 0.02, 0.01]),
            _unit([1, 0.0, 0.02]),
            _unit([1, 0.01, 0.0]),
            _unit([0, 1, 0]),
            _unit([0, 0, 1]),
        ]
    )
    centroid = [i for i, _ in select_sentences(vecs, 3, "centroid")]
    mmr = [i for i, _ in select_sentences(vecs, 3, "mmr", lambda_=0.6)]
    assert sorted(centroid) == [0, 1, 2]  # the centroid alone repeats one point three times
    assert len(set(mmr)) == 3 and {3, 4} <= set(mmr)  # MMR covers the other two
    assert mmr[0] in (0, 1, 2)  # the most central sentence first
    assert select_sentences(vecs, 3, "mmr") == select_sentences(vecs, 3, "mmr")  # deterministic
    assert len(select_sentences(vecs, 9)) == 5
    with pytest.raises(ValueError):
        select_sentences(vecs, 2, "lexrank")


def test_summaries_sentence_spans_are_exact_with_accents_emoji_and_abbreviations():
    text = (
        "Intro line 🙂 here.  Dr. Varga met Sr. Pérez at 9 a.m. in Querétaro! "
        "¿Llegó el pago?  Sí, llegó tarde…\nNext line without a stop"
    )
    spans = sentence_spans(text)
    got = [text[s:e] for s, e in spans]
    assert got == [
        "Intro line 🙂 here.",
        "Dr. Varga met Sr. Pérez at 9 a.m. in Querétaro!",
        "¿Llegó el pago?",
        "Sí, llegó tarde…",
        "Next line without a stop",
    ]
    inner = sentence_spans(text, 20, 70)
    assert all(20 <= s < e <= 70 for s, e in inner)


EN = (
    "The federal grant arrived nine months late, so the laboratory took a bank loan. "
    "The loan cost the lab most of its first year. Nobody at the ministry answered our letters."
)
ES = (
    "Los pagos del ministerio se retrasaron cada año por el papeleo. "
    "El laboratorio pidió un préstamo bancario para comprar equipo. "
    "Las empresas socias pagan una cuota anual."
)


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    import coding
    from corpus import get_text
    from projectfile import open_project

    db = open_project(tmp_path_factory.mktemp("summary") / "s.qda.sqlite")
    en = add_doc(db, EN + "\n\nAn unrelated paragraph about the weather in May.", "report-en")
    es = add_doc(db, ES, "informe-es", language="es")
    coding.add_code(db, "Funding delays")
    ids = {}
    for doc, passage in ((en, EN), (es, ES)):
        at = get_text(db, doc).index(passage)
        ids[doc] = coding.code_span(db, doc, at, at + len(passage), "Funding delays", "ana")
    yield db, en, es, ids
    db.conn.close()


def test_summary_of_a_code_cites_its_codings_in_both_languages(coded):
    from corpus import get_text
    from exports import SummaryTarget, summary_table

    db, en, es, ids = coded
    table = summary_table(db, None, SummaryTarget("code", code="Funding delays"), k=3)
    assert len(table) == 3
    for row in table.itertuples():
        assert get_text(db, row.document_id)[row.char_start : row.char_end] == row.sentence
        assert row.source_coding_id == ids[row.document_id]
        assert row.code_path == "Funding delays" and row.citation
    assert "weather" not in " ".join(table["sentence"])  # only the coded passages
    assert len(set(table["sentence"])) == 3
    five = summary_table(db, None, SummaryTarget("code", code="Funding delays"), k=5)
    assert set(five["document_id"]) == {en, es}
    one = summary_table(db, None, SummaryTarget("document", document=es), k=1)
    assert len(one) == 3  # at least 3 sentences when there are 3


def test_summary_memo_round_trip(coded):
    from coding import memos_frame
    from exports import ExportError, SummaryTarget, summary_table
    from workflows import save_summary_memo

    db, _en, _es, _ids = coded
    target = SummaryTarget("code", code="Funding delays")
    table = summary_table(db, None, target, k=3)
    memo = save_summary_memo(db, table, target, "ana")
    row = memos_frame(db).set_index("memo_id").loc[memo]
    for sentence, citation in zip(table["sentence"], table["citation"]):
        assert f"“{' '.join(sentence.split())}” ({citation})" in row["text"]
    assert row["title"] == "Summary of Funding delays"
    with pytest.raises(ExportError, match="needs its case"):
        save_summary_memo(db, table, SummaryTarget("cell", code="Funding delays"), "ana")
