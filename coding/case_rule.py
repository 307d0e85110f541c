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
from .states import CodingScope

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


def _resolve(db: sqlite_utils.Database, spans: pd.DataFrame, turns: pd.DataFrame | None = None):
    """Return (turns, turn row per span or -1, pairs): ``pairs`` is a frame of (pos, case_id), the
    position of a span in ``spans`` and one case it belongs to, by the case rule. ``turns`` (a
    turns_frame holding every document of ``spans``) saves reading them again."""
    n = len(spans)
    scope = (
        spans["scope"].astype(object).to_numpy()
        if "scope" in spans
        else np.full(n, CodingScope.SPAN.value, dtype=object)
    )
    doc = pd.to_numeric(spans["document_id"], errors="coerce").to_numpy(dtype="float64")
    has_doc = ~np.isnan(doc) & (scope != CodingScope.CASE)
    is_span = has_doc & (scope == CodingScope.SPAN)
    doc_ids = sorted({int(d) for d in doc[has_doc]})
    if turns is None:
        turns = turns_frame(db, doc_ids) if doc_ids else pd.DataFrame(columns=["document_id"])
    row = np.full(n, -1, dtype=np.int64)
    if is_span.any() and not turns.empty:
        located = pd.DataFrame(
            {
                "document_id": doc[is_span].astype(np.int64),
                "char_start": spans["char_start"].to_numpy()[is_span].astype(np.int64),
                "char_end": spans["char_end"].to_numpy()[is_span].astype(np.int64),
            }
        )
        row[is_span] = _turn_lookup(located, turns).to_numpy()
    pos = np.arange(n)
    parts = []
    in_turn = row >= 0
    if in_turn.any():
        tcase = pd.to_numeric(turns["case_id"], errors="coerce").to_numpy(dtype="float64")
        c = tcase[row[in_turn]]
        ok = ~np.isnan(c)
        parts.append(pd.DataFrame({"pos": pos[in_turn][ok], "case_id": c[ok].astype(np.int64)}))
    fallback = has_doc & ~in_turn
    if fallback.any():
        dc = document_cases(db)[["document_id", "case_id"]].astype("int64")
        left = pd.DataFrame({"pos": pos[fallback], "document_id": doc[fallback].astype(np.int64)})
        parts.append(left.merge(dc, on="document_id")[["pos", "case_id"]])
    whole = scope == CodingScope.CASE
    if whole.any() and "case_id" in spans:
        c = pd.to_numeric(spans["case_id"], errors="coerce").to_numpy(dtype="float64")[whole]
        ok = ~np.isnan(c)
        parts.append(pd.DataFrame({"pos": pos[whole][ok], "case_id": c[ok].astype(np.int64)}))
    pairs = (
        pd.concat(parts, ignore_index=True).sort_values(["pos", "case_id"], kind="stable")
        if parts
        else pd.DataFrame({"pos": pd.Series(dtype="int64"), "case_id": pd.Series(dtype="int64")})
    )
    return turns, row, pairs


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
    turns, row, pairs = _resolve(db, spans)
    in_turn = row >= 0
    for col, src in (
        ("turn_no", "turn_no"),
        ("speaker", "speaker"),
        ("t_start", "t_start"),
        ("t_end", "t_end"),
    ):
        values = np.full(len(spans), None, dtype=object)
        if in_turn.any():
            taken = turns[src].to_numpy(dtype=object)[row[in_turn]]
            values[in_turn] = [None if v is None or pd.isna(v) else v for v in taken]
        out[col] = pd.Series(values, index=spans.index, dtype=object)
    out["turn_no"] = out["turn_no"].map(lambda v: None if v is None else int(v)).astype(object)
    names = case_names(db)
    ids: list[tuple[int, ...]] = [()] * len(spans)
    for p, c in zip(pairs["pos"].to_numpy().tolist(), pairs["case_id"].to_numpy().tolist()):
        ids[p] = (*ids[p], c)
    out["case_ids"] = pd.Series(ids, index=spans.index, dtype=object)
    out["case_id"] = pd.array([t[0] if t else None for t in ids], dtype="Int64")
    out["case_name"] = pd.Series(
        [", ".join(names.get(c, str(c)) for c in t) if t else None for t in ids],
        index=spans.index,
        dtype=object,
    )
    return out


def exploded_cases(
    db: sqlite_utils.Database, spans: pd.DataFrame, turns: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return ``spans`` with one row per (span, case) under the case rule: columns of ``spans``
    plus case_id (int) and case_name; spans of no case are left out. ``turns`` as in
    ``_resolve``."""
    if spans.empty:
        return spans.assign(case_id=pd.Series(dtype="int64"), case_name=pd.Series(dtype=object))
    _turns, _row, pairs = _resolve(db, spans, turns)
    df = spans.iloc[pairs["pos"].to_numpy()].copy()
    df["case_id"] = pairs["case_id"].to_numpy()
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
