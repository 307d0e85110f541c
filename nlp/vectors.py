"""The passage vector index: one cached vector per segment (paragraph, turn, heading...) per model.

``index_passages`` brings the index up to date incrementally: a segment whose text hash is already
indexed costs nothing, a new or changed one is embedded (in worker processes for large batches,
committed chunk by chunk, so a killed run resumes where it stopped), a vanished one is removed.
``load_index`` reads the index into one float32 matrix, kept in memory per project and model
until the index changes; ``nearest`` is the exact cosine search over it, by numpy in chunks.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import logging
import re
import threading
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlite_utils

from corpus import get_segments, list_documents
from projectfile import Progress, project_path, transaction, writes

from .embeddings import compute_missing, decode_vector, text_hash
from .encoders import DEFAULT_MODEL, encoder_spec

log = logging.getLogger(__name__)
MIN_WORDS = 3  # shorter segments (a page number, a one-word heading) are not indexed
SEARCH_CHUNK = 32768  # rows per matrix product in ``nearest``
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass
class IndexResult:
    """What ``index_passages`` did: passages indexed in all, newly embedded, reused, removed."""

    passages: int
    embedded: int
    reused: int
    removed: int


@dataclass
class PassageIndex:
    """The vectors of a project's indexed passages, row i belonging to segment_ids[i]."""

    model: str
    segment_ids: np.ndarray  # sorted
    document_ids: np.ndarray
    languages: np.ndarray
    matrix: np.ndarray  # float32 (n, dim), L2-normalised rows
    starts: np.ndarray
    ends: np.ndarray
    kinds: np.ndarray
    pages: np.ndarray  # float (NaN: no page)

    def __len__(self) -> int:
        return len(self.segment_ids)


def indexable(text: str) -> bool:
    """Return True when a segment has enough words to be indexed for meaning search."""
    return len(_WORD.findall(text)) >= MIN_WORDS


def write_stamp(db: sqlite_utils.Database) -> tuple[int, int]:
    """Return a stamp of this connection that changes whenever it or another one writes."""
    return db.conn.total_changes, db.execute("PRAGMA data_version").fetchone()[0]


_STATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Database -> {stamp: state}


def index_state(db: sqlite_utils.Database, model: str) -> tuple[int, int]:
    """Return (indexed passages, last write seq) of ``model``, re-read only after a write."""
    key = (*write_stamp(db), model)
    known = _STATES.setdefault(db, {})
    if key not in known:
        known.clear()
        known[key] = tuple(
            db.execute(
                "SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM passage_vectors WHERE model = ?",
                [model],
            ).fetchone()
        )
    return known[key]


def _indexed(db: sqlite_utils.Database, model: str) -> dict[int, str]:
    """Return {segment: text hash} of the indexed passages (rows without a span count as stale)."""
    return dict(
        db.execute(
            "SELECT segment_id, CASE WHEN char_start IS NULL THEN '' ELSE text_hash END"
            " FROM passage_vectors WHERE model = ?",
            [model],
        ).fetchall()
    )


def _cached_hashes(db: sqlite_utils.Database, hashes: list[str], model: str) -> set[str]:
    version = encoder_spec(model).version
    out: set[str] = set()
    for lo in range(0, len(hashes), 500):
        part = hashes[lo : lo + 500]
        out.update(
            h
            for (h,) in db.execute(
                "SELECT text_hash FROM embeddings WHERE model = ? AND version = ?"
                f" AND text_hash IN ({', '.join('?' * len(part))})",
                [model, version, *part],
            ).fetchall()
        )
    return out


def index_status(db: sqlite_utils.Database, model: str = DEFAULT_MODEL) -> dict:
    """Return {"documents", "indexed_documents", "passages"} for the current documents."""
    current = {int(i) for i in list_documents(db)["id"]}
    indexed = {
        int(d)
        for (d,) in db.execute(
            "SELECT DISTINCT document_id FROM passage_vectors"
            " WHERE model = ? AND char_start IS NOT NULL",
            [model],
        ).fetchall()
    }
    return {
        "documents": len(current),
        "indexed_documents": len(current & indexed),
        "passages": index_state(db, model)[0],
    }


