"""Ranked hits from the search index beside the project (``search.index``): the query with
``search``'s filters, top k, counts.

Kind, language and current version filter in the index, dates and document ids through the
documents table (a set of ids). A filter inside the query makes tantivy score every match, so
with no filter but the current version that one is applied after ranking, to a page twice as
long (block-max WAND then skips what cannot make the top k).
"""

from __future__ import annotations

import sqlite_utils
import tantivy

from projectfile import project_path

from . import index as search_index
from .folder import engine_failed, forget_state, index_dir, index_schema
from .query import PREFIX_TERMS, Op, Phrase, to_tantivy
from .sync import document_filter_ids


def _filtered(
    db, searcher, tree: Phrase | Op, filters: dict, include_old: bool, current: bool
) -> tantivy.Query | None:
    """Return the index query with ``search``'s filters (kinds, languages, date_from, date_to,
    document_ids; current versions only when ``current``), or None when no document passes."""
    schema = index_schema()

    def expand(prefix: str) -> list[str] | None:
        terms = searcher.terms_with_prefix("text", prefix, limit=PREFIX_TERMS + 1)
        return None if len(terms) > PREFIX_TERMS else [t for t, _n in terms]

    text = to_tantivy(tree, schema, expand)
    musts = []
    for name, values in (("kind", filters.get("kinds")), ("lang", filters.get("languages"))):
        if values:
            musts.append(tantivy.Query.term_set_query(schema, name, [str(v) for v in values]))
    date_from, date_to, document_ids = (
        filters.get(k) for k in ("date_from", "date_to", "document_ids")
    )
    if date_from or date_to or document_ids:
        ids = document_filter_ids(db, date_from, date_to, document_ids, include_old)
        if not ids:
            return None
        musts.append(tantivy.Query.term_set_query(schema, "doc", ids))
    elif current:
        musts.append(tantivy.Query.term_query(schema, "cur", True))
    if not musts:
        return text
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, text)]
        + [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in musts]
    )


def index_search(
    db: sqlite_utils.Database,
    tree: Phrase | Op,
    filters: dict,
    limit: int = 50,
    offset: int = 0,
    include_old: bool = False,
    count: bool = False,
) -> list[tuple[int, float]] | int | None:
    """Return [(segment id, score)] best first (with ``count``: how many segments match) from
    the index, or None when FTS5 must answer.

    Without other filters, current versions are kept after ranking, from a page twice as long:
    a query alone is ranked top-k (block-max WAND); a filter would make it score every match.
    Should earlier versions fill too much of that page, the filtered query runs.
    """
    searcher = search_index._fresh_searcher(db)
    if searcher is None:
        return None
    limit, offset = max(int(limit), 0), max(int(offset), 0)
    try:
        if not count and not include_old and not any(filters.values()):
            want = limit + offset
            query = _filtered(db, searcher, tree, filters, include_old, current=False)
            hits = _hits(searcher, query, 2 * want + 20)
            kept = [(sid, score) for sid, score, current in hits if current]
            if len(kept) >= want or len(hits) < 2 * want + 20:
                return kept[offset:want]
        query = _filtered(db, searcher, tree, filters, include_old, current=not include_old)
        if query is None:
            return 0 if count else []
        if count:
            return int(searcher.search(query, limit=1, count=True).count)
        return [(sid, score) for sid, score, _c in _hits(searcher, query, limit, offset)]
    except BaseException as exc:  # e.g. a prefix* phrase with more completions than allowed
        if not engine_failed(exc):
            raise
        if not isinstance(exc, Exception):  # a panic: damaged files; rebuilt by the next search
            project = project_path(db)
            search_index._forget(project)
            forget_state(index_dir(project))
        return None


def _hits(searcher, query, limit: int, offset: int = 0) -> list[tuple[int, float, bool]]:
    """Return [(segment id, score, current)] of the top ``limit`` after ``offset``."""
    result = searcher.search(query, limit=limit, count=False, offset=offset)
    if not result.hits:
        return []
    addrs = [addr for _score, addr in result.hits]
    sids = searcher.fast_field_values("sid", addrs)
    current = searcher.fast_field_values("cur", addrs)
    return [
        (int(s), float(score), bool(c)) for s, c, (score, _a) in zip(sids, current, result.hits)
    ]


def phrase_share(db: sqlite_utils.Database, words: list[str]) -> float | None:
    """Return the share of indexed segments holding the rarest of ``words`` (None: no index
    in step with the project)."""
    searcher = search_index._fresh_searcher(db)
    if searcher is None or not searcher.num_docs:
        return None
    try:
        return min(searcher.doc_freq("text", w) for w in words) / searcher.num_docs
    except BaseException as exc:
        if not engine_failed(exc):
            raise
        return None
