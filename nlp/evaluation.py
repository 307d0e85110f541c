"""Entity quality against a hand-annotated set: precision, recall, F1 per label (exact spans)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd

from .errors import NlpError


def load_gold(path: str | Path) -> list[dict]:
    """Return examples {text, spans: [(start, end, label)]} of JSONL {text, entities}."""
    examples = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        obj = json.loads(line)
        text, spans, pos = obj["text"], [], {}
        for phrase, label in obj["entities"]:
            start = text.find(phrase, pos.get(phrase, 0))
            if start < 0:
                raise NlpError(f"{path}, line {n}: {phrase!r} is not in the text")
            pos[phrase] = start + len(phrase)
            spans.append((start, start + len(phrase), label))
        examples.append({"text": text, "spans": spans})
    return examples


def score_ner(
    nlp,
    examples: list[dict],
    cleaned: bool = False,
    label_map: dict[str, str] | None = None,
    labels: set[str] | None = None,
) -> pd.DataFrame:
    """Return label, gold, predicted, correct, precision, recall, f1 per label and 'ALL' (micro).

    ``cleaned`` scores the mentions as extract_entities stores them (edge punctuation trimmed,
    noise dropped). ``label_map`` renames predicted labels (e.g. LOC -> GPE); with ``labels``
    only predictions of those labels are scored (the labels the gold set annotates).
    """
    from .entities import clean_mention

    label_map = label_map or {}
    gold, pred, correct = Counter(), Counter(), Counter()
    docs = nlp.pipe([e["text"] for e in examples])
    for ex, doc in zip(examples, docs):
        g = set(ex["spans"])
        if cleaned:
            p = {(*se, e.label_) for e in doc.ents if (se := clean_mention(e)) is not None}
        else:
            p = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
        p = {(s, e, label_map.get(lab, lab)) for s, e, lab in p}
        if labels is not None:
            p = {x for x in p if x[2] in labels}
        for _, _, lab in g:
            gold[lab] += 1
        for _, _, lab in p:
            pred[lab] += 1
        for _, _, lab in g & p:
            correct[lab] += 1
    rows = []
    for lab in sorted(set(gold) | set(pred)) + ["ALL"]:
        gd = sum(gold.values()) if lab == "ALL" else gold[lab]
        pr = sum(pred.values()) if lab == "ALL" else pred[lab]
        co = sum(correct.values()) if lab == "ALL" else correct[lab]
        p = co / pr if pr else 0.0
        r = co / gd if gd else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows.append(
            {
                "label": lab,
                "gold": gd,
                "predicted": pr,
                "correct": co,
                "precision": round(p, 3),
                "recall": round(r, 3),
                "f1": round(f, 3),
            }
        )
    return pd.DataFrame(rows)


GOLD_DIR = Path(__file__).resolve().parents[1] / "bench" / "ner_gold"
# the gold sets annotate people, organisations, places (countries, states, cities, regions) and
# trade agreements; the models' PER and LOC are the same things as PERSON and GPE here
GOLD_LABELS = {"PERSON", "ORG", "GPE", "AGREEMENT"}
GOLD_LABEL_MAP = {"PER": "PERSON", "LOC": "GPE"}


def gazetteer_effect(language: str, path: str | Path | None = None) -> pd.DataFrame:
    """Return per-label scores of ``language``'s pipeline without and with the bundled places.

    Columns: label, gold, then precision/recall/f1 ``_before`` and ``_after`` (model alone vs
    the bundled places ruler before the model); the gold set is ``bench/ner_gold/<lang>.jsonl``.
    """
    from .pipelines import ner_pipeline

    examples = load_gold(path or GOLD_DIR / f"{language}.jsonl")
    frames = []
    for places, tag in ((False, "before"), (True, "after")):
        df = score_ner(
            ner_pipeline(language, (), places=places),
            examples,
            cleaned=True,
            label_map=GOLD_LABEL_MAP,
            labels=GOLD_LABELS,
        ).set_index("label")
        frames.append(
            df[["precision", "recall", "f1"]].add_suffix(f"_{tag}").join(df[["gold"]])
            if tag == "before"
            else df[["precision", "recall", "f1"]].add_suffix(f"_{tag}")
        )
    out = frames[0].join(frames[1], how="outer").fillna(0.0).reset_index()
    cols = ["label", "gold"] + [
        f"{m}_{t}" for t in ("before", "after") for m in ("precision", "recall", "f1")
    ]
    out["gold"] = out["gold"].astype(int)
    out = pd.concat([out[out["label"] != "ALL"], out[out["label"] == "ALL"]])
    return out[cols].reset_index(drop=True)


if __name__ == "__main__":
    import sys

    from .pipelines import ner_pipeline

    path = (
        sys.argv[1]
        if len(sys.argv) > 1
        else str(Path(__file__).resolve().parents[1] / "tests/nlp/data/es_ner_gold.jsonl")
    )
    for cleaned in (False, True):
        print("as stored by extract_entities" if cleaned else "model output")
        print(
            score_ner(ner_pipeline("es"), load_gold(path), cleaned=cleaned).to_string(index=False)
        )