@writes("derived")
def index_passages(
    db: sqlite_utils.Database,
    model: str = DEFAULT_MODEL,
    documents: list[int] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    executor: cf.Executor | None = None,
    encoder=None,
) -> IndexResult:
    """Index the segments of the current documents (or ``documents``) for meaning search.

    Only new or changed segments (by text hash) are embedded; see ``embeddings.compute_missing``
    for ``workers``, ``executor`` and ``encoder``. Progress reports embedded passages.
    """
    encoder_spec(model)
    ids = (
        [int(i) for i in list_documents(db)["id"]]
        if documents is None
        else [int(i) for i in documents]
    )
    indexed = _indexed(db, model)
    # segment -> (document, hash, language, start, end, kind, page)
    wanted: dict[int, tuple] = {}
    texts: dict[str, str] = {}
    seen_docs: set[int] = set()
    for doc_id in ids:
        segs = get_segments(db, doc_id)
        seen_docs.add(doc_id)
        for seg_id, text, lang, start, end, kind, page in zip(
            segs["id"],
            segs["text"],
            segs["language"],
            segs["char_start"],
            segs["char_end"],
            segs["kind"],
            segs["page"],
        ):
            if not indexable(text):
                continue
            h = text_hash(text)
            wanted[int(seg_id)] = (
                doc_id,
                h,
                lang if isinstance(lang, str) else None,
                int(start),
                int(end),
                str(kind),
                int(page) if page == page and page is not None else None,
            )
            texts.setdefault(h, text)
    doc_of = dict(
        db.execute(
            "SELECT segment_id, document_id FROM passage_vectors WHERE model = ?", [model]
        ).fetchall()
    )
    stale = [
        s
        for s, h in indexed.items()
        if doc_of.get(s) in seen_docs and (s not in wanted or wanted[s][1] != h)
    ]
    todo = {s: v for s, v in wanted.items() if indexed.get(s) != v[1]}
    need = sorted({v[1] for v in todo.values()})
    cached = _cached_hashes(db, need, model)
    missing = {h: texts[h] for h in need if h not in cached}
    seq = index_state(db, model)[1] + 1
    by_hash: dict[str, list[int]] = {}
    for s, v in todo.items():
        by_hash.setdefault(v[1], []).append(s)

    def write(segment_ids: list[int]) -> None:
        db.conn.executemany(
            "INSERT OR REPLACE INTO passage_vectors (segment_id, model, document_id, text_hash,"
            " language, seq, char_start, char_end, kind, page)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(s, model, *todo[s][:3], seq, *todo[s][3:]) for s in segment_ids],
        )

    with transaction(db):
        for lo in range(0, len(stale), 500):
            part = stale[lo : lo + 500]
            db.execute(
                f"DELETE FROM passage_vectors WHERE model = ? AND segment_id IN"
                f" ({', '.join('?' * len(part))})",
                [model, *part],
            )
        from_cache = [s for h in need if h in cached for s in by_hash[h]]
        write(from_cache)

    def on_chunk(part: list[str], _vecs) -> None:
        with transaction(db):
            write([s for h in part for s in by_hash[h]])

    compute_missing(db, missing, model, progress, workers, executor, encoder, on_chunk)
    return IndexResult(
        passages=index_state(db, model)[0],
        embedded=len(missing),
        reused=len(from_cache),
        removed=len(stale),
    )


_CACHE: dict[tuple[str, str], tuple[tuple, PassageIndex]] = {}
_LOCK = threading.Lock()


