"""Entity and topic counts per case follow the one case rule (``coding.span_cases``): in a group
interview, a mention or a topic segment belongs to the case of the speaker whose turn holds it,
not to every case of the document; a span outside every turn belongs to each of the document's
cases."""

from __future__ import annotations

import pandas as pd
import pytest
from topic_corpus import THEMES

import coding as C
from corpus import get_text

ANA, BRUNO = "Ana Ruiz", "Bruno Soto"


def _themed(theme: str, i: int) -> str:
    words = THEMES[theme][0]
    return " ".join(words[(i + k) % len(words)] for k in range(14)).capitalize() + "."


def _group_interview(db, tmp_path) -> int:
    """A group interview: the interviewer asks, Ana (funding, Querétaro) and Bruno (trade,
    Monterrey) answer; Ana and Bruno are two cases of one document."""
    from interviews import import_transcripts

    turns = []
    for i in range(6):
        turns.append(f"Interviewer: {_themed('training', i)} What happened next?")
        ana = _themed("funding", i)
        turns.append(f"{ANA}: {ana} We opened a plant in Querétaro." if i == 0 else f"{ANA}: {ana}")
        bruno = _themed("trade", i)
        turns.append(f"{BRUNO}: {bruno} Monterrey was our base." if i == 0 else f"{BRUNO}: {bruno}")
    path = tmp_path / "group-1.txt"
    path.write_text("\n\n".join(turns) + "\n", encoding="utf-8")
    (outcome,) = import_transcripts([str(path)], db)
    assert outcome.status == "ok", outcome.reason
    return int(outcome.document_id)


@pytest.fixture
def group(db, tmp_path):
    from interviews import document_cases

    doc = _group_interview(db, tmp_path)
    cases = document_cases(db)
    assert set(cases.loc[cases["document_id"] == doc, "case_name"]) == {ANA, BRUNO}
    return db, doc


def test_a_place_named_by_one_speaker_counts_for_that_speakers_case_only(group):
    from nlp import counts_by_case, entities_frame, extract_entities

    db, doc = group
    extract_entities(db)
    mentions = entities_frame(db)
    assert {"Querétaro", "Monterrey"} <= set(mentions["canonical"])
    by_case = counts_by_case(db, mentions)
    assert list(by_case.columns) == ["canonical", "label", "case_id", "case_name", "mentions"]
    cases_of = by_case.groupby("canonical")["case_name"].agg(set)
    assert cases_of["Querétaro"] == {ANA}
    assert cases_of["Monterrey"] == {BRUNO}
    # every view gives the same case: a coding on the same words is Ana's in the evidence view
    row = mentions[mentions["canonical"] == "Querétaro"].iloc[0]
    C.add_code(db, "Places")
    C.code_span(db, doc, int(row["char_start"]), int(row["char_end"]), "Places", "ana")
    assert set(C.retrieve(db, "Places")["case_name"]) == {ANA}
    assert set(C.span_cases(db, mentions.loc[[row.name]])["case_name"]) == {ANA}


def test_a_mention_outside_every_turn_counts_for_each_case_of_the_document(group):
    from nlp import counts_by_case

    db, doc = group
    text = get_text(db, doc)
    label = text.index(ANA)  # the speaker label of Ana's first turn: outside every turn?
    spans = pd.DataFrame({"document_id": [doc], "char_start": [label], "char_end": [label + 3]})
    if C.span_cases(db, spans).loc[0, "turn_no"] is not None:
        pytest.skip("turns include their speaker labels: no text outside turns here")
    mentions = pd.DataFrame(
        {
            "entity_id": [1],
            "document_id": [doc],
            "char_start": [label],
            "char_end": [label + len(ANA)],
            "canonical": [ANA],
            "label": ["PERSON"],
        }
    )
    by_case = counts_by_case(db, mentions)
    assert by_case.set_index("case_name")["mentions"].to_dict() == {ANA: 1, BRUNO: 1}


def test_topic_segments_count_for_the_case_of_the_speaker_whose_turn_holds_them(group):
    from nlp import fit_topics, topic_segments, topics_by_case, topics_by_speaker

    db, doc = group
    res = fit_topics(db, unit="turn", backend="tfidf", min_topic_size=3)
    assert res.segments == 18
    by_case = topics_by_case(db, res.model_id)
    assert list(by_case.columns) == ["case_id", "case_name", "topic", "topic_name", "segments"]
    per_case = by_case.groupby("case_name")["segments"].sum().to_dict()
    assert per_case == {ANA: 6, BRUNO: 6, "Interviewer (group-1)": 6}
    by_speaker = topics_by_speaker(db, res.model_id)
    for name in (ANA, BRUNO):
        mine = by_case[by_case["case_name"] == name].set_index("topic")["segments"]
        said = by_speaker[by_speaker["speaker"] == name].set_index("topic")["segments"]
        assert mine.sort_index().to_dict() == said.sort_index().to_dict()
    # a topic only Ana's turns have is counted for Ana and not for Bruno
    seg = topic_segments(db, res.model_id, with_text=False)
    seg["case"] = C.span_cases(db, seg)["case_name"]
    only_ana = set(seg.loc[seg["case"] == ANA, "topic"]) - set(seg.loc[seg["case"] != ANA, "topic"])
    assert only_ana, seg[["case", "topic"]]
    for topic in only_ana:
        assert set(by_case.loc[by_case["topic"] == topic, "case_name"]) == {ANA}
