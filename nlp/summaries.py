"""Extractive summaries: the few sentences of some passages that best cover them, each with its
exact place in its document. No text is generated, so nothing is invented.

The sentences of the passages are embedded with the multilingual model (English and Spanish
alike); the centroid of their vectors stands for what the passages say. ``centroid`` picks the
sentences nearest it; ``mmr`` (maximal marginal relevance, Carbonell and Goldstein 1998) picks
each next sentence by ``lambda_ * relevance - (1 - lambda_) * its highest similarity to those
already picked``, so the summary does not say one thing three times.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import sqlite_utils

from corpus import get_text, trim_span

from .embeddings import embed_texts
from .encoders import DEFAULT_MODEL

MIN_SENTENCES, MAX_SENTENCES = 3, 7
MIN_WORDS = 4  # shorter "sentences" (a heading, "Yes.", a list number) are not summary material
SUMMARY_COLUMNS = [
    "document_id",
    "char_start",
    "char_end",
    "sentence",
    "score",
    "source_coding_id",
]
METHODS = ("mmr", "centroid")
# a sentence ends at . ! ? … (with closing quotes or brackets) before a space, or at a line break;
# not after a one-letter initial or a common abbreviation (Dr. Sr. e.g. art. núm.)
_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+|\n\s*")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Za-z]|\b(?:Dr|Dra|Mr|Mrs|Ms|Sr|Sra|Srta|Lic|Ing|St|No|Núm|núm|art|Art|e\.g|i\.e|etc|vs"
    r"|p|pp|cf|approx|Inc|Ltd|Co))\.\s+$"
)
_WORD = re.compile(r"\w+", re.UNICODE)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return the [start, end) offsets in ``text`` of the sentences of ``text[start:end]``."""
    end = len(text) if end is None else end
    cuts = [
        m.end()
        for m in _END.finditer(text, start, end)
        if not _ABBREVIATION.search(text[max(start, m.start() - 12) : m.end()])
    ]
    bounds = [start, *cuts, end]
    trimmed = (trim_span(text, a, b) for a, b in zip(bounds, bounds[1:]))
    return [(s, e) for s, e in trimmed if e > s]


def select_sentences(
    vectors: np.ndarray, k: int, method: str = "mmr", lambda_: float = 0.7
) -> list[tuple[int, float]]:
    """Return (row, relevance) of the ``k`` rows that best cover ``vectors`` (L2-normalised),
    in the order picked; relevance is the cosine to the centroid."""
    if method not in METHODS:
        raise ValueError(f"method is one of {', '.join(METHODS)}, not {method!r}")
    n = len(vectors)
    if n == 0 or k <= 0:
        return []
    centroid = vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    relevance = vectors @ (centroid / norm) if norm > 0 else np.zeros(n, dtype="float32")
    if method == "centroid":
        order = np.lexsort((np.arange(n), -relevance))[:k]
        return [(int(i), float(relevance[i])) for i in order]
    picked: list[int] = []
    nearest = np.zeros(n, dtype="float64")  # highest similarity to a picked row (none yet: 0)
    for _ in range(min(k, n)):
        gain = lambda_ * relevance - (1 - lambda_) * nearest
        gain[picked] = -np.inf
        i = int(np.argmax(gain))  # ties: the earliest sentence
        picked.append(i)
        similar = vectors @ vectors[i]
        nearest = similar if len(picked) == 1 else np.maximum(nearest, similar)
    return [(i, float(relevance[i])) for i in picked]


def summarize_spans(
    db: sqlite_utils.Database,
    spans: pd.DataFrame | list[dict],
    k: int = 5,
    method: str = "mmr",
    lambda_: float = 0.7,
    model: str = DEFAULT_MODEL,
    encoder=None,
) -> pd.DataFrame:
    """Return the ``k`` sentences (clamped to 3-7, and to how many there are) of ``spans`` that
    best cover them, in the order picked (SUMMARY_COLUMNS).

    ``spans``: rows with ``document_id``, ``char_start``, ``char_end`` and optionally
    ``source_coding_id`` (carried to each sentence of that span). A sentence repeated word for
    word is taken once. Each row's ``sentence`` is exactly ``get_text(document)[start:end]``.
    """
    rows = spans.to_dict("records") if isinstance(spans, pd.DataFrame) else list(spans)
    texts: dict[int, str] = {}
    found: list[tuple[int, int, int, object]] = []
    seen: set[str] = set()
    for r in rows:
        doc = int(r["document_id"])
        if doc not in texts:
            texts[doc] = get_text(db, doc)
        for s, e in sentence_spans(texts[doc], int(r["char_start"]), int(r["char_end"])):
            sentence = " ".join(texts[doc][s:e].split())
            if len(_WORD.findall(sentence)) < MIN_WORDS or sentence in seen:
                continue
            seen.add(sentence)
            found.append((doc, s, e, r.get("source_coding_id")))
    if not found:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    k = max(MIN_SENTENCES, min(MAX_SENTENCES, int(k)))
    vectors = embed_texts(db, [texts[d][s:e] for d, s, e, _ in found], model, encoder=encoder)
    picked = select_sentences(np.asarray(vectors, dtype="float32"), k, method, lambda_)
    out = []
    for i, score in picked:
        d, s, e, coding = found[i]
        out.append(
            dict(
                document_id=d,
                char_start=s,
                char_end=e,
                sentence=texts[d][s:e],
                score=score,
                source_coding_id=None if coding is None or coding != coding else int(coding),
            )
        )
    return pd.DataFrame(out, columns=SUMMARY_COLUMNS)