def load_index(db: sqlite_utils.Database, model: str = DEFAULT_MODEL) -> PassageIndex:
    """Return the project's passage vectors for ``model`` (cached in memory until they change)."""
    spec = encoder_spec(model)
    key = (str(project_path(db)), model)
    state = (*index_state(db, model), spec.version)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit and hit[0] == state:
            return hit[1]
    rows = db.execute(
        "SELECT p.segment_id, p.document_id, p.language, e.dim, e.vector,"
        " p.char_start, p.char_end, p.kind, p.page"
        " FROM passage_vectors p JOIN embeddings e"
        " ON e.text_hash = p.text_hash AND e.model = p.model AND e.version = ?"
        " WHERE p.model = ? ORDER BY p.segment_id",
        [spec.version, model],
    )
    seg, doc, lang, meta = [], [], [], []
    matrix = np.empty((state[0], spec.dim), dtype="float32")
    n = damaged = 0
    for s, d, la, dim, blob, start, end, kind, page in rows:
        vec = decode_vector(blob, int(dim) if isinstance(dim, int) else -1, spec.dim)
        if start is None:  # indexed before spans were kept: index_passages rewrites it
            continue
        if vec is None:
            damaged += 1
            continue
        matrix[n] = vec
        seg.append(s)
        doc.append(d)
        lang.append(la or "")
        meta.append((start, end, kind, np.nan if page is None else page))
        n += 1
    if damaged:
        log.warning("%d damaged passage vectors skipped; re-index to repair them", damaged)
    norms = np.linalg.norm(matrix[:n], axis=1, keepdims=True)
    matrix = matrix[:n] / np.where(norms > 0, norms, 1.0)
    index = PassageIndex(
        model,
        np.asarray(seg, dtype="int64"),
        np.asarray(doc, dtype="int64"),
        np.asarray(lang, dtype=object),
        np.ascontiguousarray(matrix, dtype="float32"),
        np.asarray([m[0] for m in meta], dtype="int64"),
        np.asarray([m[1] for m in meta], dtype="int64"),
        np.asarray([m[2] for m in meta], dtype=object),
        np.asarray([m[3] for m in meta], dtype="float64"),
    )
    with _LOCK:
        _CACHE[key] = (state, index)
    return index


@functools.cache
def _blas_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_blas_thread():
    """Limit BLAS to one thread: the product is memory-bound, and on a shared machine a second
    spinning BLAS thread made its p95 two to three times worse (bench/search_meaning.py)."""
    return _blas_controller().limit(limits=1, user_api="blas")


def nearest(
    index: PassageIndex, query: np.ndarray, k: int, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return (row numbers, cosines) of the ``k`` rows nearest ``query``, best first (exact).

    ``mask`` (bool per row) keeps only some rows. The product runs in chunks of SEARCH_CHUNK rows
    so the scratch memory stays small whatever the index size.
    """
    q = np.asarray(query, dtype="float32").reshape(-1)
    best_rows: list[np.ndarray] = []
    best_scores: list[np.ndarray] = []
    starts = range(0, len(index), SEARCH_CHUNK)
    with _one_blas_thread():
        parts = [index.matrix[lo : lo + SEARCH_CHUNK] @ q for lo in starts]
    for lo, scores in zip(starts, parts):
        if mask is not None:
            scores = np.where(mask[lo : lo + SEARCH_CHUNK], scores, -np.inf)
        take = min(k, len(scores))
        if take <= 0:
            continue
        part = (
            np.argpartition(-scores, take - 1)[:take]
            if take < len(scores)
            else np.arange(len(scores))
        )
        part = part[np.isfinite(scores[part])]
        best_rows.append(part + lo)
        best_scores.append(scores[part])
    if not best_rows:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="float32")
    rows = np.concatenate(best_rows)
    scores = np.concatenate(best_scores)
    order = np.lexsort((index.segment_ids[rows], -scores))[:k]
    return rows[order], scores[order]


def passage_vectors(
    db: sqlite_utils.Database,
    model: str = DEFAULT_MODEL,
    progress: Progress | None = None,
    workers: int | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Index new passages, then return (frame of segment_id, document_id, language; matrix).

    Row i of the float32 matrix is the L2-normalised vector of the frame's row i. For code
    suggestions and anything else that needs every passage's vector.
    """
    index_passages(db, model, progress=progress, workers=workers)
    index = load_index(db, model)
    frame = pd.DataFrame(
        {
            "segment_id": index.segment_ids,
            "document_id": index.document_ids,
            "language": index.languages,
        }
    )
    return frame, index.matrix
