"""Demo step for ``nlp``: the starter gazetteer, two aliases, entity extraction and a TF-IDF topic
model.

Runs on whatever documents the earlier steps stored (fictional demo content).  Deterministic: fixed
model versions, fixed random state; the topic fit is skipped with a note when the demo has too few
segments.
"""

from __future__ import annotations

import sys
from pathlib import Path


def build(db, root: Path) -> None:
    """Add the gazetteer, extract entities and fit a small topic model on the demo project."""
    import nlp

    nlp.add_starter_gazetteer(db)
    report = nlp.extract_entities(db)
    for msg in report.messages:
        print(f"demo nlp: {msg}", file=sys.stderr)
    names = set(nlp.entities_frame(db)["canonical"])
    # statistical mentions that name the same body as a gazetteer entry
    for variants, canonical in (
        (
            ["Economy Ministry", "Ministry of Economy", "la Secretaría de Economía"],
            "Secretaría de Economía",
        ),
        (["UANL", "Universidad Autónoma de Nuevo León"], "Universidad Autónoma de Nuevo León"),
    ):
        present = [v for v in variants if v in names and v != canonical]
        if present:
            nlp.merge_entities(db, present, canonical)
    for unit in ("paragraph", "turn"):
        try:
            res = nlp.fit_topics(db, unit=unit, backend="tfidf")
        except nlp.TopicError as exc:
            print(f"demo nlp: no {unit} topics ({exc})", file=sys.stderr)
            continue
        print(
            f"demo nlp: {unit} topics: {res.topics} over {res.segments} segments", file=sys.stderr
        )
    # passages indexed for meaning search, so the Search page's hybrid mode works from the start
    indexed = nlp.index_passages(db)
    print(f"demo nlp: {indexed.passages} passages indexed for meaning search", file=sys.stderr)
