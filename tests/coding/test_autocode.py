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
