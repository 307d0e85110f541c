"""Full-text search over segments with SQLite FTS5.

bm25 ranking, phrases, AND/OR/NOT, prefix*, NEAR.

Diacritics are folded by the index (``remove_diacritics 2``).  Queries are cleaned before they
reach FTS5 so that words with hyphens, dots or colons work as users expect; broken syntax
raises SearchError with a plain-language message.
"""

from __future__ import annotations

import datetime
import html
import re
import sqlite3
import threading
import time

import pandas as pd
import sqlite_utils

from projectfile import QdaError, transaction, writes

from .index import refresh_search_index
from .query import Near, parse_fts_query
from .ranked import index_search, phrase_share

HIT_START, HIT_END = "\x02", "\x03"  # snippet markers; never present in canonical text
_TOKEN = re.compile(
    r'"[^"]*"|NEAR\(|[()]|,\s*\d+\s*(?=\))|[^\s()"]+?(?=,\s*\d+\s*\)|[\s()"]|$)|"', re.UNICODE
)
_OPERATORS = {"AND", "OR", "NOT"}
_PLAIN_WORD = re.compile(r"^\w+\*?$", re.UNICODE)

SEARCH_COLUMNS = [
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
]


class SearchError(QdaError):
    """A query the search cannot run, with a message for the user."""


# What one query may hold: beyond these a query costs seconds to minutes at archive scale.
MAX_QUERY_CHARS = 500
MAX_TERMS = 12  # words and phrases
MAX_DEPTH = 5  # nested parentheses
MIN_PREFIX = 3  # letters before a * (a* alone would expand to much of the vocabulary)


TIME_BUDGET_S = 1.0  # a search still ranking after this long is stopped with a message
_TOO_BROAD = (
    "This search matches so much of the archive that ranking it took over {budget:g} s, so it"
    " was stopped: add a less common word, a phrase in quotes, or a filter (kind, language,"
    " dates)."
)


class _budget:
    """Stop the statement running on ``db`` after ``seconds`` (SQLite's progress handler)."""

    def __init__(self, db: sqlite_utils.Database, seconds: float = 0.0):
        self.conn, self.seconds = db.conn, seconds or TIME_BUDGET_S

    def __enter__(self):
        deadline = time.monotonic() + self.seconds
        self.conn.set_progress_handler(lambda: time.monotonic() > deadline, 20_000)
        return self

    def __exit__(self, exc_type, exc, tb):
        self.conn.set_progress_handler(None, 0)
        if exc_type is not None and "interrupted" in str(exc):
            raise SearchError(_TOO_BROAD.format(budget=self.seconds)) from exc
        return False


def check_query_size(query: str) -> None:
    """Raise SearchError when ``query`` is longer than MAX_QUERY_CHARS (in every search mode)."""
    if len(query) > MAX_QUERY_CHARS:
        raise SearchError(
            f"The query is too long: {len(query):,} characters long; the limit is"
            f" {MAX_QUERY_CHARS}."
            " Search for the few words that matter most, or a short exact phrase."
        )


_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def check_dates(date_from=None, date_to=None) -> None:
    """Raise SearchError unless each given date filter is an ISO date: YYYY-MM-DD, YYYY-MM or
    YYYY (a ``datetime.date`` too), and ``date_from`` is not after ``date_to``."""
    bounds = []
    for label, value in (("from", date_from), ("to", date_to)):
        if value is None or value == "":
            continue
        text = str(value).strip()
        m = _DATE.fullmatch(text)
        try:
            if m is None:
                raise ValueError(text)
            datetime.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
        except ValueError:
            shown = text if len(text) <= 40 else text[:39] + "…"
            raise SearchError(
                f"The '{label}' date {shown!r} is not a date: write it as YYYY-MM-DD (for"
                " example 2021-03-15), YYYY-MM or YYYY."
            ) from None
        bounds.append(text)
    if len(bounds) == 2 and bounds[0][:4] > bounds[1][:4]:
        raise SearchError(
            f"The 'from' date ({bounds[0]}) is after the 'to' date ({bounds[1]}): swap them."
        )


