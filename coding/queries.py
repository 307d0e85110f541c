"""Coding queries: retrieval with context, boolean and proximity queries, over one ``Scope``.

All return DataFrames. Which codings count is the scope's answer (``scope_where``); interval logic
runs in SQL on the covering indexes of ``codings``; titles, texts, pages and segments come through
the corpus front door.

Each query takes ``scope`` (a ``Scope``) and, for scripts and tests, the scope's filters as
keywords (``codes``/``code``, ``children``, ``coders``, ``documents``, ``cases``, ``attribute``,
``versions``), which are folded into the scope once, at the entry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlite_utils

from corpus import get_pages, get_segments, get_text, list_documents

from .case_rule import span_cases
from .codes import code_ids, code_paths
from .history import CodingError
from .scope import Scope, scope_cases, scope_documents, scope_where
from .states import CodingScope

RETRIEVAL_COLUMNS = [
    "coding_id",
    "document_id",
    "document_title",
    "case_id",
    "case_name",
    "speaker",
    "page",
    "t_start",
    "t_end",
    "char_start",
    "char_end",
    "code_id",
    "code_path",
    "color",
    "coder",
    "text",
    "memo",
    "weight",
]
BOOLEAN_COLUMNS = [
    "document_id",
    "document_title",
    "char_start",
    "char_end",
    "a_coding_id",
    "b_coding_id",
    "text",
]


def retrieve(db: sqlite_utils.Database, scope: Scope | None = None, /, **filters) -> pd.DataFrame:
    """Return every segment coded in the scope (its codes, with children when asked) with
    RETRIEVAL_COLUMNS.

    Page comes from the document's corpus pages; speaker, case and times from the case rule
    (``span_cases``); the scope's cases/attributes keep the codings of those cases.
    """
    scope = _scope(scope, filters)
    where, params = scope_where(db, scope, "c")
    df = pd.read_sql_query(
        f"""
        SELECT c.id AS coding_id, c.document_id, c.char_start, c.char_end, c.code_id, k.color,
               r.name AS coder, '' AS text, c.memo, c.weight, c.scope
        FROM codings c JOIN codes k ON k.id = c.code_id JOIN coders r ON r.id = c.coder_id
        WHERE {" AND ".join(where)}""",
        db.conn,
        params=params,
    )
    docs = get_document_info(db, df["document_id"].unique())
    df["document_title"] = df["document_id"].map(docs["title"])
    df["page_count"] = df["document_id"].map(docs["page_count"])
    df = df.sort_values(
        ["document_title", "document_id", "char_start", "coding_id"], kind="stable"
    ).reset_index(drop=True)
    df["code_path"] = df["code_id"].map(code_paths(db))
    df["text"] = _texts(db, df)
    df["page"] = _pages(db, df)
    df = _add_turn_context(db, df)
    allowed = scope_cases(db, scope)
    if allowed is not None:
        keep = [bool(allowed & set(ids or ())) for ids in df["case_ids"]]
        df = df[keep].reset_index(drop=True)
    return df[RETRIEVAL_COLUMNS]


def _scope(scope, filters: dict) -> Scope:
    """Return the one scope of a query: ``scope`` (a Scope, or codes as a shorthand) with the
    keyword ``filters`` folded in."""
    if scope is not None and not isinstance(scope, Scope):
        filters = {**filters, "codes": scope}
        scope = None
    return Scope.of(scope, **filters)


def get_document_info(db, document_ids) -> pd.DataFrame:
    """Return title and page_count per document id (index) for ``document_ids``."""
    ids = {int(d) for d in document_ids}
    docs = list_documents(db, include_old=True)
    docs = docs[docs["id"].isin(ids)].set_index("id")
    return docs[["title", "page_count"]]


def _texts(db, df: pd.DataFrame) -> list[str]:
    """Return each row's coded text, reading every document's text once."""
    out = [""] * len(df)
    starts, ends = df["char_start"].to_numpy(), df["char_end"].to_numpy()
    whole = (
        (df["scope"] == CodingScope.DOCUMENT).to_numpy()
        if "scope" in df
        else np.zeros(len(df), bool)
    )
    for doc_id, idx in df.groupby("document_id").indices.items():
        text = get_text(db, int(doc_id))
        for row in idx:
            out[row] = "(whole document)" if whole[row] else text[starts[row] : ends[row]]
    return out


def _pages(db, df: pd.DataFrame) -> list:
    """Return the page number holding each row's char_start (None without pages), one get_pages per
    document."""
    out: list = [None] * len(df)
    paged = df[df["page_count"] > 0]
    for doc_id, idx in paged.groupby("document_id").indices.items():
        idx = paged.index.to_numpy()[idx]
        pages = get_pages(db, int(doc_id))
        if pages.empty:
            continue
        starts, ends = pages["char_start"].to_numpy(), pages["char_end"].to_numpy()
        offsets = df["char_start"].to_numpy()[idx]
        k = np.searchsorted(starts, offsets, side="right") - 1
        for row, page_i, off in zip(idx, k, offsets):
            if page_i >= 0 and off < max(ends[page_i], starts[page_i] + 1):
                out[row] = int(pages["number"].iloc[page_i])
    return out


def _add_turn_context(db, df: pd.DataFrame) -> pd.DataFrame:
    """Fill speaker, case and times of each row from the case rule (``span_cases``)."""
    cols = ("case_id", "case_name", "case_ids", "speaker", "t_start", "t_end")
    for col in cols:
        df[col] = None
    if df.empty:
        return df
    found = span_cases(db, df)
    for col in cols:
        df[col] = found[col]
    return df


INTERSECTION = (
    "MAX(a.char_start, b.char_start) AS char_start, MIN(a.char_end, b.char_end) AS char_end"
)
UNION = "MIN(a.char_start, b.char_start) AS char_start, MAX(a.char_end, b.char_end) AS char_end"


def _boolean_sql(db, scope: Scope, a, b, condition: str, negate=False, span=INTERSECTION):
    """Return SQL (and params) pairing codings of A with codings of B under ``condition``, both
    in ``scope``.

    ``span`` is the range a pair stands for; ``negate`` keeps codings of A that pair with none.
    """
    docs = scope_documents(db, scope)
    wa, pa = scope_where(db, scope, "a", codes=a, documents=docs)
    wb, pb = scope_where(db, scope, "b", codes=b, documents=docs)
    if negate:
        sql = f"""
            SELECT a.document_id, a.char_start, a.char_end, a.id AS a_coding_id,
                   NULL AS b_coding_id
            FROM codings a WHERE {" AND ".join(wa)}
            AND NOT EXISTS (
                SELECT 1 FROM codings b
                WHERE b.document_id = a.document_id AND {condition} AND {" AND ".join(wb)})"""
        return sql, pa + pb
    sql = f"""
        SELECT a.document_id, {span}, a.id AS a_coding_id, b.id AS b_coding_id
        FROM codings a JOIN codings b ON b.document_id = a.document_id AND {condition}
        WHERE {" AND ".join(wa)} AND {" AND ".join(wb)} AND a.id != b.id"""
    return sql, pa + pb


def _finish(db, scope: Scope, sql: str, params: list) -> pd.DataFrame:
    """Return BOOLEAN_COLUMNS for the pairs ``sql`` selects (see ``_finish_frame``)."""
    return _finish_frame(
        db, scope, pd.read_sql_query(f"SELECT * FROM ({sql})", db.conn, params=params)
    )


def _finish_frame(db, scope: Scope, df: pd.DataFrame) -> pd.DataFrame:
    """Return BOOLEAN_COLUMNS for pairs (document_id, char_start, char_end, a_coding_id,
    b_coding_id) with title and text, kept to the scope's cases (a pair counts for the cases the
    case rule gives its range)."""
    df = df.sort_values(
        ["document_id", "char_start", "a_coding_id", "b_coding_id"], kind="stable"
    ).reset_index(drop=True)
    df["document_title"] = df["document_id"].map(get_document_info(db, df["document_id"])["title"])
    texts = [""] * len(df)
    for doc_id, idx in df.groupby("document_id").indices.items():
        text = get_text(db, int(doc_id))
        for row in idx:
            s, e = int(df.at[row, "char_start"]), int(df.at[row, "char_end"])
            texts[row] = text[s:e] if e > s else ""
    df["text"] = texts
    allowed = scope_cases(db, scope)
    if allowed is not None and len(df):
        cases = span_cases(db, df[["document_id", "char_start", "char_end"]])
        keep = [bool(allowed & set(ids or ())) for ids in cases["case_ids"]]
        df = df[keep].reset_index(drop=True)
    return df[BOOLEAN_COLUMNS]


OVERLAP = "b.char_start < a.char_end AND b.char_end > a.char_start"


def query_and(
    db: sqlite_utils.Database, a, b, scope: Scope | None = None, **filters
) -> pd.DataFrame:
    """Return the overlaps of codings of A with codings of B (BOOLEAN_COLUMNS; char range = the
    intersection)."""
    scope = Scope.of(scope, **filters)
    sql, params = _boolean_sql(db, scope, a, b, OVERLAP)
    return _finish(db, scope, sql, params)


def query_not(
    db: sqlite_utils.Database, a, b, scope: Scope | None = None, **filters
) -> pd.DataFrame:
    """Return codings of A that overlap no coding of B."""
    scope = Scope.of(scope, **filters)
    sql, params = _boolean_sql(db, scope, a, b, OVERLAP, negate=True)
    return _finish(db, scope, sql, params)


def query_or(
    db: sqlite_utils.Database, a, b, scope: Scope | None = None, **filters
) -> pd.DataFrame:
    """Return codings of A or of B (one row per coding, b_coding_id empty)."""
    scope = Scope.of(scope, **filters)
    ids = (code_ids(db, a, scope.children) or []) + (code_ids(db, b, scope.children) or [])
    where, params = scope_where(db, scope.replace(children=False), "a", codes=sorted(set(ids)))
    sql = (
        "SELECT a.document_id, a.char_start, a.char_end, a.id AS a_coding_id, NULL AS b_coding_id"
        f" FROM codings a WHERE {' AND '.join(where)}"
    )
    return _finish(db, scope, sql, params)


def query_near(
    db: sqlite_utils.Database, a, b, distance: int, scope: Scope | None = None, **filters
) -> pd.DataFrame:
    """Return pairs of A and B codings within ``distance`` characters of each other (range = their
    union)."""
    scope = Scope.of(scope, **filters)
    d = int(distance)
    near = f"b.char_start <= a.char_end + {d} AND b.char_end >= a.char_start - {d}"
    sql, params = _boolean_sql(db, scope, a, b, near, span=UNION)
    return _finish(db, scope, sql, params)


def query_same_unit(
    db: sqlite_utils.Database,
    a,
    b,
    unit: str = "paragraph",
    scope: Scope | None = None,
    **filters,
) -> pd.DataFrame:
    """Return the units (paragraphs or turns) holding both a coding of A and a coding of B (range =
    the unit)."""
    if unit not in ("paragraph", "turn"):
        raise CodingError("unit must be 'paragraph' or 'turn'")
    scope = Scope.of(scope, **filters)
    docs = scope_documents(db, scope)
    wa, pa = scope_where(db, scope, "a", codes=a, documents=docs)
    wb, pb = scope_where(db, scope, "b", codes=b, documents=docs)
    pairs = pd.read_sql_query(
        f"""SELECT a.id AS a_id, a.document_id, a.char_start AS a_start, a.char_end AS a_end,
                   b.id AS b_id, b.char_start AS b_start, b.char_end AS b_end
            FROM codings a JOIN codings b ON b.document_id = a.document_id AND a.id != b.id
            WHERE {" AND ".join(wa)} AND {" AND ".join(wb)}""",
        db.conn,
        params=pa + pb,
    )
    rows = []
    for doc_id, g in pairs.groupby("document_id"):
        segs = get_segments(db, int(doc_id))
        segs = segs[(segs["kind"] == "turn") if unit == "turn" else (segs["kind"] != "turn")]
        for seg in segs.itertuples():
            inside_a = (g["a_start"] < seg.char_end) & (g["a_end"] > seg.char_start)
            inside_b = (g["b_start"] < seg.char_end) & (g["b_end"] > seg.char_start)
            hit = g[inside_a & inside_b]
            if len(hit):
                rows.append(
                    (
                        int(doc_id),
                        int(seg.char_start),
                        int(seg.char_end),
                        int(hit["a_id"].min()),
                        int(hit["b_id"].min()),
                    )
                )
    out = pd.DataFrame(
        rows, columns=["document_id", "char_start", "char_end", "a_coding_id", "b_coding_id"]
    )
    return _finish_frame(db, scope, out)


def coded_words(texts: pd.Series) -> np.ndarray:
    """Return the number of words in each text."""
    return texts.fillna("").str.count(r"\w+").to_numpy()
