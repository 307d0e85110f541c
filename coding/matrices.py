"""Frequencies, co-occurrence and code x case / code x attribute matrices, computed in SQL."""

from __future__ import annotations

import itertools
from collections import OrderedDict

import numpy as np
import pandas as pd
import sqlite_utils

from corpus import (
    current_documents_stamp,
    document_lengths,
    document_titles,
    get_segments,
    get_text,
)
from interviews import document_cases, turns_frame

from .case_data import case_attributes, case_names
from .case_rule import exploded_cases
from .codes import code_ids, code_paths
from .history import CodingError, change_counter
from .scope import (
    Scope,
    coder_ids,
    count_mode,
    in_list,
    scope_cases,
    scope_documents,
    scope_where,
)
from .states import CodingScope

FREQUENCY_BY = ("code", "document", "case", "attribute")


_CACHE: OrderedDict[tuple, np.ndarray] = OrderedDict()
_CACHE_SIZE = 8
USE_CACHE = True


def _intervals(db, index: str, order: str, scope: Scope, documents=None) -> np.ndarray:
    """Return int64 rows (code_id, document_id, char_start, char_end) streamed in index order from a
    covering index.

    Arrays are cached per project file and change counter (bumped by triggers on every write to
    codings or codes, from any process), so page reruns skip the fetch and a write is never missed.
    """
    where, params = scope_where(db, scope, "c", documents=documents)
    sql = (
        "SELECT c.code_id, c.document_id, c.char_start, c.char_end FROM codings c INDEXED BY"
        f" {index}"
        f" WHERE {' AND '.join(where)} ORDER BY {order}"
    )
    key = None
    if USE_CACHE:
        # codings and codes change the counter; an edit, an undone edit or an import changes
        # which document versions are current
        version = (change_counter(db), current_documents_stamp(db))
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


def _doc_lengths(db, doc_ids) -> dict[int, int]:
    return document_lengths(db, doc_ids)


def _case_codings(db, scope: Scope) -> pd.DataFrame:
    """Return code_id, case_id, codings for whole-case codings."""
    where = [
        "c.case_id IS NOT NULL",
        "c.deleted_at IS NULL",
        "c.scope = ?",
        "c.code_id IN (SELECT id FROM codes WHERE deleted_at IS NULL)",
    ]
    params: list = [CodingScope.CASE]
    for col, values in (
        ("c.code_id", code_ids(db, scope.codes, scope.children)),
        ("c.coder_id", coder_ids(db, scope.coders)),
    ):
        if values is not None:
            sql, p = in_list(col, values)
            where.append(sql)
            params += p
    return pd.read_sql_query(
        "SELECT c.code_id, c.case_id, COUNT(*) AS codings FROM codings c INDEXED BY codings_case"
        f" WHERE {' AND '.join(where)} GROUP BY 1, 2",
        db.conn,
        params=params,
    )


COLUMNS4 = ["code_id", "document_id", "char_start", "char_end"]


def _coded_spans(db, scope: Scope, documents=None) -> pd.DataFrame:
    """Return code_id, document_id, char_start, char_end, scope of active span and whole-document
    codings (from the cached covering-index arrays; whole-document codings, few, looked up)."""
    if documents is not None and not len(documents):
        return pd.DataFrame(
            {
                **{c: pd.Series(dtype="int64") for c in COLUMNS4},
                "scope": pd.Series(dtype=object),
            }
        )
    a = _intervals(
        db, "codings_code_cover", "c.code_id, c.document_id, c.char_start", scope, documents
    )
    df = pd.DataFrame(a, columns=COLUMNS4)
    df["scope"] = CodingScope.SPAN.value
    where, params = scope_where(db, scope, "c", documents=documents)
    whole = db.execute(
        "SELECT c.code_id, c.document_id, c.char_start, c.char_end FROM codings c"
        f" WHERE c.scope = ? AND {' AND '.join(where)}",
        [CodingScope.DOCUMENT, *params],
    ).fetchall()
    if whole:
        keys = set(whole)
        mark = [
            (c, d, s, e) in keys
            for c, d, s, e in zip(
                df["code_id"].tolist(),
                df["document_id"].tolist(),
                df["char_start"].tolist(),
                df["char_end"].tolist(),
            )
        ]
        df.loc[mark, "scope"] = CodingScope.DOCUMENT.value
    return df


