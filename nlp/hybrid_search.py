"""Search by keyword, by meaning, or both (hybrid, the default), across English and Spanish.

- keyword: corpus's FTS5 search as it is (words, "phrases", AND/OR/NOT, prefix*, NEAR).
- meaning: cosine between the query's vector and every indexed passage (exact, see vectors.py);
  with the multilingual model an English query finds Spanish passages and the reverse.
- hybrid: reciprocal rank fusion (RRF, k=60) of the best POOL hits of each. When the query as
  typed matches no passage by keyword (natural language: every word must match), its content
  words are tried with OR.

Every mode returns corpus's SEARCH_COLUMNS (``language`` says each hit's language) plus
``matched`` (keyword, meaning or both); ``score`` is higher-is-better in every mode (keyword:
minus bm25; meaning: cosine; hybrid: the RRF sum). ``more_like_this`` gives the passages nearest a
passage or coding, leaving out those already coded with a given code.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import sqlite_utils

from coding import codings_frame
from corpus import SearchError, get_segments, get_text, list_documents, search
from projectfile import NotFound

from .embeddings import embed_texts
from .encoders import DEFAULT_MODEL, encode_batch, encoder_spec
from .vectors import PassageIndex, load_index, nearest

MODES = ("hybrid", "meaning", "keyword")
HIT_START, HIT_END = "\x02", "\x03"  # corpus's snippet markers around keyword matches
POOL = 100  # hits taken from each ranking before fusion; meaning and hybrid show at most this
RRF_K = 60
MIN_COSINE = 0.15  # below this a passage is unrelated to the query (translations: 0.75-0.9)
SNIPPET_CHARS = 220
COLUMNS = [
    "segment_id",
    "document_id",
    "title",
    "kind",
    "language",
    "date",
    "page",
    "char_start",
    "char_end",
    "segment_kind",
    "snippet",
    "score",
    "matched",
]
_PLAIN = re.compile(r"^[\w\s'’,.;:!?¿¡-]+$", re.UNICODE)
_CONTENT = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


@functools.lru_cache(maxsize=256)
def query_vector(query: str, model: str = DEFAULT_MODEL) -> np.ndarray:
    """Return the vector of a query (kept for the last 256 queries of this process)."""
    return encode_batch(model, [query])[0]


def _documents(db, kinds, date_from, date_to, document_ids) -> pd.DataFrame:
    docs = list_documents(db)
    if kinds:
        docs = docs[docs["kind"].isin(kinds)]
    if date_from:
        docs = docs[docs["date"].fillna("") >= str(date_from)]
    if date_to:
        docs = docs[docs["date"].notna() & (docs["date"].fillna("") <= str(date_to))]
    if document_ids:
        docs = docs[docs["id"].isin([int(i) for i in document_ids])]
    return docs


def _meaning(db, query, model, docs, languages, k=POOL) -> list[tuple[int, int, float]]:
    index: PassageIndex = load_index(db, model)
    if not len(index) or docs.empty:
        return []
    mask = np.isin(index.document_ids, docs["id"].astype("int64").to_numpy())
    if languages:
        mask &= np.isin(index.languages, list(languages))
    rows, scores = nearest(index, query_vector(query, model), k, mask)
    return [
        (int(index.segment_ids[r]), int(index.document_ids[r]), float(s))
        for r, s in zip(rows, scores)
        if s >= MIN_COSINE
    ]


def _or_query(query: str) -> str | None:
    words = list(dict.fromkeys(w.lower() for w in _CONTENT.findall(query)))
    if len(words) < 2 or not _PLAIN.match(query) or re.search(r"\b(AND|OR|NOT|NEAR)\b", query):
        return None
    return " OR ".join(words)


def _keyword(db, query, filters, relax: bool) -> pd.DataFrame:
    hits = search(db, query, limit=POOL, **filters)
    if hits.empty and relax and (alt := _or_query(query)):
        hits = search(db, alt, limit=POOL, **filters)
    return hits


def _rank(db, query, mode, model, filters) -> list[dict]:
    """Return the ranked pool: dicts of segment_id, document_id, score, matched, snippet."""
    if mode not in MODES:
        raise SearchError(f"unknown search mode {mode!r}; choose one of {', '.join(MODES)}")
    if not query.strip():
        raise SearchError("Type something to search for.")
    encoder_spec(model)
    if mode == "keyword":
        hits = search(db, query, limit=POOL, **filters)
        return [
            dict(
                segment_id=int(s),
                document_id=int(d),
                score=-float(b),
                matched="keyword",
                snippet=sn,
            )
            for s, d, b, sn in zip(
                hits["segment_id"], hits["document_id"], hits["score"], hits["snippet"]
            )
        ]
    docs = _documents(
        db, filters["kinds"], filters["date_from"], filters["date_to"], filters["document_ids"]
    )
    meaning = _meaning(db, query, model, docs, filters["languages"])
    if mode == "meaning":
        return [
            dict(segment_id=s, document_id=d, score=c, matched="meaning", snippet=None)
            for s, d, c in meaning
        ]
    try:
        kw = _keyword(db, query, filters, relax=True)
    except SearchError:
        kw = pd.DataFrame(columns=["segment_id", "document_id", "snippet"])
    fused: dict[int, dict] = {}
    for rank, (s, d, sn) in enumerate(zip(kw["segment_id"], kw["document_id"], kw["snippet"])):
        fused[int(s)] = dict(
            segment_id=int(s),
            document_id=int(d),
            score=1.0 / (RRF_K + rank + 1),
            matched="keyword",
            snippet=sn,
        )
    for rank, (s, d, _c) in enumerate(meaning):
        add = 1.0 / (RRF_K + rank + 1)
        if s in fused:
            fused[s]["score"] += add
            fused[s]["matched"] = "both"
        else:
            fused[s] = dict(segment_id=s, document_id=d, score=add, matched="meaning", snippet=None)
    return sorted(fused.values(), key=lambda h: (-h["score"], h["segment_id"]))[:POOL]


_MEMO: dict = {}


def _ranked(db, query, mode, model, filters) -> list[dict]:
    key = (
        id(db.conn),
        db.conn.total_changes,
        query,
        mode,
        model,
        repr(sorted(filters.items())),
        _index_key(db, model) if mode != "keyword" else None,
    )
    if _MEMO.get("key") != key:
        _MEMO.clear()
        _MEMO["key"], _MEMO["value"] = key, _rank(db, query, mode, model, filters)
    return _MEMO["value"]


def _index_key(db, model) -> tuple:
    return tuple(
        db.execute(
            "SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM passage_vectors WHERE model = ?", [model]
        ).fetchone()
    )


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return text[: cut if cut > SNIPPET_CHARS // 2 else SNIPPET_CHARS] + " …"


def _frame(db, hits: list[dict]) -> pd.DataFrame:
    if not hits:
        return pd.DataFrame(columns=COLUMNS)
    docs = list_documents(db, include_old=True).set_index("id")
    rows = []
    segs_of: dict[int, pd.DataFrame] = {}
    for h in hits:
        d = h["document_id"]
        if d not in segs_of:
            segs_of[d] = get_segments(db, d).set_index("id")
        seg = segs_of[d].loc[h["segment_id"]]
        doc = docs.loc[d]
        rows.append(
            dict(
                segment_id=h["segment_id"],
                document_id=d,
                title=doc["title"],
                kind=doc["kind"],
                language=seg["language"],
                date=doc["date"],
                page=seg["page"],
                char_start=int(seg["char_start"]),
                char_end=int(seg["char_end"]),
                segment_kind=seg["kind"],
                snippet=h["snippet"] if h["snippet"] is not None else _snippet(seg["text"]),
                score=h["score"],
                matched=h["matched"],
            )
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def search_passages(
    db: sqlite_utils.Database,
    query: str,
    mode: str = "hybrid",
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
    return _frame(db, hits[offset : offset + limit])


def count_passages(
    db: sqlite_utils.Database,
    query: str,
    mode: str = "hybrid",
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
    current = list_documents(db)["id"].astype("int64").to_numpy()
    mask = np.isin(index.document_ids, current)
    coded = _coded_spans(db, code)
    coded.setdefault(int(document_id), []).append((int(char_start), int(char_end)))
    out: list[dict] = []
    k = limit * 3
    segs_of: dict[int, pd.DataFrame] = {}
    while True:
        rows, scores = nearest(index, vec, k, mask)
        out = []
        for r, c in zip(rows, scores):
            s, d = int(index.segment_ids[r]), int(index.document_ids[r])
            if d in coded:
                if d not in segs_of:
                    segs_of[d] = get_segments(db, d).set_index("id")
                seg = segs_of[d].loc[s]
                a, b = int(seg["char_start"]), int(seg["char_end"])
                if any(cs < b and a < ce for cs, ce in coded[d]):
                    continue
            out.append(
                dict(segment_id=s, document_id=d, score=float(c), matched="meaning", snippet=None)
            )
            if len(out) == limit:
                break
        if len(out) == limit or k >= int(mask.sum()):
            break
        k *= 4
    return _frame(db, out)


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