def to_fts_query(query: str) -> str:
    """Return an FTS5 MATCH expression for a user query; raise SearchError if it is malformed."""
    query = query.strip()
    if not query:
        raise SearchError("Type something to search for.")
    check_query_size(query)
    if query.count('"') % 2:
        raise SearchError('A quotation mark is not closed: phrases need a " at both ends.')
    depth = 0
    terms = 0
    out: list[str] = []
    expect_term = True
    for tok in _TOKEN.findall(query):
        if tok in ("NEAR(", "("):
            depth += 1
            if depth > MAX_DEPTH:
                raise SearchError(
                    f"The query nests parentheses more than {MAX_DEPTH} deep; write it with"
                    " fewer brackets (e.g. a OR b OR c instead of (a OR (b OR c)))."
                )
            out.append(tok)
            expect_term = True
        elif tok == ")":
            depth -= 1
            if depth < 0:
                raise SearchError("A closing parenthesis has no opening one.")
            out.append(")")
            expect_term = False
        elif tok.startswith(","):
            out.append(tok.replace(" ", ""))
        elif tok in _OPERATORS:
            if expect_term and tok != "NOT":
                raise SearchError(f"'{tok}' needs a word or phrase before it.")
            if expect_term and tok == "NOT" and not out:
                raise SearchError(
                    "A query cannot start with NOT: write what to find first,"
                    " e.g. consortium NOT university."
                )
            out.append(tok)
            expect_term = True
        elif tok.startswith('"'):
            inner = tok[1:-1].strip()
            if not re.search(r"\w", inner):
                continue
            out.append('"' + inner.replace('"', '""') + '"')
            terms += 1
            expect_term = False
        else:
            if tok.endswith("*") and len(re.sub(r"\W", "", tok)) < MIN_PREFIX:
                raise SearchError(
                    f"'{tok}': a word ending in * needs at least {MIN_PREFIX} letters before the *."
                )
            if _PLAIN_WORD.match(tok):
                out.append(tok)
            else:
                star = tok.endswith("*")
                core = tok.rstrip("*").replace('"', "")
                if not re.search(r"\w", core):
                    continue
                out.append('"' + core + '"' + ("*" if star else ""))
            terms += 1
            expect_term = False
        if terms > MAX_TERMS:
            raise SearchError(
                f"The query has more than {MAX_TERMS} words or phrases; search for the few that"
                " matter most (or an exact phrase in quotes)."
            )
    if depth != 0:
        raise SearchError("A parenthesis is not closed.")
    if terms == 0:
        raise SearchError(
            "The query has no words to search for: only letters and digits are indexed, not"
            " emoji or punctuation. Type a word or a phrase."
        )
    if not out or expect_term and out[-1] in _OPERATORS:
        raise SearchError(
            "The query ends with an operator (AND, OR, NOT): add what should follow it."
        )
    return (
        " ".join(out)
        .replace("( ", "(")
        .replace(" )", ")")
        .replace("NEAR( ", "NEAR(")
        .replace(" ,", ",")
    )


@writes("derived")
def optimize_index(db: sqlite_utils.Database) -> None:
    """Merge the full-text index into one b-tree (after large batches: faster queries)."""
    with transaction(db):
        db.execute("INSERT INTO segments_fts(segments_fts) VALUES('optimize')")


@writes("derived")
def rebuild_index(db: sqlite_utils.Database) -> None:
    """Rebuild the full-text indexes from the segments (no token of deleted text survives):
    FTS5's, and the search index beside the project file when it has one (``search.index``)."""
    with transaction(db):
        db.execute("INSERT INTO segments_fts(segments_fts) VALUES('rebuild')")
    refresh_search_index(db)


