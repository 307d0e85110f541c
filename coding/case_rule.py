"""The one rule that says which case a coding belongs to; every view (evidence, matrices,
frequencies, retrieval, agreement, exports, reports) asks it.

- A span inside a speaker's turn belongs to that speaker's case (the interviewer's turn to the
  interviewer's case), or to no case when the speaker has none.
- A span that crosses turns belongs to the turn where it starts: a quote is cited as its first
  speaker's words. A span starting outside every turn (on a speaker label between turns) belongs
  to the first turn that begins inside it.
- A span outside every turn, and a whole-document coding, belongs to the document's cases (its
  interviewees' cases; none for a document without interviewees).
- A whole-case coding belongs to its case.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlite_utils

from interviews import document_cases, turns_frame

from .case_data import case_names

CASE_COLUMNS = [
    "turn_no",
    "speaker",
    "t_start",
    "t_end",
    "case_id",
    "case_name",
    "case_ids",
]


def _turn_lookup(spans: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """Return, per span (same index), the row number in ``turns`` of its turn, or -1.

    The turn holding the span's start, else the first turn beginning inside the span."""
    out = np.full(len(spans), -1, dtype=np.int64)
    if turns.empty or spans.empty:
        return pd.Series(out, index=spans.index)
    t_doc = turns["document_id"].to_numpy(dtype=np.int64)
    t_start = turns["char_start"].to_numpy(dtype=np.int64)
    t_end = turns["char_end"].to_numpy(dtype=np.int64)
    order = np.lexsort((t_start, t_doc))
    t_doc, t_start, t_end = t_doc[order], t_start[order], t_end[order]
    big = int(max(t_end.max(), spans["char_end"].max())) + 2
    keys = t_doc * big + t_start
    s_doc = spans["document_id"].to_numpy(dtype=np.int64)
    s_start = spans["char_start"].to_numpy(dtype=np.int64)
    s_end = spans["char_end"].to_numpy(dtype=np.int64)
    q = s_doc * big + s_start
    back = np.searchsorted(keys, q, side="right") - 1
    ok_back = (back >= 0) & (t_doc[np.maximum(back, 0)] == s_doc)
    holds = ok_back & (s_start < t_end[np.maximum(back, 0)])
    ahead = np.searchsorted(keys, q, side="left")
    ahead_c = np.minimum(ahead, len(keys) - 1)
    inside = (ahead < len(keys)) & (t_doc[ahead_c] == s_doc) & (t_start[ahead_c] < s_end)
    out = np.where(holds, order[np.maximum(back, 0)], np.where(inside, order[ahead_c], -1))
    return pd.Series(out, index=spans.index)


def span_cases(db: sqlite_utils.Database, spans: pd.DataFrame) -> pd.DataFrame:
    """Return CASE_COLUMNS for each row of ``spans`` (same index) under the case rule above.

    ``spans`` has document_id, char_start, char_end and optionally ``scope`` ('span', 'document',
    'case') and ``case_id`` (the case of a whole-case coding). ``case_ids`` is the tuple of every
    case the span belongs to (several for a span outside turns in a group interview);
    ``case_id``/``case_name`` are the first of them (names joined by ', ' when several), None when
    none.
    """
    out = pd.DataFrame(index=spans.index, columns=CASE_COLUMNS, dtype=object)
    if spans.empty:
        out["case_ids"] = pd.Series(dtype=object)
        return out
    scope = spans["scope"] if "scope" in spans else pd.Series("span", index=spans.index)
    has_doc = spans["document_id"].notna() & (scope != "case")
    located = spans[has_doc & (scope == "span")]
    doc_ids = sorted(spans.loc[has_doc, "document_id"].astype("int64").unique().tolist())
    turns = turns_frame(db, doc_ids) if doc_ids else pd.DataFrame()
    found = _turn_lookup(
        located.astype({"document_id": "int64", "char_start": "int64", "char_end": "int64"}),
        turns,
    )
    by_doc: dict[int, tuple[int, ...]] = {}
    for doc_id, case_id in document_cases(db)[["document_id", "case_id"]].itertuples(index=False):
        by_doc.setdefault(int(doc_id), ())
        by_doc[int(doc_id)] += (int(case_id),)
    names = case_names(db)
    ids: list[tuple[int, ...]] = []
    cols = {c: [None] * len(spans) for c in ("turn_no", "speaker", "t_start", "t_end")}
    turn_rows = turns.to_dict("records") if not turns.empty else []
    for i, (idx, doc_id, sc) in enumerate(zip(spans.index, spans["document_id"], scope)):
        if sc == "case":
            cid = spans.at[idx, "case_id"] if "case_id" in spans else None
            ids.append(() if cid is None or pd.isna(cid) else (int(cid),))
            continue
        if doc_id is None or pd.isna(doc_id):
            ids.append(())
            continue
        row = int(found.get(idx, -1)) if sc == "span" else -1
        if row >= 0:
            t = turn_rows[row]
            cols["turn_no"][i] = int(t["turn_no"])
            cols["speaker"][i] = t["speaker"]
            cols["t_start"][i] = t["t_start"]
            cols["t_end"][i] = t["t_end"]
            cid = t["case_id"]
            ids.append(() if cid is None or pd.isna(cid) else (int(cid),))
        else:
            ids.append(by_doc.get(int(doc_id), ()))
    for c, values in cols.items():
        out[c] = pd.Series(values, index=spans.index, dtype=object)
    out["case_ids"] = pd.Series(ids, index=spans.index, dtype=object)
    out["case_id"] = pd.array([t[0] if t else None for t in ids], dtype="Int64")
    out["case_name"] = [", ".join(names.get(c, str(c)) for c in t) if t else None for t in ids]
    return out


def exploded_cases(db: sqlite_utils.Database, spans: pd.DataFrame) -> pd.DataFrame:
    """Return ``spans`` with one row per (span, case) under the case rule: columns of ``spans``
    plus case_id (int) and case_name; spans of no case are left out."""
    found = span_cases(db, spans)
    df = spans.assign(case_id=found["case_ids"]).explode("case_id")
    df = df[df["case_id"].notna()].copy()
    df["case_id"] = df["case_id"].astype("int64")
    df["case_name"] = df["case_id"].map(case_names(db))
    return df


def case_documents(db: sqlite_utils.Database, case_ids) -> set[int]:
    """Return the documents (all versions) where one of ``case_ids`` speaks or is a document
    case."""
    wanted = {int(c) for c in case_ids}
    dc = document_cases(db)
    docs = set(dc.loc[dc["case_id"].isin(wanted), "document_id"].astype(int))
    turns = turns_frame(db)
    if not turns.empty:
        hit = turns["case_id"].notna() & turns["case_id"].isin(wanted)
        docs |= set(turns.loc[hit, "document_id"].astype(int))
    return docs
