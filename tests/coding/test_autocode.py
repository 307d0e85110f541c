"""Auto-coding previews and batches."""

from __future__ import annotations

import pandas as pd
import pytest

import coding as C
import interviews
from coding.autocode import (
    apply_preview,
    preview_regex,
    preview_rows,
    preview_search,
    preview_speaker,
)
from corpus.store import get_text
from projectfile import NotFound


def test_search_preview_by_paragraph_and_sentence_then_undo(db, docs):
    C.add_code(db, "Funding")
    para = preview_search(db, "funding", "Funding", scope="paragraph")
    assert len(para) == 2 and para["text"].str.contains("unding").all()
    sent = preview_search(db, "funding", "Funding", scope="sentence")
    assert set(sent["text"]) == {
        "Public funding came from CONACYT.",
        "Private funding came from firms.",
        "Funding was scarce.",
    }
    assert C.codings_frame(db).empty  # preview writes nothing
    batch = apply_preview(db, sent, "bot")
    assert C.batches_frame(db).loc[0, "rule"] == "search 'funding' (sentence)"
    assert len(C.codings_frame(db, batch_id=batch)) == 3
    C.undo_batch(db, batch, "ana")
    assert C.codings_frame(db).empty


def test_regex_preview_scopes_and_bad_pattern(db, docs):
    C.add_code(db, "Firms")
    m = preview_regex(db, r"firms?\b", "Firms")
    assert list(m["text"].str.lower()) == ["firms", "firms"]
    p = preview_regex(db, r"CONACYT", "Firms", scope="paragraph")
    assert p.iloc[0]["text"].startswith("Public funding")
    with pytest.raises(C.CodingError, match="not valid"):
        preview_regex(db, "(", "Firms")


def test_speaker_preview_codes_the_turns_of_speakers_or_cases(db, zoom):
    C.add_code(db, "Voice")
    turns = interviews.turns_frame(db, [zoom])
    roberto = turns[turns["speaker"] == "Roberto Salinas"]
    spans = list(zip(roberto["char_start"], roberto["char_end"]))
    sp = preview_speaker(db, "Voice", speakers=["Roberto Salinas"])
    assert len(spans) >= 2 and list(zip(sp["char_start"], sp["char_end"])) == spans
    assert sp["text"].str.contains("budget line").any()
    cases = sorted(turns["case_id"].dropna().astype(int).unique())
    assert len(cases) == 2 and len(preview_speaker(db, "Voice", cases=cases)) == len(turns)
    with pytest.raises(C.CodingError, match="speaker or case"):
        preview_speaker(db, "Voice")


def test_rows_preview_of_any_ranges_then_a_new_code_path_on_apply(db, docs):
    """Entity mentions and topic segments (nlp's frames) become previews through preview_rows."""
    d = docs["policy"]
    text = get_text(db, d)
    s = text.index("Monterrey")
    rows = pd.DataFrame(
        {"document_id": [d, d, d], "char_start": [s, 0, s], "char_end": [s + 9, 3, s + 9]}
    )
    rows["topic"] = [3, 4, 3]
    p = preview_rows(db, rows, "Places > Cities", "topic 3", column="topic", values=[3])
    assert list(p["text"]) == ["Monterrey"] and p.attrs["rule"] == "topic 3"  # duplicates dropped
    assert preview_rows(db, rows, "Places", "topic 9", column="topic", values=[9]).empty
    with pytest.raises(C.CodingError, match="name the code"):
        preview_rows(db, rows, " ", "topic 3")
    with pytest.raises(NotFound):
        preview_rows(db, rows, 999, "topic 3")  # a code id must exist
    batch = apply_preview(db, p, "bot")
    c = C.codings_frame(db, batch_id=batch)
    assert list(c["code_path"]) == ["Places > Cities"]
    with pytest.raises(C.CodingError, match="empty"):
        apply_preview(db, p.iloc[0:0], "bot")


def _pdf_like(db, text: str, title: str) -> int:
    from coding_data import make_document

    from corpus import store_document

    doc = make_document(text, title)
    doc.file_type = "pdf"
    return store_document(db, doc, segment_language=False)


