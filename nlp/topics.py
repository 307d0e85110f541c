"""Topic models with BERTopic over segments (paragraphs, turns or sentences), stored in the project.

Three embedding backends: "multilingual" (the default: Universal Sentence Encoder multilingual v3,
so an English paragraph and its Spanish translation land in one topic), "minilm" (the packaged
all-MiniLM-L6-v2, English only) — both cached vectors (see embeddings.py), reduced with UMAP — and
a TF-IDF + TruncatedSVD pipeline (reduced with PCA). UMAP has a fixed random_state, so the same
corpus and settings give the same topics; small corpora get smaller UMAP/HDBSCAN parameters, and
corpora too small to cluster get a TopicError with a plain message.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlite_utils

from corpus import get_segments, list_documents, trim_span
from projectfile import Progress, now_iso, transaction, writes

from .embeddings import embed_texts
from .encoders import MINILM, USE_MULTILINGUAL
from .errors import TopicError

UNITS = ("paragraph", "turn", "sentence")
BACKENDS = ("multilingual", "minilm", "tfidf")
BACKEND_MODELS = {"multilingual": USE_MULTILINGUAL, "minilm": MINILM}
MIN_SEGMENTS = 6
MIN_WORDS = 3
_SENT = re.compile(r"[^.!?…\n]+(?:[.!?…]+[\"'»”’)\]]*|\n|$)")
_WORDS = re.compile(r"[^\W\d_]{2,}")


@dataclass
class FitResult:
    """A stored topic model: id, topics (without outliers), outliers, segments and any message."""

    model_id: int
    topics: int
    outliers: int
    segments: int
    message: str = ""


@functools.cache
def stop_words() -> tuple[str, ...]:
    """Return English and Spanish stop words (scikit-learn's English list and spaCy's lists)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.es.stop_words import STOP_WORDS as ES

    words = set(ENGLISH_STOP_WORDS) | set(EN) | set(ES)
    # the token pattern splits "we'll" into "we" + "ll": keep the pieces as stop words too
    return tuple(sorted(words | {p for w in words for p in re.split(r"[^\w]+", w) if p}))


