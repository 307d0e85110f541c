"""Sentence embeddings cached in the project file, keyed by (text SHA-256, model), with its version.

The one embedding interface: ``embed_texts`` returns float32 L2-normalised vectors for any texts
(topics, similarity, code suggestions), computing only the ones the cache lacks. Vectors are
computed in worker processes (``workers``; or any ``concurrent.futures`` executor such as the Dask
one the ingest uses) and committed chunk by chunk, so a killed run loses at most the chunks in
flight and the next run resumes. A cached vector of another model version, of the wrong length,
undecodable or not finite is recomputed and replaced. Vectors are stored as float16 (cosine to the
float32 vector >= 0.99999; half the file size); older float32 rows are read too.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import logging
from collections.abc import Callable

import numpy as np
import sqlite_utils

from corpus import process_executor
from projectfile import Progress, transaction, writes

from .encoders import DEFAULT_MODEL, ENCODERS, MINILM, encode_batch, encoder_spec, load_encoder

log = logging.getLogger(__name__)
KNOWN_DIMS = {name: spec.dim for name, spec in ENCODERS.items()}
CHUNK = 128  # texts per worker task and per commit
# below this many texts to embed, worker start-up (imports and model load in each worker, 2-3 s
# on an idle machine, far more on a loaded one) costs more than it saves
WORKER_THRESHOLD = 1000


def text_hash(text: str) -> str:
    """Return the hex SHA-256 of a text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sentence_model(name: str = MINILM):
    """Return a packaged encoder (``encode(texts)`` -> float32 vectors), loaded once per process."""
    return load_encoder(name)


def decode_vector(blob, dim: int, expected: int | None) -> np.ndarray | None:
    """Return the float32 vector stored in ``blob`` (float16 or float32) or None when damaged."""
    if not isinstance(blob, (bytes, bytearray, memoryview)) or dim <= 0:
        return None
    if expected is not None and dim != expected:
        return None
    if len(blob) == dim * 2:
        vec = np.frombuffer(bytes(blob), dtype="<f2").astype("float32")
    elif len(blob) == dim * 4:
        vec = np.frombuffer(bytes(blob), dtype="<f4")
    else:
        return None
    if not np.all(np.isfinite(vec)):
        return None
    return vec


def _encode_blob(vec: np.ndarray) -> bytes:
    return np.asarray(vec, dtype="<f2").tobytes()


def cached_vectors(
    db: sqlite_utils.Database, hashes: list[str], model: str
) -> tuple[dict[str, np.ndarray], int]:
    """Return ({hash: vector} of the sound cached vectors of this model version, damaged count).

    A vector cached by another version of the model counts as damaged (it is recomputed).
    """
    expected = KNOWN_DIMS.get(model)
    current = encoder_spec(model).version
    found: dict[str, np.ndarray] = {}
    damaged = 0
    unique = list(dict.fromkeys(hashes))
    for lo in range(0, len(unique), 500):
        part = unique[lo : lo + 500]
        rows = db.execute(
            "SELECT text_hash, dim, vector, version FROM embeddings"
            f" WHERE model = ? AND text_hash IN ({', '.join('?' * len(part))})",
            [model, *part],
        ).fetchall()
        for h, dim, blob, ver in rows:
            vec = decode_vector(blob, int(dim) if isinstance(dim, int) else -1, expected)
            if vec is None or ver != current:
                damaged += 1
            else:
                found[h] = vec
    return found, damaged


def _store(db: sqlite_utils.Database, model: str, version: str, hashes, vecs) -> None:
    with transaction(db):
        db.conn.executemany(
            "INSERT OR REPLACE INTO embeddings (text_hash, model, dim, vector, version)"
            " VALUES (?, ?, ?, ?, ?)",
            [(h, model, int(v.shape[0]), _encode_blob(v), version) for h, v in zip(hashes, vecs)],
        )