def _filters(
    query: str, kinds, languages, date_from, date_to, document_ids, include_old
) -> tuple[list[str], list]:
    """Return the WHERE clauses and parameters shared by ``search`` and ``count_hits``."""
    where = ["segments_fts MATCH ?"]
    params: list = [to_fts_query(query)]
    if not include_old:
        where.append("d.is_current = 1")
    for col, values in (("d.kind", kinds), ("s.language", languages), ("d.id", document_ids)):
        if values:
            where.append(f"{col} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    if date_from:
        where.append("d.date >= ?")
        params.append(str(date_from))
    if date_to:
        where.append("d.date <= ?")
        params.append(str(date_to))
    return where, params


def search(
    db: sqlite_utils.Database,
    query: str,
    kinds: list[str] | None = None,
    languages: list[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    document_ids: list[int] | None = None,
    limit: int = 50,
    offset: int = 0,
    include_old: bool = False,
) -> pd.DataFrame:
    """Return ranked hits (columns SEARCH_COLUMNS; lower score is better, as FTS5 bm25 gives).

    Large projects rank with the search index beside the project file (same matches, BM25 from
    tantivy, negated); FTS5 ranks when there is none, it is busy or stale, or for NEAR.
    """
    check_dates(date_from, date_to)
    tree = parse_fts_query(to_fts_query(query))
    if tree is not None:
        filters = (kinds, languages, date_from, date_to, document_ids)
        found = _index_rows(db, query, tree, _named(filters), include_old, limit, offset)
        if found is not None:
            return found
    where, params = _filters(query, kinds, languages, date_from, date_to, document_ids, include_old)
    sql = f"""
        SELECT s.id AS segment_id, s.document_id, d.title, d.kind, s.language, d.date, s.page,
               s.char_start, s.char_end, s.kind AS segment_kind,
               snippet(segments_fts, 0, '{HIT_START}', '{HIT_END}', '…', 24) AS snippet,
               bm25(segments_fts) AS score
        FROM segments_fts
        JOIN segments s ON s.id = segments_fts.rowid
        JOIN documents d ON d.id = s.document_id
        WHERE {" AND ".join(where)}
        ORDER BY score
        LIMIT ? OFFSET ?"""
    try:
        with _budget(db):
            return pd.read_sql_query(sql, db.conn, params=[*params, limit, offset])
    except (sqlite3.OperationalError, pd.errors.DatabaseError) as exc:
        raise SearchError(_explain(exc, query)) from exc


def count_hits(
    db: sqlite_utils.Database,
    query: str,
    kinds: list[str] | None = None,
    languages: list[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    document_ids: list[int] | None = None,
    include_old: bool = False,
) -> int:
    """Return how many segments match ``query`` with the same filters as ``search``."""
    check_dates(date_from, date_to)
    tree = parse_fts_query(to_fts_query(query))
    if tree is not None and not isinstance(tree, Near):
        filters = _named((kinds, languages, date_from, date_to, document_ids))
        n = index_search(db, tree, filters, include_old=include_old, count=True)
        if n is not None:
            return n
    where, params = _filters(query, kinds, languages, date_from, date_to, document_ids, include_old)
    sql = (
        "SELECT COUNT(*) FROM segments_fts JOIN segments s ON s.id = segments_fts.rowid"
        f" JOIN documents d ON d.id = s.document_id WHERE {' AND '.join(where)}"
    )
    try:
        with _budget(db):
            return db.execute(sql, params).fetchone()[0]
    except (sqlite3.OperationalError, pd.errors.DatabaseError) as exc:
        raise SearchError(_explain(exc, query)) from exc


_HIT_SQL = """
    SELECT s.id AS segment_id, s.document_id, d.title, d.kind, s.language, d.date, s.page,
           s.char_start, s.char_end, s.kind AS segment_kind, s.text
    FROM segments s JOIN documents d ON d.id = s.document_id
    WHERE s.id IN ({marks})"""
_snippet_tables = threading.local()


def _snippet_db() -> sqlite3.Connection:
    """Return this thread's in-memory FTS5 table, tokenised as ``segments_fts`` is."""
    conn = getattr(_snippet_tables, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute(
            "CREATE VIRTUAL TABLE hits USING fts5(text, tokenize='unicode61 remove_diacritics 2')"
        )
        _snippet_tables.conn = conn
    return conn


NEAR_PAGE = 200  # candidates checked at a time for a NEAR query
NEAR_SCAN = 2_000  # candidates checked before FTS5 answers a NEAR query instead
# FTS5 answers NEAR quickly when one phrase is rare (it steps through the rare one's list); the
# index when every phrase is common (its first candidates then hold enough hits)
NEAR_COMMON = 0.02


def _named(filters: tuple) -> dict:
    return dict(zip(("kinds", "languages", "date_from", "date_to", "document_ids"), filters))


def _index_rows(db, query: str, tree, filters: dict, include_old: bool, limit: int, offset: int):
    """Return the hits ranked by the search index (``search.index``), or None when FTS5 must
    answer (no index in step with the project; a NEAR query whose first candidates hold too few
    hits)."""
    if not isinstance(tree, Near):
        hits = index_search(db, tree, filters, limit, offset, include_old)
        return None if hits is None else _hit_rows(db, query, hits)
    # NEAR: the segments holding every phrase, best first, kept when FTS5 finds them near
    words = [p.words[0] for p in tree.phrases if not (p.prefix and len(p.words) == 1)]
    share = phrase_share(db, words) if words else None
    if share is None or share < NEAR_COMMON:
        return None
    frames, found, start = [], 0, 0
    while found < limit + offset:
        if start >= NEAR_SCAN:
            return None
        page = index_search(db, tree.candidates, filters, NEAR_PAGE, start, include_old)
        if page is None:
            return None
        frames.append(_hit_rows(db, query, page))
        found += len(frames[-1])
        start += NEAR_PAGE
        if len(page) < NEAR_PAGE:
            break
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SEARCH_COLUMNS)
    return rows.iloc[offset : offset + limit].reset_index(drop=True)


def _hit_rows(db: sqlite_utils.Database, query: str, hits: list[tuple[int, float]]) -> pd.DataFrame:
    """Return SEARCH_COLUMNS rows for the index's ``hits`` in their order.

    Snippets are FTS5's own ``snippet()`` over the same expression, run on a small in-memory
    FTS5 table holding only these segments (a snippet depends on the row and the query alone):
    on the project's table each lookup would expand a prefix* over the whole vocabulary again.
    """
    ids = [sid for sid, _score in hits]
    rows = {}
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        for row in db.execute(_HIT_SQL.format(marks=", ".join("?" * len(part))), part):
            rows[row[0]] = row
    snippets = {}
    if rows:
        conn = _snippet_db()
        conn.execute("DELETE FROM hits")
        conn.executemany(
            "INSERT INTO hits (rowid, text) VALUES (?, ?)", [(r[0], r[-1]) for r in rows.values()]
        )
        snippets = dict(
            conn.execute(
                f"SELECT rowid, snippet(hits, 0, '{HIT_START}', '{HIT_END}', '…', 24) FROM hits"
                " WHERE hits MATCH ?",
                [to_fts_query(query)],
            ).fetchall()
        )
        conn.execute("DELETE FROM hits")  # no text stays in memory after the search
    out = [  # left out: segments deleted since the index answered, NEAR candidates not near
        (*rows[sid][:-1], snippets[sid], -score) for sid, score in hits if sid in snippets
    ]
    return pd.DataFrame(out, columns=SEARCH_COLUMNS)


def _explain(exc: Exception, query: str) -> str:
    """Return a plain-language message for an FTS5 error on ``query`` (never the SQL)."""
    cause = exc.__cause__ or exc.__context__ or exc
    message = str(cause if isinstance(cause, sqlite3.Error) else exc)
    # pandas puts the whole statement in its message: keep only SQLite's reason after it
    message = message.rsplit("': ", 1)[-1] if "Execution failed on sql" in message else message
    query = query if len(query) <= 80 else query[:77] + "..."
    if "syntax error" in message or "unterminated" in message:
        return (
            f"The search could not understand '{query}'. Use words, \"exact phrases\","
            " AND, OR, NOT, word*, NEAR(a b, 10)."
        )
    if "no such column" in message:
        return (
            f"'{query}' looks like a field search (word:word); put it in quotes to search the text."
        )
    if "too many" in message or "depth" in message or "complex" in message:
        return f"The query '{query}' is too complex to run: use fewer parentheses and operators."
    return (
        f"The search could not run '{query}'. Use words, \"exact phrases\", AND, OR, NOT,"
        " word*, NEAR(a b, 10)."
    )


def snippet_to_html(snippet: str) -> str:
    """Return the snippet escaped for HTML with hits wrapped in <mark>."""
    return html.escape(snippet).replace(HIT_START, "<mark>").replace(HIT_END, "</mark>")


def snippet_to_plain(snippet: str, start: str = "[", end: str = "]") -> str:
    """Return the snippet with hits wrapped in plain-text markers (for the CLI)."""
    return snippet.replace(HIT_START, start).replace(HIT_END, end)
