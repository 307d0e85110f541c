"""Full-text search over segments: SQLite FTS5 (``fts``), and from ``index.THRESHOLD`` segments a
tantivy index beside the project file (``index``, ``folder``, ``ranked``) kept in step with the
project through a change queue (``sync``); queries are parsed once (``query``) over FTS5's own
unicode61 tokens (``tokens``).

What the rest of ``corpus`` uses; other packages reach these through ``corpus``'s front door.
Tests reach a module here as ``from corpus.search import index``: ``import corpus.search.index as
x`` fails, since the attribute ``corpus.search`` is the search function, not this sub-package.
"""

from .fts import (
    HIT_END,
    HIT_START,
    SEARCH_COLUMNS,
    SearchError,
    check_dates,
    check_query_size,
    count_hits,
    optimize_index,
    rebuild_index,
    search,
    snippet_to_html,
    snippet_to_plain,
    to_fts_query,
)
from .index import rebuild_search_index, sync_search_index

__all__ = [
    "HIT_END",
    "HIT_START",
    "SEARCH_COLUMNS",
    "SearchError",
    "check_dates",
    "check_query_size",
    "count_hits",
    "optimize_index",
    "rebuild_index",
    "rebuild_search_index",
    "search",
    "snippet_to_html",
    "snippet_to_plain",
    "sync_search_index",
    "to_fts_query",
]
