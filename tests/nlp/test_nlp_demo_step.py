"""The nlp demo step: gazetteer, entities and topics on a small fictional project, deterministic."""

from __future__ import annotations

from nlp_docs import EN_PARAS, ES_PARAS, add_doc
from topic_corpus import paragraphs


def test_demo_step_adds_gazetteer_entities_and_topics(db):
    import nlp
    from demo import step_nlp

    add_doc(db, "\n\n".join(EN_PARAS + paragraphs(12, spanish_every=0)), "demo-en", language="en")
    add_doc(db, "\n\n".join(ES_PARAS), "demo-es", language="es")
    step_nlp.build(db, None)
    assert len(nlp.gazetteer_frame(db)) >= 30
    m = nlp.entities_frame(db)
    canon = set(m["canonical"])
    assert {"CONACYT", "MUSEIC", "NAFTA", "USMCA"} <= canon  # TLCAN -> NAFTA, T-MEC -> USMCA
    assert nlp.latest_model(db) is not None
    first = nlp.topic_segments(db)["topic"].tolist()
    step_nlp.build(db, None)  # again: nothing re-extracted, same topics
    assert nlp.entities_frame(db).equals(m)
    assert nlp.topic_segments(db)["topic"].tolist() == first