def _union_per_group(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Return ``keys`` + codings (rows) and coded_chars (union of [char_start, char_end) per
    group)."""
    if df.empty:
        return pd.DataFrame(
            {k: pd.Series(dtype="int64") for k in [*keys, "codings", "coded_chars"]}
        )
    df = df.sort_values([*keys, "char_start"])
    gid = df.groupby(keys, sort=False).ngroup().to_numpy()
    start = df["char_start"].to_numpy(dtype=np.int64)
    end = df["char_end"].to_numpy(dtype=np.int64)
    new_group = np.r_[True, gid[1:] != gid[:-1]]
    group = np.cumsum(new_group) - 1
    big = int(end.max()) + 1
    shifted = group * big + end
    prev = np.r_[0, np.maximum.accumulate(shifted)[:-1]] - group * big
    prev[new_group] = 0
    covered = np.maximum(0, end - np.maximum(start, prev))
    firsts = np.flatnonzero(new_group)
    out = df.iloc[firsts][keys].reset_index(drop=True)
    out["codings"] = np.bincount(group)
    out["coded_chars"] = np.bincount(group, weights=covered).astype(np.int64)
    return out


def _case_chars(db, doc_ids, turns: pd.DataFrame) -> pd.Series:
    """Return {case_id: characters of the case's turns} over the documents ``doc_ids`` (their
    ``turns``), plus the whole text of documents a case belongs to without turns of its own."""
    chars = pd.Series(dtype="float64")
    if not turns.empty:
        t = turns[turns["case_id"].notna()]
        chars = (
            (t["char_end"] - t["char_start"]).groupby(t["case_id"].astype("int64")).sum()
        ).astype("float64")
    dc = document_cases(db)
    dc = dc[dc["document_id"].isin([int(d) for d in doc_ids])]
    missing = dc[~dc["case_id"].isin(chars.index)]
    if not missing.empty:
        lengths = _doc_lengths(db, missing["document_id"].unique())
        extra = missing.assign(chars=missing["document_id"].map(lengths).fillna(0))
        chars = pd.concat([chars, extra.groupby("case_id")["chars"].sum().astype("float64")])
    return chars


def code_case_frame(
    db: sqlite_utils.Database, scope: Scope | None = None, /, **filters
) -> pd.DataFrame:
    """Return long rows code_id, code_path, color, case_id, case_name, codings, coded_chars,
    case_chars, percent, over the scope.

    Each coding counts for the case the case rule gives it (``coding.span_cases``: the speaker's
    case for a span in a turn, the document's cases otherwise). ``codings`` counts every coding,
    or each coded segment once when the scope's count is 'segments' ('auto': segments in a team
    project). ``percent`` is coded characters (union) over the characters of the case's turns
    (whole-case codings count as all of them).
    """
    scope = Scope.of(scope, **filters)
    mode = count_mode(db, scope)
    docs = scope_documents(db, scope)
    spans = _coded_spans(db, scope, docs)
    doc_ids = sorted(set(spans["document_id"].astype(int)) | set(docs or ()))
    turns = turns_frame(db, doc_ids)
    spans = exploded_cases(db, spans.reset_index(drop=True), turns)
    if mode == "segments":
        spans = spans.drop_duplicates(
            ["code_id", "case_id", "document_id", "char_start", "char_end"]
        )
    per = _union_per_group(spans, ["code_id", "case_id", "document_id"])
    out = per.groupby(["code_id", "case_id"], as_index=False)[["codings", "coded_chars"]].sum()
    case_chars = _case_chars(db, doc_ids, turns)
    whole = _case_codings(db, scope)
    if not whole.empty:
        if mode == "segments":
            whole = whole.assign(codings=1)
        whole = whole.assign(coded_chars=whole["case_id"].map(case_chars).fillna(0))
        out = (
            pd.concat([out, whole])
            .groupby(["code_id", "case_id"], as_index=False)[["codings", "coded_chars"]]
            .sum()
        )
    allowed = scope_cases(db, scope)
    if allowed is not None:
        out = out[out["case_id"].isin(allowed)]
    out = out.astype({"code_id": "int64", "case_id": "int64", "codings": "int64"})
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
    ].reset_index(drop=True)


def code_document_frame(
    db: sqlite_utils.Database, scope: Scope | None = None, /, **filters
) -> pd.DataFrame:
    """Return long rows code_id, code_path, document_id, document_title, codings, coded_chars,
    document_chars, percent over the scope's span and whole-document codings (the documents the
    scope allows, as ``frequencies(by='document')`` counts them; each coded segment once when the
    count resolves to 'segments')."""
    scope = Scope.of(scope, **filters)
    spans = _coded_spans(db, scope, scope_documents(db, scope))
    if count_mode(db, scope) == "segments":
        spans = spans.drop_duplicates(["code_id", "document_id", "char_start", "char_end"])
    out = _union_per_group(spans, ["code_id", "document_id"])
    out = out.astype({"code_id": "int64", "document_id": "int64", "codings": "int64"})
    lengths = _doc_lengths(db, out["document_id"].unique())
    out["document_chars"] = out["document_id"].map(lengths).fillna(0).astype("int64")
    out["percent"] = (
        (100 * out["coded_chars"] / out["document_chars"].where(out["document_chars"] > 0))
        .clip(upper=100)
        .round(2)
    )
    out["document_title"] = out["document_id"].map(document_titles(db, out["document_id"].tolist()))
    out["code_path"] = out["code_id"].map(code_paths(db))
    return out[
        [
            "code_id",
            "code_path",
            "document_id",
            "document_title",
            "codings",
            "coded_chars",
            "document_chars",
            "percent",
        ]
    ].reset_index(drop=True)


def code_case_matrix(
    db: sqlite_utils.Database, value: str = "codings", scope: Scope | None = None, **filters
) -> pd.DataFrame:
    """Return a code path x case name matrix of ``value`` ('codings', 'coded_chars', 'percent', or
    'present' 0/1)."""
    long = code_case_frame(db, scope, **filters)
    if long.empty:
        return pd.DataFrame()
    if value == "present":
        long = long.assign(present=(long["codings"] > 0).astype(int))
    m = long.pivot_table(
        index="code_path", columns="case_name", values=value, aggfunc="sum", fill_value=0
    )
    return m.reindex([p for p in code_paths(db).values() if p in m.index])


def code_attribute_matrix(
    db: sqlite_utils.Database,
    attribute: str,
    value: str = "codings",
    scope: Scope | None = None,
    **filters,
) -> pd.DataFrame:
    """Return a code path x attribute value matrix: codings or coded_chars summed, percent of those
    cases' text."""
    long = code_case_frame(db, scope, **filters)
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


