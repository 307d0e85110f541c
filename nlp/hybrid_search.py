"""Search by keyword, by meaning, or both (hybrid, the default), across English and Spanish.

- keyword: corpus's FTS5 search as it is (words, "phrases", AND/OR/NOT, prefix*, NEAR).
- meaning: cosine between the query's vector and every indexed passage (exact, see vectors.py);
  with the multilingual model an English query finds Spanish passages and the reverse.
- hybrid: a score-aware fusion of the best hits of each (``fusion.fuse``): bm25 and cosine,
  each scaled within its pool, weighted by the query's shape (phrases, operators and numbers
  lean on keyword; natural language on meaning) and by the keyword evidence. When the query as
  typed matches no passage by keyword (natural language: every word must match), its names and
  numbers are tried alone, then its content words with OR (weak evidence: nearly meaning only).

Every mode returns corpus's SEARCH_COLUMNS (``language`` says each hit's language) plus
``matched`` (keyword, meaning or both); ``score`` is higher-is-better in every mode (keyword:
minus bm25; meaning: cosine; hybrid: the fused score). ``more_like_this`` gives the passages
nearest a passage or coding, leaving out those already coded with a given code.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import re
import weakref
from enum import StrEnum

import numpy as np
import pandas as pd
import sqlite_utils

from coding import codings_frame
from corpus import (
    SEARCH_COLUMNS,
    SearchError,
    check_dates,
    check_query_size,
    get_text,
    list_documents,
    search,
)
from projectfile import NotFound

from .embeddings import embed_texts
from .encoders import DEFAULT_MODEL, encode_batch, encoder_spec
from .fusion import MIN_COSINE, Evidence, QueryShape, classify_query, coverage, fuse
from .vectors import PassageIndex, load_index, nearest, write_stamp


class SearchMode(StrEnum):
    """How ``search_passages`` finds passages (``find --mode``, the Search page's choice)."""

    HYBRID = "hybrid"
    MEANING = "meaning"
    KEYWORD = "keyword"


MODES = tuple(SearchMode)  # hybrid first: the default
HIT_START, HIT_END = "\x02", "\x03"  # corpus's snippet markers around keyword matches
POOL = 100  # meaning hits taken before fusion; meaning and hybrid show at most this many
# keyword hits taken before fusion: each costs an FTS5 snippet, and a keyword hit ranked below 50
# adds at most 1/111 to a passage's fused score
KEYWORD_POOL = 50
SNIPPET_CHARS = 220
COLUMNS = [*SEARCH_COLUMNS, "matched"]  # keyword search's columns, plus how each hit was found
_PLAIN = re.compile(r"^[\w\s'’,.;:!?¿¡-]+$", re.UNICODE)
_CONTENT = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


@functools.lru_cache(maxsize=256)
def query_vector(query: str, model: str = DEFAULT_MODEL) -> np.ndarray:
    """Return the vector of a query (kept for the last 256 queries of this process)."""
    return encode_batch(model, [query])[0]


_DOCS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Database -> (stamp, frames)


def _all_documents(db, include_old: bool = True) -> pd.DataFrame:
    """Return list_documents(db, include_old), re-read only after a write to the project."""
    stamp = write_stamp(db)
    hit = _DOCS.get(db)
    if hit is None or hit[0] != stamp:
        hit = (stamp, {})
        _DOCS[db] = hit
    if include_old not in hit[1]:
        hit[1][include_old] = list_documents(db, include_old=include_old)
    return hit[1][include_old]


def _documents(db, kinds, date_from, date_to, document_ids) -> pd.DataFrame:
    docs = _all_documents(db, include_old=False)
    if kinds:
        docs = docs[docs["kind"].isin(kinds)]
    if date_from:
        docs = docs[docs["date"].fillna("") >= str(date_from)]
    if date_to:
        docs = docs[docs["date"].notna() & (docs["date"].fillna("") <= str(date_to))]
    if document_ids:
        docs = docs[docs["id"].isin([int(i) for i in document_ids])]
    return docs


def _meaning_plan(db, model, docs, languages) -> tuple[PassageIndex, np.ndarray | None] | None:
    """Return the vector index and the rows the filters allow (None: nothing to scan); the
    part of a meaning search that reads the project."""
    index: PassageIndex = load_index(db, model)
    if not len(index) or docs.empty:
        return None
    ids = docs["id"].astype("int64").to_numpy()
    langs = tuple(languages or ())
    mask = _memo_mask(db, (id(index), len(index), hash(ids.tobytes()), langs), index, ids, langs)
    return index, mask


def _meaning_scan(plan, query, model, k=POOL) -> list[dict]:
    """Return the ``k`` passages nearest the query (the query's embedding and the scan: no
    reads from the project, so a keyword search can run beside it)."""
    if plan is None:
        return []
    index, mask = plan
    rows, scores = nearest(index, query_vector(query, model), k, mask)
    return [
        dict(
            segment_id=int(index.segment_ids[r]),
            document_id=int(index.document_ids[r]),
            score=float(c),
            cosine=float(c),
            matched="meaning",
            row=int(r),
        )
        for r, c in zip(rows, scores)
        if c >= MIN_COSINE
    ]


def _meaning(db, query, model, docs, languages, k=POOL) -> list[dict]:
    return _meaning_scan(_meaning_plan(db, model, docs, languages), query, model, k)


def _cosines(db, query, model, segment_ids: list[int]) -> list[float | None]:
    """Return each segment's cosine to the query (None: the segment has no vector)."""
    index: PassageIndex = load_index(db, model)
    if not segment_ids or not len(index):
        return [None] * len(segment_ids)
    ids = np.asarray(segment_ids, dtype="int64")
    rows = np.clip(np.searchsorted(index.segment_ids, ids), 0, len(index) - 1)
    found = index.segment_ids[rows] == ids
    scores = index.matrix[rows] @ np.asarray(query_vector(query, model), dtype="float32")
    return [float(c) if f else None for c, f in zip(scores, found)]


_MASKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Database -> (key, mask)


def _memo_mask(db, key, index: PassageIndex, ids: np.ndarray, langs: tuple) -> np.ndarray | None:
    """Return the rows allowed by the document and language filters (None: all of them)."""
    key = (write_stamp(db), key)
    hit = _MASKS.get(db)
    if hit is None or hit[0] != key:
        mask = np.isin(index.document_ids, ids)
        if langs:
            mask &= np.isin(index.languages, list(langs))
        hit = (key, None if mask.all() else mask)
        _MASKS[db] = hit
    return hit[1]


def _or_query(query: str) -> str | None:
    words = list(dict.fromkeys(w.lower() for w in _CONTENT.findall(query)))
    if len(words) < 2 or not _PLAIN.match(query) or re.search(r"\b(AND|OR|NOT|NEAR)\b", query):
        return None
    return " OR ".join(words)


def _anchor_query(query: str, shape: QueryShape) -> str | None:
    """Return the query's names and numbers, each as a phrase, all required (None: it has none,
    or they are the whole query)."""
    if shape.kind not in ("name", "identifier") or not shape.anchors:
        return None
    phrase = " ".join(f'"{a}"' for a in shape.anchors)
    return None if " ".join(shape.anchors) == query.strip() else phrase


def _keyword_pool(db, query, shape: QueryShape, filters) -> tuple[pd.DataFrame, Evidence]:
    """Return the keyword hits and how strong they are: the query as typed, else its names and
    numbers alone, else any of its content words."""
    empty = pd.DataFrame(columns=SEARCH_COLUMNS)
    try:
        hits = search(db, query, limit=KEYWORD_POOL, **filters)
    except SearchError:
        return empty, Evidence()
    if not hits.empty:
        return hits, Evidence("strict", len(hits))
    for level, alt in (("anchors", _anchor_query(query, shape)), ("relaxed", _or_query(query))):
        if alt:
            try:
                hits = search(db, alt, limit=KEYWORD_POOL, **filters)
            except SearchError:
                continue
            if not hits.empty:
                return hits, Evidence(level, len(hits))
    return empty, Evidence()


def _keyword_hits(hits: pd.DataFrame, score) -> list[dict]:
    """Return keyword hits as full rows (corpus.search's columns) with ``score`` and ``matched``."""
    rows = hits.to_dict("records")
    for rank, row in enumerate(rows):
        row["score"] = score(rank, row["score"])
        row["matched"] = "keyword"
    return rows


def _check(query, mode, model, filters) -> None:
    if mode not in MODES:
        raise SearchError(f"unknown search mode {mode!r}; choose one of {', '.join(MODES)}")
    if not query.strip():
        raise SearchError("Type something to search for.")
    check_query_size(query)  # meaning and hybrid too: a long query is refused, never "no hits"
    check_dates(filters["date_from"], filters["date_to"])
    encoder_spec(model)


_KEYWORD_THREADS: list[cf.ThreadPoolExecutor] = []


def _keyword_thread() -> cf.ThreadPoolExecutor:
    """Return the threads that run a hybrid search's keyword side beside its meaning side
    (SQLite and the vector product both release the GIL)."""
    if not _KEYWORD_THREADS:
        _KEYWORD_THREADS.append(cf.ThreadPoolExecutor(2, thread_name_prefix="keyword"))
    return _KEYWORD_THREADS[0]


def fusion_inputs(db, query, model, filters) -> tuple[list[dict], list[dict], QueryShape, Evidence]:
    """Return what ``fuse`` ranks for ``query``: the keyword pool (each hit with ``bm25``, its
    ``cosine`` and, when only OR-relaxed words matched, its ``coverage``), the meaning pool, the
    query's shape and the keyword evidence. The keyword search runs in a thread while the query
    is embedded and the vectors scanned."""
    docs = _documents(
        db, filters["kinds"], filters["date_from"], filters["date_to"], filters["document_ids"]
    )
    plan = _meaning_plan(db, model, docs, filters["languages"])
    shape = classify_query(query)
    pending = _keyword_thread().submit(_keyword_pool, db, query, shape, filters)
    try:
        meaning = _meaning_scan(plan, query, model)
    finally:
        hits, evidence = pending.result()
    keyword = _keyword_hits(hits, lambda rank, b: -float(b))
    for h, c in zip(keyword, _cosines(db, query, model, [int(h["segment_id"]) for h in keyword])):
        h["bm25"], h["cosine"] = h["score"], c
        if evidence.level == "relaxed":
            h["coverage"] = coverage(query, h["snippet"])
    return keyword, meaning, shape, evidence


def _rank(db, query, mode, model, filters) -> list[dict]:
    """Return the ranked pool: dicts with segment_id, document_id, score, matched and either the
    keyword hit's full row or ``row``, the passage's row number in the vector index."""
    _check(query, mode, model, filters)
    if mode == SearchMode.KEYWORD:
        return _keyword_hits(search(db, query, limit=POOL, **filters), lambda r, b: -float(b))
    if mode == SearchMode.MEANING:
        docs = _documents(
            db, filters["kinds"], filters["date_from"], filters["date_to"], filters["document_ids"]
        )
        return _meaning(db, query, model, docs, filters["languages"])
    return fuse(*fusion_inputs(db, query, model, filters), limit=POOL)


_MEMO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Database -> (key, value)


def _memo(db, key, compute):
    """Return ``compute()``, reused while ``key`` and the project's write stamp stay the same."""
    key = (write_stamp(db), key)
    hit = _MEMO.get(db)
    if hit is None or hit[0] != key:
        hit = (key, compute())
        _MEMO[db] = hit
    return hit[1]


def _ranked(db, query, mode, model, filters) -> list[dict]:
    return _memo(
        db,
        ("ranked", query, mode, model, repr(sorted(filters.items()))),
        lambda: _rank(db, query, mode, model, filters),
    )


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return text[: cut if cut > SNIPPET_CHARS // 2 else SNIPPET_CHARS] + " …"


def _frame(db, hits: list[dict], model: str) -> pd.DataFrame:
    """Return COLUMNS for ``hits``: keyword rows as they are, meaning rows from the vector index
    (span, kind, page, language), their document's fields and a snippet of the passage."""
    if not hits:
        return pd.DataFrame(columns=COLUMNS)
    need = {int(h["document_id"]) for h in hits if "row" in h}
    docs = _all_documents(db).set_index("id") if need else None
    index = load_index(db, model) if need else None
    texts: dict[int, str] = {}
    rows = []
    for h in hits:
        if "row" not in h:
            rows.append(h)
            continue
        r, d = h["row"], int(h["document_id"])
        if d not in texts:
            texts[d] = get_text(db, d)
        start, end = int(index.starts[r]), int(index.ends[r])
        doc = docs.loc[d]
        rows.append(
            dict(
                segment_id=int(h["segment_id"]),
                document_id=d,
                title=doc["title"],
                kind=doc["kind"],
                language=index.languages[r] or None,
                date=doc["date"],
                page=index.pages[r],
                char_start=start,
                char_end=end,
                segment_kind=index.kinds[r],
                snippet=_snippet(texts[d][start:end]),
                score=h["score"],
                matched=h["matched"],
            )
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def search_passages(
    db: sqlite_utils.Database,
    query: str,
    mode: str = SearchMode.HYBRID,
    kinds: list[str] | None = None,
    languages: list[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    document_ids: list[int] | None = None,
    limit: int = 50,
    offset: int = 0,
    model: str = DEFAULT_MODEL,
) -> pd.DataFrame:
    """Return hits of ``query`` in ``mode`` (hybrid, meaning or keyword), best first (COLUMNS).

    Filters as in ``corpus.search``. Meaning search covers indexed passages (``index_passages``);
    keyword syntax errors raise SearchError in keyword mode, hybrid then uses meaning alone.
    """
    filters = dict(
        kinds=kinds,
        languages=languages,
        date_from=date_from,
        date_to=date_to,
        document_ids=document_ids,
    )
    hits = _ranked(db, query, mode, model, filters)
    return _frame(db, hits[offset : offset + limit], model)


def count_passages(
    db: sqlite_utils.Database,
    query: str,
    mode: str = SearchMode.HYBRID,
    kinds: list[str] | None = None,
    languages: list[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    document_ids: list[int] | None = None,
    model: str = DEFAULT_MODEL,
) -> int:
    """Return how many hits ``search_passages`` can page through (at most POOL)."""
    filters = dict(
        kinds=kinds,
        languages=languages,
        date_from=date_from,
        date_to=date_to,
        document_ids=document_ids,
    )
    return len(_ranked(db, query, mode, model, filters))


def _coded_spans(db, code) -> dict[int, list[tuple[int, int]]]:
    if code is None:
        return {}
    frame = codings_frame(db, codes=[code])
    spans: dict[int, list[tuple[int, int]]] = {}
    for d, s, e in zip(frame["document_id"], frame["char_start"], frame["char_end"]):
        if d == d and s == s:  # whole-case codings have no document
            spans.setdefault(int(d), []).append((int(s), int(e)))
    return spans


def more_like_this(
    db: sqlite_utils.Database,
    document_id: int,
    char_start: int,
    char_end: int,
    code: int | str | None = None,
    limit: int = 20,
    model: str = DEFAULT_MODEL,
) -> pd.DataFrame:
    """Return the passages nearest a passage (or a coding's span) across corpus and interviews.

    The passage itself is left out, and with ``code`` every passage that overlaps a coding of
    that code. Columns: COLUMNS, ``score`` the cosine.
    """
    text = get_text(db, int(document_id))[int(char_start) : int(char_end)]
    if not text.strip():
        raise NotFound(f"document {document_id} has no text at {char_start}-{char_end}")
    vec = embed_texts(db, [text], model)[0]
    index = load_index(db, model)
    current = _all_documents(db, include_old=False)["id"].astype("int64").to_numpy()
    mask = np.isin(index.document_ids, current)
    coded = _coded_spans(db, code)
    coded.setdefault(int(document_id), []).append((int(char_start), int(char_end)))
    out: list[dict] = []
    k = limit * 3
    while True:
        rows, scores = nearest(index, vec, k, mask)
        out = []
        for r, c in zip(rows, scores):
            d, a, b = int(index.document_ids[r]), int(index.starts[r]), int(index.ends[r])
            if any(cs < b and a < ce for cs, ce in coded.get(d, ())):
                continue
            out.append(
                dict(
                    segment_id=int(index.segment_ids[r]),
                    document_id=d,
                    score=float(c),
                    matched="meaning",
                    row=int(r),
                )
            )
            if len(out) == limit:
                break
        if len(out) == limit or k >= int(mask.sum()):
            break
        k *= 4
    return _frame(db, out, model)


def more_like_coding(
    db: sqlite_utils.Database, coding_id: int, limit: int = 20, model: str = DEFAULT_MODEL
) -> pd.DataFrame:
    """Return the passages nearest a coding's span, minus those already coded with its code."""
    frame = codings_frame(db)
    row = frame[frame["coding_id"] == int(coding_id)]
    if row.empty or row.iloc[0]["document_id"] != row.iloc[0]["document_id"]:
        raise NotFound(f"no coding {coding_id} on a document span")
    c = row.iloc[0]
    return more_like_this(
        db,
        int(c["document_id"]),
        int(c["char_start"]),
        int(c["char_end"]),
        code=int(c["code_id"]),
        limit=limit,
        model=model,
    )


def snippet_text(snippet: str) -> str:
    """Return a hit's snippet as plain text (keyword-hit markers removed, whitespace collapsed)."""
    return " ".join(str(snippet).replace(HIT_START, "").replace(HIT_END, "").split())