def test_code_all_hits_defaults_to_sentence_on_pdf(db):
    from corpus import search

    text = "The FAA proposes this AD. Operators must test sensors.\n\nNothing else here."
    pdf = _pdf_like(db, text, "Notice (fictional)")
    code = C.add_code(db, "Sensors")
    hits = search(db, "sensors")
    assert C.default_level(db, hits["document_id"]) == "sentence"
    rows = C.preview_hits(db, hits, code, query="sensors")
    assert list(rows["text"]) == ["Operators must test sensors."]
    assert list(rows["document_id"]) == [pdf]
    assert rows.attrs["rule"] == "search hits 'sensors' (auto)"
    # paragraph level is still there when asked for
    para = C.preview_hits(db, hits, code, "paragraph", query="sensors")
    assert list(para["text"]) == ["The FAA proposes this AD. Operators must test sensors."]


def test_code_all_hits_defaults_to_turn_on_interview(db, zoom, docs):
    from corpus import search

    hits = search(db, "funding OR council")
    kinds = dict(zip(hits["document_id"], hits["segment_kind"]))
    assert kinds[zoom] == "turn" and any(d != zoom for d in kinds)
    assert C.default_level(db, [zoom]) == "turn"
    assert C.default_level(db, [d for d in kinds if d != zoom]) == "paragraph"
    assert C.default_level(db, list(kinds)) == "auto"
    code = C.add_code(db, "Mixed")
    rows = C.preview_hits(db, hits, code, query="funding OR council")
    turn_hits = hits[hits["document_id"] == zoom]
    got = rows[rows["document_id"] == zoom][["char_start", "char_end"]].values.tolist()
    assert got == sorted(turn_hits[["char_start", "char_end"]].values.tolist())
    other = rows[rows["document_id"] != zoom]
    para_hits = hits[hits["document_id"] != zoom]
    assert sorted(other["char_start"]) == sorted(para_hits["char_start"].astype(int))


def test_preview_flags_long_quotes(db):
    from corpus import search

    long_para = "Supplier " + "word " * 400 + "end."
    _pdf_like(db, "Short supplier note.\n\n" + long_para, "Long (fictional)")
    code = C.add_code(db, "Suppliers")
    hits = search(db, "supplier")
    rows = C.preview_hits(db, hits, code, "paragraph", query="supplier")
    by_text = dict(zip(rows["text"], rows["too_long"]))
    assert by_text == {"Short supplier note.": False, long_para: True}
    assert rows.set_index("text").loc[long_para, "chars"] == len(long_para) > C.QUOTE_LIMIT
    C.set_quote_limit(db, 10)
    assert C.quote_limit(db) == 10
    rows = C.preview_hits(db, hits, code, "paragraph", query="supplier")
    assert rows["too_long"].all()
    with pytest.raises(C.CodingError):
        C.set_quote_limit(db, 0)


def test_code_all_hits_on_a_two_column_pdf_reads_right(db, shared_pdfs):
    """Issue 24: on the Federal Register notice the default level makes sentence codings, none
    over the quote limit or stopping mid-sentence; paragraph codings stay under 3,000 chars."""
    from corpus import ends_sentence, search, store_document
    from corpus.pdf import pdf_to_document

    doc = pdf_to_document(shared_pdfs / "federal-register-2020-17221.pdf")
    doc_id = store_document(db, doc, segment_language=False)
    code = C.add_code(db, "Design changes")
    hits = search(db, "design", limit=1000)
    assert set(hits["document_id"]) == {doc_id} and len(hits) >= 10
    rows = C.preview_hits(db, hits, code, query="design")
    assert len(rows) >= len(hits)
    assert not rows["too_long"].any()
    assert rows["text"].map(ends_sentence).mean() > 0.9
    assert not rows["text"].str.endswith("the FAA also proposes to").any()
    para = C.preview_hits(db, hits, code, "paragraph", query="design")
    assert para["chars"].max() <= 3000
    assert not para["text"].str.contains("reasonably June 12").any()