def _overlap_pairs(db, scope: Scope, documents, once: bool = False) -> pd.DataFrame:
    """Return x, y, n: overlapping coding pairs per (code, other code), each pair once.

    Rows stream sorted by (document, start) from the covering index; every overlapping pair has one
    coding starting inside the other, so for each coding the partners are the next rows up to the
    first that starts at or after its end (a binary search), expanded with numpy.
    """
    a = _intervals(db, "codings_doc_cover", "c.document_id, c.char_start", scope, documents)
    if len(a) == 0:
        return pd.DataFrame({"x": [], "y": [], "n": []})
    if once:  # one row per coded segment: several coders' codings of one span count once
        a = np.unique(a, axis=0)
        a = a[np.lexsort((a[:, 2], a[:, 1]))]
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
    scope: Scope | None = None,
    /,
    mode: str = "overlap",
    **filters,
) -> pd.DataFrame:
    """Return a symmetric code path x code path matrix over the scope: overlapping coding pairs
    (each coded segment once when the count resolves to 'segments'), or units
    ('paragraph'/'turn') shared."""
    scope = Scope.of(scope, **filters)
    docs = scope_documents(db, scope)
    if mode == "overlap":
        once = count_mode(db, scope) == "segments"
        pairs = _overlap_pairs(db, scope, docs, once)
    elif mode in ("paragraph", "turn"):
        pairs = _unit_pairs(db, scope, docs, mode)
    else:
        raise CodingError("mode must be 'overlap', 'paragraph' or 'turn'")
    paths = code_paths(db)
    if scope.codes is not None:
        ids = code_ids(db, scope.codes, scope.children)
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
    scope: Scope | None = None,
    **filters,
) -> pd.DataFrame:
    """Return codings, coded characters and coded words per code, or per code and
    document/case/attribute value (``attribute`` names the attribute), over the scope's span and
    whole-document codings.

    Cases come from the case rule (``coding.span_cases``). The scope's count 'segments' counts a
    segment coded by several coders once, 'codings' counts every coding, 'auto' picks segments in
    a team project.
    """
    if by not in FREQUENCY_BY:
        raise CodingError(f"by must be one of {', '.join(FREQUENCY_BY)}")
    scope = Scope.of(scope, **filters)
    mode = count_mode(db, scope)
    per = _coded_spans(db, scope, scope_documents(db, scope))
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
    span_key = ["code_id", "document_id", "char_start", "char_end"]
    if by == "document":
        keys.append("document_id")
    elif by in ("case", "attribute"):
        per = exploded_cases(db, per.reset_index(drop=True))
        allowed = scope_cases(db, scope)
        if allowed is not None:
            per = per[per["case_id"].isin(allowed)]
        keys.append("case_name")
        span_key.append("case_id")
        if by == "attribute":
            if not attribute:
                raise CodingError("frequencies by attribute needs the attribute's name")
            attrs = case_attributes(db, attribute)
            per = per.merge(attrs[["case_id", attribute]], on="case_id", how="left")
            keys[-1] = attribute
    if mode == "segments":
        per = per.drop_duplicates(span_key)
    out = per.groupby(keys, as_index=False)[["codings", "coded_chars", "coded_words"]].sum()
    out.insert(1, "code_path", out["code_id"].map(paths))
    return out.sort_values(["code_path", *keys[1:]]).reset_index(drop=True)


def _unit_pairs(db, scope: Scope, docs, mode: str) -> pd.DataFrame:
    """Return x, y, n: units ('paragraph' or 'turn' segments) holding codings of both codes."""
    spans = _coded_spans(db, scope, docs)
    units: dict[int, set] = {}
    for doc_id, g in spans.groupby("document_id"):
        segs = get_segments(db, int(doc_id))
        segs = segs[(segs["kind"] == "turn") if mode == "turn" else (segs["kind"] != "turn")]
        if segs.empty:
            continue
        s_start = segs["char_start"].to_numpy()
        s_end = segs["char_end"].to_numpy()
        seg_ids = segs["id"].to_numpy()
        for code, a, b in zip(g["code_id"], g["char_start"], g["char_end"]):
            hit = seg_ids[(s_start < b) & (s_end > a)]
            for unit in hit:
                units.setdefault(int(unit), set()).add(int(code))
    counts: dict[tuple[int, int], int] = {}
    for codes in units.values():
        for x, y in itertools.combinations(sorted(codes), 2):
            counts[(x, y)] = counts.get((x, y), 0) + 1
    return pd.DataFrame(
        [(x, y, n) for (x, y), n in counts.items()], columns=["x", "y", "n"], dtype="int64"
    )
