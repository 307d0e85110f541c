"""Frequencies, co-occurrence and code x case / code x attribute matrices, computed in SQL."""

from __future__ import annotations

import itertools
from collections import OrderedDict

import numpy as np
import pandas as pd
import sqlite_utils

from corpus import get_text, list_documents
from interviews import document_cases

from .case_data import case_attributes, case_names
from .codes import code_paths
from .codings import code_ids
from .history import CodingError, change_counter
from .queries import _coder_ids, _in, _where, scope_documents

FREQUENCY_BY = ("code", "document", "case", "attribute")


_CACHE: OrderedDict[tuple, np.ndarray] = OrderedDict()
_CACHE_SIZE = 8
USE_CACHE = True


def _intervals(
    db, index: str, order: str, codes=None, children=False, coders=None, documents=None
) -> np.ndarray:
    """Return int64 rows (code_id, document_id, char_start, char_end) streamed in index order from a
    covering index.

    Arrays are cached per project file and change counter (bumped by triggers on every write to
    codings or codes, from any process), so page reruns skip the fetch and a write is never missed.
    """
    where, params = _where("c", db, codes, children, coders, documents)
    sql = (
        "SELECT c.code_id, c.document_id, c.char_start, c.char_end FROM codings c INDEXED BY"
        f" {index}"
        f" WHERE {' AND '.join(where)} ORDER BY {order}"
    )
    key = None
    if USE_CACHE:
        version = change_counter(db)
        path = db.execute("PRAGMA database_list").fetchone()[2]
        key = (path, version, sql, tuple(params)) if path else None
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    rows = db.execute(sql, params).fetchall()
    arr = np.fromiter(
        itertools.chain.from_iterable(rows), dtype=np.int64, count=4 * len(rows)
    ).reshape(-1, 4)
    if key is not None:
        arr.setflags(write=False)
        _CACHE[key] = arr
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return arr


def _per_code_document(db, codes=None, children=False, coders=None, documents=None) -> pd.DataFrame:
    """Return code_id, document_id, codings, coded_chars (union of the code's spans in the
    document).

    Rows come sorted from the (code, document, start) index; the union is one running-maximum sweep.
    """
    a = _intervals(
        db,
        "codings_code_cover",
        "c.code_id, c.document_id, c.char_start",
        codes,
        children,
        coders,
        documents,
    )
    if len(a) == 0:
        return pd.DataFrame(
            {
                k: pd.Series(dtype="int64")
                for k in ("code_id", "document_id", "codings", "coded_chars")
            }
        )
    code, doc, start, end = a.T
    new_group = np.r_[True, (code[1:] != code[:-1]) | (doc[1:] != doc[:-1])]
    group = np.cumsum(new_group) - 1
    big = int(end.max()) + 1
    # running max of end within the group: offset groups so an earlier group's ends never count
    shifted = group * big + end
    prev = np.r_[0, np.maximum.accumulate(shifted)[:-1]] - group * big
    prev[new_group] = 0
    covered = np.maximum(0, end - np.maximum(start, prev))
    firsts = np.flatnonzero(new_group)
    return pd.DataFrame(
        {
            "code_id": code[firsts],
            "document_id": doc[firsts],
            "codings": np.bincount(group),
            "coded_chars": np.bincount(group, weights=covered).astype(np.int64),
        }
    )


def _doc_lengths(db, doc_ids) -> dict[int, int]:
    sql, params = _in("id", [int(d) for d in doc_ids])
    return dict(db.execute(f"SELECT id, char_count FROM documents WHERE {sql}", params).fetchall())


def _case_codings(db, codes=None, children=False, coders=None) -> pd.DataFrame:
    """Return code_id, case_id, codings for whole-case codings."""
    where = [
        "c.case_id IS NOT NULL",
        "c.deleted_at IS NULL",
        "c.scope = 'case'",
        "c.code_id IN (SELECT id FROM codes WHERE deleted_at IS NULL)",
    ]
    params: list = []
    for col, values in (
        ("c.code_id", code_ids(db, codes, children)),
        ("c.coder_id", _coder_ids(db, coders)),
    ):
        if values is not None:
            sql, p = _in(col, values)
            where.append(sql)
            params += p
    return pd.read_sql_query(
        "SELECT c.code_id, c.case_id, COUNT(*) AS codings FROM codings c INDEXED BY codings_case"
        f" WHERE {' AND '.join(where)} GROUP BY 1, 2",
        db.conn,
        params=params,
    )


