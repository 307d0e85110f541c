"""Coding queries: retrieval with context, boolean and proximity queries, filters by
document/case/attribute/coder.

All return DataFrames.  Interval logic runs in SQL on the covering indexes of ``codings``; corpus
tables (documents, document_texts, segments) are only read, joined by document id.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlite_utils

from corpus import get_pages, get_text

from .case_data import case_attributes
from .case_rule import case_documents, span_cases
from .codes import code_paths
from .codings import code_ids
from .history import CodingError

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


def scope_cases(
    db: sqlite_utils.Database, cases=None, attribute: dict | None = None
) -> set[int] | None:
    """Return the case ids allowed by ``cases`` and the ``attribute`` filter (None: no filter)."""
    case_ids: set[int] | None = None if cases is None else {int(c) for c in cases}
    if attribute:
        attrs = case_attributes(db, *attribute)
        mask = pd.Series(True, index=attrs.index)
        for name, value in attribute.items():
            values = value if isinstance(value, (list, tuple, set)) else [value]
            mask &= attrs[name].astype(str).isin([str(v) for v in values])
        picked = set(attrs.loc[mask, "case_id"].astype(int))
        case_ids = picked if case_ids is None else case_ids & picked
    return case_ids


def scope_documents(
    db: sqlite_utils.Database, documents=None, cases=None, attribute: dict | None = None
) -> list[int] | None:
    """Return the document ids allowed by the filters (None: no filter).

    ``cases`` are case ids; ``attribute`` is {name: value or [values]} over case attributes. A
    case's documents are those where it speaks or is a document case; which codings in them are
    the case's is the case rule's answer (``span_cases``).
    """
    allowed: set[int] | None = None if documents is None else {int(d) for d in documents}
    case_ids = scope_cases(db, cases, attribute)
    if case_ids is not None:
        docs = case_documents(db, case_ids)
        allowed = docs if allowed is None else allowed & docs
    return None if allowed is None else sorted(allowed)


def _in(col: str, values) -> tuple[str, list]:
    values = list(values)
    if not values:
        return "0", []
    return f"{col} IN ({', '.join('?' * len(values))})", values


def _coder_ids(db, coders) -> list[int] | None:
    if coders is None:
        return None
    names = [coders] if isinstance(coders, str) else list(coders)
    sql, params = _in("name", names)
    return [r[0] for r in db.execute(f"SELECT id FROM coders WHERE {sql}", params)]


def _where(
    alias: str, db, codes=None, children=False, coders=None, documents=None
) -> tuple[list[str], list]:
    """Return SQL conditions (and params) selecting active span/document codings of ``alias``."""
    where = [f"{alias}.deleted_at IS NULL", f"{alias}.document_id IS NOT NULL"]
    params: list = []
    for col, values in (
        (f"{alias}.code_id", code_ids(db, codes, children)),
        (f"{alias}.coder_id", _coder_ids(db, coders)),
        (f"{alias}.document_id", documents),
    ):
        if values is not None:
            sql, p = _in(col, values)
            where.append(sql)
            params += p
    if db.execute("SELECT 1 FROM codes WHERE deleted_at IS NOT NULL LIMIT 1").fetchone():
        where.append(f"{alias}.code_id IN (SELECT id FROM codes WHERE deleted_at IS NULL)")
    return where, params


def retrieve(
    db: sqlite_utils.Database,
    code,
    children: bool = False,
    coders=None,
    documents=None,
    cases=None,
    attribute: dict | None = None,
) -> pd.DataFrame:
    """Return every segment coded with ``code`` (and its children) with RETRIEVAL_COLUMNS.

    Page comes from the document's corpus pages; speaker, case and times from the case rule
    (``span_cases``); ``cases``/``attribute`` keep the codings of those cases.
    """
    docs = scope_documents(db, documents, cases, attribute)
    where, params = _where("c", db, code, children, coders, docs)
    df = pd.read_sql_query(
        f"""
        SELECT c.id AS coding_id, c.document_id, d.title AS document_title, d.page_count,
               c.char_start, c.char_end, c.code_id, k.color, r.name AS coder, '' AS text, c.memo,
               c.weight, c.scope
        FROM codings c JOIN codes k ON k.id = c.code_id JOIN coders r ON r.id = c.coder_id
        JOIN documents d ON d.id = c.document_id
        WHERE {" AND ".join(where)} ORDER BY d.title, c.document_id, c.char_start, c.id""",
        db.conn,
        params=params,
    )
    df["code_path"] = df["code_id"].map(code_paths(db))
    df["text"] = _texts(db, df)
    df["page"] = _pages(db, df)
    df = _add_turn_context(db, df)
    allowed = scope_cases(db, cases, attribute)
    if allowed is not None:
        df = df[df["case_id"].isin(allowed)].reset_index(drop=True)
    return df[RETRIEVAL_COLUMNS]


def _texts(db, df: pd.DataFrame) -> list[str]:
    """Return each row's coded text, reading every document's text once."""
    out = [""] * len(df)
    starts, ends = df["char_start"].to_numpy(), df["char_end"].to_numpy()
    whole = (df["scope"] == "document").to_numpy() if "scope" in df else np.zeros(len(df), bool)
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
    for col in ("case_id", "case_name", "speaker", "t_start", "t_end"):
        df[col] = None
    if df.empty:
        return df
    found = span_cases(db, df)
    for col in ("case_id", "case_name", "speaker", "t_start", "t_end"):
        df[col] = found[col]
    return df


INTERSECTION = (
    "MAX(a.char_start, b.char_start) AS char_start, MIN(a.char_end, b.char_end) AS char_end"
)
UNION = "MIN(a.char_start, b.char_start) AS char_start, MAX(a.char_end, b.char_end) AS char_end"


def _boolean_sql(
    db, a, b, children, coders, documents, condition: str, negate=False, span=INTERSECTION
):
    """Return SQL (and params) pairing codings of A with codings of B under ``condition``.

    ``span`` is the range a pair stands for; ``negate`` keeps codings of A that pair with none.
    """
    wa, pa = _where("a", db, a, children, coders, documents)
    wb, pb = _where("b", db, b, children, coders, documents)
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


def _finish(db, sql: str, params: list) -> pd.DataFrame:
    df = pd.read_sql_query(
        f"""
        SELECT q.document_id, d.title AS document_title, q.char_start, q.char_end,
               q.a_coding_id, q.b_coding_id,
               CASE WHEN q.char_end > q.char_start
                    THEN substr(t.text, q.char_start + 1, q.char_end - q.char_start)
                    ELSE '' END AS text
        FROM ({sql}) q
        JOIN documents d ON d.id = q.document_id
        JOIN document_texts t ON t.document_id = q.document_id
        ORDER BY q.document_id, q.char_start, q.a_coding_id, q.b_coding_id""",
        db.conn,
        params=params,
    )
    return df[BOOLEAN_COLUMNS]


def query_and(
    db: sqlite_utils.Database,
    a,
    b,
    children: bool = False,
    coders=None,
    documents=None,
    cases=None,
    attribute: dict | None = None,
) -> pd.DataFrame:
    """Return the overlaps of codings of A with codings of B (BOOLEAN_COLUMNS; char range = the
    intersection)."""
    docs = scope_documents(db, documents, cases, attribute)
    sql, params = _boolean_sql(
        db, a, b, children, coders, docs, "b.char_start < a.char_end AND b.char_end > a.char_start"
    )
    return _finish(db, sql, params)


def query_not(
    db: sqlite_utils.Database,
    a,
    b,
    children: bool = False,
    coders=None,
    documents=None,
    cases=None,
    attribute: dict | None = None,
) -> pd.DataFrame:
    """Return codings of A that overlap no coding of B."""
    docs = scope_documents(db, documents, cases, attribute)
    sql, params = _boolean_sql(
        db,
        a,
        b,
        children,
        coders,
        docs,
        "b.char_start < a.char_end AND b.char_end > a.char_start",
        negate=True,
    )
    return _finish(db, sql, params)


def query_or(
    db: sqlite_utils.Database,
    a,
    b,
    children: bool = False,
    coders=None,
    documents=None,
    cases=None,
    attribute: dict | None = None,
) -> pd.DataFrame:
    """Return codings of A or of B (one row per coding, b_coding_id empty)."""
    docs = scope_documents(db, documents, cases, attribute)
    ids = (code_ids(db, a, children) or []) + (code_ids(db, b, children) or [])
    where, params = _where("a", db, sorted(set(ids)), False, coders, docs)
    sql = (
        "SELECT a.document_id, a.char_start, a.char_end, a.id AS a_coding_id, NULL AS b_coding_id"
        f" FROM codings a WHERE {' AND '.join(where)}"
    )
    return _finish(db, sql, params)


def query_near(
    db: sqlite_utils.Database,
    a,
    b,
    distance: int,
    children: bool = False,
    coders=None,
    documents=None,
    cases=None,
    attribute: dict | None = None,
) -> pd.DataFrame:
    """Return pairs of A and B codings within ``distance`` characters of each other (range = their
    union)."""
    docs = scope_documents(db, documents, cases, attribute)
    d = int(distance)
    sql, params = _boolean_sql(
        db,
        a,
        b,
        children,
        coders,
        docs,
        f"b.char_start <= a.char_end + {d} AND b.char_end >= a.char_start - {d}",
        span=UNION,
    )
    return _finish(db, sql, params)


def query_same_unit(
    db: sqlite_utils.Database,
    a,
    b,
    unit: str = "paragraph",
    children: bool = False,
    coders=None,
    documents=None,
    cases=None,
    attribute: dict | None = None,
) -> pd.DataFrame:
    """Return the units (paragraphs or turns) holding both a coding of A and a coding of B (range =
    the unit)."""
    if unit not in ("paragraph", "turn"):
        raise CodingError("unit must be 'paragraph' or 'turn'")
    kinds = "s.kind = 'turn'" if unit == "turn" else "s.kind != 'turn'"
    docs = scope_documents(db, documents, cases, attribute)
    wa, pa = _where("a", db, a, children, coders, docs)
    wb, pb = _where("b", db, b, children, coders, docs)
    sql = f"""
        SELECT s.document_id, s.char_start, s.char_end, MIN(a.id) AS a_coding_id,
               MIN(b.id) AS b_coding_id
        FROM segments s
        JOIN codings a ON a.document_id = s.document_id
             AND a.char_start < s.char_end AND a.char_end > s.char_start
        JOIN codings b ON b.document_id = s.document_id
             AND b.char_start < s.char_end AND b.char_end > s.char_start
        WHERE {kinds} AND {" AND ".join(wa)} AND {" AND ".join(wb)} AND a.id != b.id
        GROUP BY s.id"""
    return _finish(db, sql, pa + pb)


def coded_words(texts: pd.Series) -> np.ndarray:
    """Return the number of words in each text."""
    return texts.fillna("").str.count(r"\w+").to_numpy()