def _sentences(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _SENT.finditer(text):
        s, e = trim_span(text, m.start(), m.end())
        if e > s:
            out.append((s, e))
    return out


def topic_units(
    db: sqlite_utils.Database, unit: str = "paragraph", documents: list[int] | None = None
) -> pd.DataFrame:
    """Return the segments to model: document_id, char_start, char_end, text, language."""
    if unit not in UNITS:
        raise TopicError(f"unknown unit {unit!r}; choose one of {', '.join(UNITS)}")
    ids = (
        [int(i) for i in list_documents(db)["id"]]
        if documents is None
        else [int(i) for i in documents]
    )
    rows = []
    for doc_id in ids:
        segs = get_segments(db, doc_id)
        kinds = (
            ("turn",)
            if unit == "turn"
            else ("paragraph", "turn")
            if unit == "sentence"
            else ("paragraph",)
        )
        segs = segs[segs["kind"].isin(kinds)]
        for start, text, lang in zip(segs["char_start"], segs["text"], segs["language"]):
            spans = _sentences(text) if unit == "sentence" else [(0, len(text))]
            for s, e in spans:
                piece = text[s:e]
                if len(_WORDS.findall(piece)) >= MIN_WORDS:
                    rows.append((doc_id, int(start) + s, int(start) + e, piece, lang))
    return pd.DataFrame(rows, columns=["document_id", "char_start", "char_end", "text", "language"])


def tfidf_embeddings(texts: list[str], random_state: int = 42, dims: int = 100) -> np.ndarray:
    """Return language-agnostic vectors: TF-IDF (no accents), TruncatedSVD, L2-normalised."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    tfidf = TfidfVectorizer(
        strip_accents="unicode", sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b[^\W\d_]{2,}\b"
    )
    try:
        x = tfidf.fit_transform(texts)
    except ValueError as exc:
        raise TopicError("the segments hold no words to model") from exc
    k = min(dims, x.shape[1] - 1, len(texts) - 1)
    if k < 2:
        return normalize(x.toarray()).astype("float32")
    return normalize(
        TruncatedSVD(n_components=k, random_state=random_state).fit_transform(x)
    ).astype("float32")


def small_corpus_params(n: int, min_topic_size: int | None = None) -> dict:
    """Return UMAP/HDBSCAN parameters for ``n`` segments (BERTopic's defaults from ~150)."""
    return {
        "n_neighbors": max(2, min(15, n - 1)),
        "n_components": max(2, min(5, n - 3)),
        "min_cluster_size": int(min_topic_size or max(2, min(10, n // 15))),
    }


def _bertopic(n: int, params: dict, random_state: int, nr_topics, reducer: str = "umap"):
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer

    if reducer == "umap":
        from umap import UMAP

        umap = UMAP(
            n_neighbors=params["n_neighbors"],
            n_components=params["n_components"],
            min_dist=0.0,
            metric="cosine",
            random_state=random_state,
            n_jobs=1,
            init="spectral" if n > 3 * params["n_components"] + 10 else "random",
        )
    else:
        # TF-IDF+SVD vectors are already a linear reduction: PCA is enough, and needs no numba
        from sklearn.decomposition import PCA

        umap = PCA(n_components=params["n_components"], random_state=random_state)
    hdb = HDBSCAN(
        min_cluster_size=params["min_cluster_size"],
        metric="euclidean",
        cluster_selection_method="eom",
        prediction_data=True,
    )
    vectorizer = CountVectorizer(
        stop_words=list(stop_words()), min_df=1, token_pattern=r"(?u)\b[^\W\d_]{2,}\b"
    )
    # language="multilingual": with "english" BERTopic strips every non-ASCII letter
    # ("tecnología" -> "tecnologa")
    return BERTopic(
        language="multilingual",
        embedding_model=None,
        umap_model=umap,
        hdbscan_model=hdb,
        vectorizer_model=vectorizer,
        nr_topics=nr_topics,
        calculate_probabilities=False,
        verbose=False,
    ), vectorizer


@writes("topics")
def fit_topics(
    db: sqlite_utils.Database,
    unit: str = "paragraph",
    backend: str = "multilingual",
    min_topic_size: int | None = None,
    nr_topics: int | str | None = None,
    reduce_outliers: bool = False,
    random_state: int = 42,
    documents: list[int] | None = None,
    progress: Progress | None = None,
    encoder=None,
) -> FitResult:
    """Fit a BERTopic model over the project's segments and store it; return a FitResult.

    ``backend`` multilingual (default), minilm or tfidf. ``encoder`` replaces the packaged
    sentence model (an object with ``encode(texts)``, e.g. one held in st.cache_resource).
    Raises TopicError when there are too few segments or no words to describe topics.
    """
    if backend not in BACKENDS:
        raise TopicError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    units = topic_units(db, unit, documents)
    n = len(units)
    if n < MIN_SEGMENTS:
        raise TopicError(
            f"only {n} {unit} segment{'s' if n != 1 else ''} with at least {MIN_WORDS} words; "
            f"topics need at least {MIN_SEGMENTS} (add documents or choose a smaller unit)"
        )
    texts = units["text"].tolist()
    if progress:
        progress(0, 3, "embedding")
    if backend in BACKEND_MODELS:
        emb = embed_texts(
            db,
            texts,
            BACKEND_MODELS[backend],
            encoder=encoder,
            progress=(lambda d, t, m: progress(0, 3, f"{m} {d}/{t}")) if progress else None,
        )
    else:
        emb = tfidf_embeddings(texts, random_state)
    if progress:
        progress(1, 3, "clustering")
    params = small_corpus_params(n, min_topic_size)
    reducer = "umap" if backend in BACKEND_MODELS else "pca"
    model, vectorizer = _bertopic(n, params, random_state, nr_topics, reducer)
    try:
        assigned, probs = model.fit_transform(texts, embeddings=emb)
    except ValueError as exc:
        if "vocabulary" in str(exc) or "stop words" in str(exc):
            raise TopicError("no words left to describe topics after removing stop words") from exc
        raise
    assigned = list(assigned)
    probs = [float(p) for p in probs] if probs is not None and np.ndim(probs) == 1 else [None] * n
    message = ""
    if reduce_outliers and -1 in assigned and len(set(assigned)) > 1:
        new = list(model.reduce_outliers(texts, assigned, strategy="c-tf-idf"))
        probs = [p if a == b else None for a, b, p in zip(assigned, new, probs)]
        assigned = new
        bt_log = logging.getLogger("BERTopic")
        level = bt_log.level
        bt_log.setLevel(logging.ERROR)  # its warning about custom assignments is expected here
        try:
            model.update_topics(texts, topics=assigned, vectorizer_model=vectorizer)
        finally:
            bt_log.setLevel(level)
    if set(assigned) == {-1}:
        message = (
            "no topics found: every segment is an outlier"
            " (try a smaller minimum topic size or more documents)"
        )
    if progress:
        progress(2, 3, "saving")
    settings = {
        **params,
        "reducer": reducer,
        "random_state": random_state,
        "nr_topics": nr_topics,
        "reduce_outliers": reduce_outliers,
        "embedding_model": BACKEND_MODELS.get(backend, "tfidf-svd"),
    }
    model_id = _store(db, unit, backend, settings, model, units, assigned, probs, message)
    if progress:
        progress(3, 3, "done")
    return FitResult(
        model_id=model_id,
        topics=len(set(assigned) - {-1}),
        outliers=assigned.count(-1),
        segments=n,
        message=message,
    )


def _store(db, unit, backend, settings, model, units, assigned, probs, message) -> int:
    sizes = pd.Series(assigned).value_counts().to_dict()
    with transaction(db):
        model_id = db.execute(
            "INSERT INTO topic_models (created_at, unit, backend, params, n_segments, message)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [now_iso(), unit, backend, json.dumps(settings), len(units), message],
        ).lastrowid
        for topic in sorted(sizes):
            words = [(w, round(float(s), 5)) for w, s in (model.get_topic(topic) or []) if w][:10]
            label = (
                "outliers"
                if topic == -1
                else ", ".join(w for w, _ in words[:4]) or f"topic {topic}"
            )
            db.execute(
                "INSERT INTO topics (model_id, topic, label, size, words) VALUES (?, ?, ?, ?, ?)",
                [
                    model_id,
                    int(topic),
                    label,
                    int(sizes[topic]),
                    json.dumps(words, ensure_ascii=False),
                ],
            )
        db.conn.executemany(
            "INSERT INTO topic_assignments"
            " (model_id, document_id, char_start, char_end, topic, probability)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (model_id, int(d), int(s), int(e), int(t), p)
                for d, s, e, t, p in zip(
                    units["document_id"], units["char_start"], units["char_end"], assigned, probs
                )
            ],
        )
    return model_id