def code_case_frame(
    db: sqlite_utils.Database,
    codes=None,
    children: bool = False,
    coders=None,
    documents=None,
    cases=None,
    attribute: dict | None = None,
) -> pd.DataFrame:
    """Return long rows code_id, code_path, color, case_id, case_name, codings, coded_chars,
    case_chars, percent.

    Codings count on the current version of each interview; ``percent`` is coded characters (union)
    over the characters of the case's current interviews (whole-case codings count as the whole
    text).
    """
    docs = scope_documents(db, documents, cases, attribute)
    per = _per_code_document(db, codes, children, coders, docs)
    dc = document_cases(db)
    dc = dc[
        dc["document_id"].isin(list_documents(db)["id"])
    ]  # current versions: the case's text now
    merged = per.merge(dc[["document_id", "case_id"]], on="document_id")
    lengths = _doc_lengths(db, dc["document_id"].unique()) if not dc.empty else {}
    dc = dc.assign(chars=dc["document_id"].map(lengths).fillna(0))
    case_chars = dc.groupby("case_id")["chars"].sum()
    out = merged.groupby(["code_id", "case_id"], as_index=False)[["codings", "coded_chars"]].sum()
    whole = _case_codings(db, codes, children, coders)
    if cases is not None:
        whole = whole[whole["case_id"].isin([int(c) for c in cases])]
    if not whole.empty:
        whole = whole.assign(coded_chars=whole["case_id"].map(case_chars).fillna(0))
        out = (
            pd.concat([out, whole])
            .groupby(["code_id", "case_id"], as_index=False)[["codings", "coded_chars"]]
            .sum()
        )
    out["case_chars"] = out["case_id"].map(case_chars).fillna(0)
    out["percent"] = (
        (100 * out["coded_chars"] / out["case_chars"].where(out["case_chars"] > 0))
        .clip(upper=100)
        .round(2)
    )
    out["case_name"] = out["case_id"].map(case_names(db))
    paths = code_paths(db)
    colors = dict(db.execute("SELECT id, color FROM codes").fetchall())
    out["code_path"] = out["code_id"].map(paths)
    out["color"] = out["code_id"].map(colors)
    return out[
        [
            "code_id",
            "code_path",
            "color",
            "case_id",
            "case_name",
            "codings",
            "coded_chars",
            "case_chars",
            "percent",
        ]
    ]


def code_case_matrix(db: sqlite_utils.Database, value: str = "codings", **filters) -> pd.DataFrame:
    """Return a code path x case name matrix of ``value`` ('codings', 'coded_chars', 'percent', or
    'present' 0/1)."""
    long = code_case_frame(db, **filters)
    if long.empty:
        return pd.DataFrame()
    if value == "present":
        long = long.assign(present=(long["codings"] > 0).astype(int))
    m = long.pivot_table(
        index="code_path", columns="case_name", values=value, aggfunc="sum", fill_value=0
    )
    return m.reindex([p for p in code_paths(db).values() if p in m.index])


def code_attribute_matrix(
    db: sqlite_utils.Database, attribute: str, value: str = "codings", **filters
) -> pd.DataFrame:
    """Return a code path x attribute value matrix: codings or coded_chars summed, percent of those
    cases' text."""
    long = code_case_frame(db, **filters)
    attrs = case_attributes(db, attribute)
    if long.empty:
        return pd.DataFrame()
    long = long.merge(attrs[["case_id", attribute]], on="case_id", how="left")
    long[attribute] = long[attribute].fillna("(none)").astype(str)
    if value == "percent":
        case_chars = long.drop_duplicates("case_id").groupby(attribute)["case_chars"].sum()
        g = long.groupby(["code_path", attribute])["coded_chars"].sum().reset_index()
        g["percent"] = (100 * g["coded_chars"] / g[attribute].map(case_chars)).round(2)
        return g.pivot_table(index="code_path", columns=attribute, values="percent", fill_value=0)
    return long.pivot_table(
        index="code_path", columns=attribute, values=value, aggfunc="sum", fill_value=0
    )