@writes("derived")
def compute_missing(
    db: sqlite_utils.Database,
    missing: dict[str, str],
    model: str = DEFAULT_MODEL,
    progress: Progress | None = None,
    workers: int | None = None,
    executor: cf.Executor | None = None,
    encoder=None,
    on_chunk: Callable[[list[str], np.ndarray], None] | None = None,
) -> None:
    """Embed ``missing`` ({hash: text}) and commit each chunk of CHUNK vectors to the cache.

    ``executor`` (e.g. the ingest's Dask executor) or ``workers`` processes run ``encode_batch``;
    ``encoder`` (an object with ``encode(texts)``) runs here instead. Without either, texts are
    embedded here below WORKER_THRESHOLD and in ``workers`` processes (default 2) above it.
    """
    spec = encoder_spec(model)
    keys = list(missing)
    total = len(keys)
    chunks = [keys[lo : lo + CHUNK] for lo in range(0, total, CHUNK)]
    done = 0

    def finish(part: list[str], vecs: np.ndarray) -> None:
        nonlocal done
        vecs = np.asarray(vecs, dtype="float32")
        if vecs.shape != (len(part), spec.dim) or not np.all(np.isfinite(vecs)):
            raise ValueError(f"encoder {model} returned vectors of shape {vecs.shape}")
        _store(db, model, spec.version, part, vecs)
        if on_chunk:
            on_chunk(part, vecs)
        done += len(part)
        if progress:
            progress(done, total, f"embedding with {model}")

    if progress:
        progress(0, total, f"embedding with {model}")
    if not chunks:
        return
    use_pool = encoder is None and (
        executor is not None or (total >= WORKER_THRESHOLD and (workers is None or workers > 1))
    )
    if not use_pool:
        enc = encoder or load_encoder(model)
        for part in chunks:
            finish(part, enc.encode([missing[h] for h in part]))
        return
    own = executor is None
    pool = executor or process_executor(workers or 2)
    in_flight = max(2, 2 * (workers or 2))
    try:
        pending: dict[cf.Future, list[str]] = {}
        queue = iter(chunks)
        for part in queue:
            pending[pool.submit(encode_batch, model, [missing[h] for h in part])] = part
            if len(pending) >= in_flight:
                break
        while pending:
            ready, _ = cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)
            for fut in ready:
                finish(pending.pop(fut), fut.result())
                nxt = next(queue, None)
                if nxt is not None:
                    pending[pool.submit(encode_batch, model, [missing[h] for h in nxt])] = nxt
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)


def embed_texts(
    db: sqlite_utils.Database,
    texts: list[str],
    model: str = DEFAULT_MODEL,
    progress: Progress | None = None,
    encoder=None,
    workers: int | None = None,
    executor: cf.Executor | None = None,
) -> np.ndarray:
    """Return a float32 (len(texts), dim) matrix of L2-normalised vectors, embedding only new ones.

    The embedding interface: ``model`` is a name of ``nlp.ENCODERS`` (default
    use-multilingual-v3); vectors are cached in the project with the model's name and version.
    """
    spec = encoder_spec(model)
    hashes = [text_hash(t) for t in texts]
    found, damaged = cached_vectors(db, hashes, model)
    if damaged:
        log.warning("%d stale or damaged cached embeddings (%s) will be recomputed", damaged, model)
    missing: dict[str, str] = {}
    for h, t in zip(hashes, texts):
        if h not in found and h not in missing:
            missing[h] = t
    if progress and not missing:
        progress(0, 0, f"embedding ({len(found)} cached)")

    def keep(part, vecs):
        for h, v in zip(part, vecs):
            found[h] = v.astype("<f2").astype("float32")  # exactly what a later read returns

    compute_missing(db, missing, model, progress, workers, executor, encoder, keep)
    if not texts:
        return np.zeros((0, spec.dim), dtype="float32")
    return np.vstack([found[h] for h in hashes]).astype("float32")


def cache_size(db: sqlite_utils.Database, model: str | None = None) -> int:
    """Return how many vectors the cache holds (for one model or all)."""
    if model:
        return db.execute("SELECT COUNT(*) FROM embeddings WHERE model = ?", [model]).fetchone()[0]
    return db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]


@writes("derived")
def damage_cached_vector(
    db: sqlite_utils.Database, text: str, model: str = DEFAULT_MODEL, how: str = "truncate"
) -> None:
    """Corrupt one cached vector on purpose (tests, reliability suite): truncate, garbage or nan."""
    h = text_hash(text)
    blob = {
        "truncate": b"\x00" * 10,
        "garbage": "not a vector",
        "nan": np.full(KNOWN_DIMS.get(model, 4), np.nan, "<f2").tobytes(),
    }[how]
    with transaction(db):
        db.execute(
            "UPDATE embeddings SET vector = ? WHERE text_hash = ? AND model = ?", [blob, h, model]
        )