def _overlap_pairs(db, codes, children, coders, documents) -> pd.DataFrame:
    """Return x, y, n: overlapping coding pairs per (code, other code), each pair once.

    Rows stream sorted by (document, start) from the covering index; every overlapping pair has one
    coding starting inside the other, so for each coding the partners are the next rows up to the
    first that starts at or after its end (a binary search), expanded with numpy.
    """
    a = _intervals(
        db, "codings_doc_cover", "c.document_id, c.char_start", codes, children, coders, documents
    )
    if len(a) == 0:
        return pd.DataFrame({"x": [], "y": [], "n": []})
    code, doc, start, end = a.T
    big = int(end.max()) + 1
    key = doc * big + start
    hi = np.searchsorted(key, doc * big + end, side="left")
    lo = np.arange(len(a)) + 1
    counts = np.maximum(0, hi - lo)
    total = int(counts.sum())
    i = np.repeat(np.arange(len(a)), counts)
    j = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
    cx, cy = code[i], code[j]
    keep = cx != cy
    cx, cy = np.minimum(cx[keep], cy[keep]), np.maximum(cx[keep], cy[keep])
    if len(cx) == 0:
        return pd.DataFrame({"x": [], "y": [], "n": []})
    m = int(max(cx.max(), cy.max())) + 1
    if m > 4096:  # sparse ids: renumber first so the count table stays small
        ids, inverse = np.unique(np.r_[cx, cy], return_inverse=True)
        cx, cy, m = inverse[: len(cx)], inverse[len(cx) :], len(ids)
    else:
        ids = np.arange(m)
    flat = np.bincount(cx * m + cy, minlength=m * m)
    nz = np.flatnonzero(flat)
    return pd.DataFrame({"x": ids[nz // m], "y": ids[nz % m], "n": flat[nz]})


def cooccurrence(
    db: sqlite_utils.Database,
    codes=None,
    children: bool = False,
    mode: str = "overlap",
    coders=None,
    documents=None,
    cases=None,
    attribute: dict | None = None,
) -> pd.DataFrame:
    """Return a symmetric code path x code path matrix: overlapping coding pairs, or units
    ('paragraph'/'turn') shared."""
    docs = scope_documents(db, documents, cases, attribute)
    wa, pa = _where("a", db, codes, children, coders, docs)
    if mode == "overlap":
        pairs = _overlap_pairs(db, codes, children, coders, docs)
    elif mode in ("paragraph", "turn"):
        kinds = "s.kind = 'turn'" if mode == "turn" else "s.kind != 'turn'"
        sql = f"""WITH cu AS (
                    SELECT DISTINCT s.id AS unit, a.code_id FROM codings a JOIN segments s ON
                      s.document_id = a.document_id
                      AND s.char_start < a.char_end AND s.char_end > a.char_start
                    WHERE {kinds} AND {" AND ".join(wa)})
                  SELECT x.code_id AS x, y.code_id AS y, COUNT(*) AS n FROM cu x JOIN cu y ON
                    x.unit = y.unit
                    AND x.code_id < y.code_id GROUP BY 1, 2"""
        pairs = pd.read_sql_query(sql, db.conn, params=pa)
    else:
        raise CodingError("mode must be 'overlap', 'paragraph' or 'turn'")
    paths = code_paths(db)
    if codes is not None:
        ids = code_ids(db, codes, children)
    else:
        ids = list(paths)
    mat = np.zeros((len(ids), len(ids)), dtype=np.int64)
    if len(pairs):
        x, y, n = (pairs[c].to_numpy(dtype=np.int64) for c in ("x", "y", "n"))
        lookup = np.full(int(max(x.max(), y.max(), max(ids, default=0))) + 1, -1)
        lookup[np.array(ids, dtype=np.int64)] = np.arange(len(ids))
        i, j = lookup[x], lookup[y]
        ok = (i >= 0) & (j >= 0)
        np.add.at(mat, (i[ok], j[ok]), n[ok])
        np.add.at(mat, (j[ok], i[ok]), n[ok])
    labels = [paths[i] for i in ids]
    m = pd.DataFrame(
        mat, index=pd.Index(labels, name="code"), columns=pd.Index(labels, name="code")
    )
    return m


def frequencies(
    db: sqlite_utils.Database,
    by: str = "code",
    attribute: str | None = None,
    codes=None,
    children: bool = False,
    coders=None,
    documents=None,
    cases=None,
) -> pd.DataFrame:
    """Return codings, coded characters and coded words per code, or per code and
    document/case/attribute value."""
    if by not in FREQUENCY_BY:
        raise CodingError(f"by must be one of {', '.join(FREQUENCY_BY)}")
    docs = scope_documents(db, documents, cases, None)
    where, params = _where("c", db, codes, children, coders, docs)
    per = pd.read_sql_query(
        "SELECT c.code_id, c.document_id, c.char_start, c.char_end FROM codings c WHERE"
        f" {' AND '.join(where)}",
        db.conn,
        params=params,
    )
    words = []
    for doc_id, g in per.groupby("document_id"):
        text = get_text(db, int(doc_id))
        words.append(
            pd.Series(
                [len(text[s:e].split()) for s, e in zip(g["char_start"], g["char_end"])],
                index=g.index,
            )
        )
    per["coded_words"] = pd.concat(words) if words else 0
    per["coded_chars"] = per["char_end"] - per["char_start"]
    per["codings"] = 1
    paths = code_paths(db)
    keys = ["code_id"]
    if by == "document":
        keys.append("document_id")
    elif by in ("case", "attribute"):
        dc = document_cases(db)
        per = per.merge(dc[["document_id", "case_id", "case_name"]], on="document_id")
        keys.append("case_name")
        if by == "attribute":
            if not attribute:
                raise CodingError("frequencies by attribute needs the attribute's name")
            attrs = case_attributes(db, attribute)
            per = per.merge(attrs[["case_id", attribute]], on="case_id", how="left")
            keys[-1] = attribute
    out = per.groupby(keys, as_index=False)[["codings", "coded_chars", "coded_words"]].sum()
    out.insert(1, "code_path", out["code_id"].map(paths))
    return out.sort_values(["code_path", *keys[1:]]).reset_index(drop=True)
