"""The evidence table: one row per coded segment, with everything a paper's quote needs.

Columns (EVIDENCE_COLUMNS, then ``level_1`` .. ``level_N`` for the code path split by level, then
one column per case attribute when the project has cases):

- ``coding_id``, ``code_id``, ``code_path`` ('Parent > Child'), ``document_id``, ``document_title``,
  ``document_kind`` ('policy' | 'interview' | 'other'), ``case_id``, ``case_name``, ``speaker``,
  ``page`` (PDF page of the quote's start, or None), ``t_start`` and ``t_end`` (seconds into the
  recording where the quote starts and ends, ``interviews.span_times``: its words' times when the
  transcript has them, else its first turn's start and its last turn's end, or None), ``timestamp``
  ('00:12:31' or ''), ``time_range`` ('00:12:31-00:12:58', the start alone when the end is not
  known, '' for an untimed quote), ``turn_no`` (the quote's turn in its transcript, or
  None), ``line`` (line of the document's text where the quote starts), ``char_start``,
  ``char_end``, ``quote`` (the coded span, character for character), ``context`` (only filled when
  ``context`` is asked for), ``memo``, ``coder``, ``created_at``, ``citation`` (the project's
  citation template filled in: 'Expert 3, interview 2, turn 14, 00:03:44-00:04:02', 'Policy brief,
  p. 12').

Case, speaker, turn and time come from coding's one case rule (``coding.span_cases``), the same
rule the matrices, frequencies and retrieval use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlite_utils

from coding import CodingScope, Scope, code_paths, codings_frame, scope_cases, span_cases
from corpus import get_pages, get_segments, get_text, list_documents
from interviews import case_attributes_frame, cases_frame, span_times, turns_frame

from .citations import citation_fields, citation_template, citations
from .errors import ExportError

EVIDENCE_COLUMNS = [
    "coding_id",
    "code_id",
    "code_path",
    "document_id",
    "document_title",
    "document_kind",
    "case_id",
    "case_name",
    "speaker",
    "page",
    "t_start",
    "t_end",
    "timestamp",
    "time_range",
    "turn_no",
    "line",
    "char_start",
    "char_end",
    "quote",
    "context",
    "memo",
    "coder",
    "created_at",
    "citation",
]


def format_timestamp(seconds: float | None) -> str:
    """Return '00:12:31' for 751.4 seconds, '' for None/NaN."""
    if seconds is None or pd.isna(seconds):
        return ""
    total = int(float(seconds))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def format_time_range(t_from: float | None, t_to: float | None) -> str:
    """Return '00:03:44-00:04:02' (whole seconds, as the transcript's labels show them), the start
    alone when the end is unknown or the same second, '' when the start is unknown."""
    start = format_timestamp(t_from)
    end = format_timestamp(t_to)
    return f"{start}-{end}" if start and end and end != start else start


def _nullable_int(s: pd.Series) -> pd.Series:
    """Return ``s`` as pandas' nullable Int64 (so CSV shows 12, not 12.0, and missing stays
    empty)."""
    return pd.Series(
        pd.array([None if v is None or pd.isna(v) else int(v) for v in s], dtype="Int64"),
        index=s.index,
    )


def _as_list(value) -> list | None:
    if value is None:
        return None
    if isinstance(value, (str, int)):
        return [value]
    return list(value)


def _empty(levels: int = 0) -> pd.DataFrame:
    cols = EVIDENCE_COLUMNS + [f"level_{i}" for i in range(1, levels + 1)]
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})


def _attach_pages(df: pd.DataFrame, db: sqlite_utils.Database) -> pd.Series:
    pages = []
    for doc_id in df["document_id"].unique():
        p = get_pages(db, int(doc_id))
        if not p.empty:
            p["document_id"] = int(doc_id)
            pages.append(p)
    if not pages:
        return pd.Series([None] * len(df), index=df.index, dtype="object")
    allp = pd.concat(pages).rename(
        columns={"char_start": "p_start", "char_end": "p_end", "number": "page"}
    )
    return _lookup(df, allp, "p_start", "p_end", ["page"])["page"]


def _lookup(
    df: pd.DataFrame, ranges: pd.DataFrame, start: str, end: str, cols: list[str]
) -> pd.DataFrame:
    """For each row of df, the columns ``cols`` of the range holding its char_start (same document);
    when no range holds the start (e.g. a quote that begins on a speaker label), the first range
    inside the quote."""
    left = pd.DataFrame(
        {
            "document_id": df["document_id"].astype("int64").to_numpy(),
            "_s": df["char_start"].astype("int64").to_numpy(),
            "_e": df["char_end"].astype("int64").to_numpy(),
            "_row": range(len(df)),
        }
    )
    right = pd.DataFrame(
        {
            "document_id": ranges["document_id"].astype("int64").to_numpy(),
            "_rs": ranges[start].astype("int64").to_numpy(),
            "_re": ranges[end].astype("float64").to_numpy(),
            **{c: ranges[c].to_numpy() for c in cols},
        }
    )
    left, right = left.sort_values("_s"), right.sort_values("_rs")
    back = pd.merge_asof(
        left, right, left_on="_s", right_on="_rs", by="document_id", direction="backward"
    )
    ahead = pd.merge_asof(
        left, right, left_on="_s", right_on="_rs", by="document_id", direction="forward"
    )
    holds = back["_rs"].notna() & (back["_s"] < back["_re"])
    inside = ahead["_rs"].notna() & (ahead["_rs"].astype("float64") < ahead["_e"])
    out = pd.DataFrame({"_row": back["_row"]})
    for c in cols:
        out[c] = (
            back[c].astype("object").where(holds, ahead[c].astype("object").where(inside, None))
        )
    out = out.sort_values("_row")
    out.index = df.index
    return out[cols]


def _contexts(
    df: pd.DataFrame, db: sqlite_utils.Database, context, turns: pd.DataFrame
) -> list[str]:
    out: list[str] = []
    texts: dict[int, str] = {}
    units: dict[int, list[tuple[int, int]]] = {}
    for doc_id, s, e in df[["document_id", "char_start", "char_end"]].itertuples(index=False):
        doc_id, s, e = int(doc_id), int(s), int(e)
        if doc_id not in texts:
            texts[doc_id] = get_text(db, doc_id)
        text = texts[doc_id]
        if context == "unit":
            if doc_id not in units:
                t = turns[turns["document_id"] == doc_id]
                rng = list(zip(t["char_start"].astype(int), t["char_end"].astype(int)))
                if not rng:
                    seg = get_segments(db, doc_id)
                    rng = list(zip(seg["char_start"].astype(int), seg["char_end"].astype(int)))
                units[doc_id] = rng
            hits = [(a, b) for a, b in units[doc_id] if a < e and b > s] or [(s, e)]
            a, b = min(min(h[0] for h in hits), s), max(max(h[1] for h in hits), e)
        else:
            n = int(context)
            a, b = max(0, s - n), min(len(text), e + n)
        out.append(text[a:b])
    return out


def evidence_table(
    db: sqlite_utils.Database,
    scope: Scope | None = None,
    /,
    context: int | str | None = None,
    template: str | None = None,
    **filters,
) -> pd.DataFrame:
    """Return one row per coded span in the scope (EVIDENCE_COLUMNS + level_N + attribute
    columns), by code path then case.

    The scope (``coding.Scope``) says which codings count; for scripts its filters may come as
    keywords: ``codes`` ids or 'A > B' paths (with their sub-codes unless ``children=False``: the
    evidence default is with children), ``cases`` ids or names, ``attributes`` {attribute: value
    or list of values} on case attributes, ``coders``, ``documents``, and
    ``include_old_versions`` (only current document versions are used unless it is set: an older
    version may be the original of a pseudonymised transcript). ``context`` None, a number of
    characters either side, or 'unit' (the whole turn or paragraph around the quote).
    ``template`` is a citation template (``exports.citations``; the project's own when None).
    """
    if (
        context is not None
        and context != "unit"
        and (not str(context).isdigit() or int(context) < 0)
    ):
        raise ExportError(
            f"context must be None, a number of characters or 'unit', not {context!r}"
        )
    scope = evidence_scope(db, scope, **filters)
    paths = code_paths(db, include_deleted=True)
    depth = max((p.count(" > ") + 1 for p in paths.values()), default=0)
    df = _span_codings(db, scope)
    if df.empty:
        return _empty(depth)
    turns = turns_frame(db, document_ids=sorted(df["document_id"].unique().tolist()))
    found = _attach_speakers_and_cases(df, db)
    df["page"] = _nullable_int(_attach_pages(df, db))
    times = span_times(db, df).astype(object)
    df["t_start"], df["t_end"] = (
        times[c].where(times[c].notna(), None) for c in ("t_from", "t_to")
    )
    df["timestamp"] = df["t_start"].map(format_timestamp)
    df["time_range"] = [format_time_range(a, b) for a, b in zip(df["t_start"], df["t_end"])]
    df["line"] = _nullable_int(_lines(df, db))
    df["context"] = _contexts(df, db, context, turns) if context is not None else ""
    fields = citation_fields(df, list_documents(db, include_old=True), df["line"])
    df["citation"] = citations(template or citation_template(db), fields)
    allowed = scope_cases(db, scope)
    if allowed is not None:
        keep = found["case_ids"].reindex(df.index).map(lambda t: bool(set(t or ()) & allowed))
        df = df[keep.astype(bool)]
    df = _with_attributes(df, db)
    levels = df["code_path"].str.split(" > ")
    for i in range(depth):
        df[f"level_{i + 1}"] = levels.map(lambda parts, i=i: parts[i] if i < len(parts) else "")
    df = df.sort_values(
        ["code_path", "case_name", "document_title", "char_start", "coding_id"],
        na_position="last",
        key=lambda s: s.str.lower() if s.dtype == object and s.name != "case_name" else s,
    )
    ordered = EVIDENCE_COLUMNS + [f"level_{i + 1}" for i in range(depth)]
    return df[ordered + [c for c in df.columns if c not in ordered]].reset_index(drop=True)


def _span_codings(db: sqlite_utils.Database, scope: Scope) -> pd.DataFrame:
    """Return the span codings in the scope with their document's title and kind (empty if
    none)."""
    raw = codings_frame(db, scope)
    raw = raw[(raw["scope"] == CodingScope.SPAN) & raw["document_id"].notna()].copy()
    if raw.empty:
        return raw
    raw["document_id"] = raw["document_id"].astype("int64")
    docs = list_documents(db, include_old=True).set_index("id")
    return pd.DataFrame(
        {
            "coding_id": raw["coding_id"].astype("int64"),
            "code_id": raw["code_id"].astype("int64"),
            "code_path": raw["code_path"],
            "document_id": raw["document_id"],
            "document_title": raw["document_id"].map(docs["title"]),
            "document_kind": raw["document_id"].map(docs["kind"]),
            "char_start": raw["char_start"].astype("int64"),
            "char_end": raw["char_end"].astype("int64"),
            "quote": raw["text"],
            "memo": raw["memo"],
            "coder": raw["coder"],
            "created_at": raw["created_at"],
        }
    ).reset_index(drop=True)


def _attach_speakers_and_cases(df: pd.DataFrame, db: sqlite_utils.Database) -> pd.DataFrame:
    """Fill speaker, turn_no, t_start, case_id and case_name from the case rule; return its
    frame (with ``case_ids``, every case of each row)."""
    found = span_cases(db, df)
    df["speaker"], df["t_start"] = found["speaker"], found["t_start"]
    df["turn_no"] = _nullable_int(found["turn_no"])
    df["case_id"] = _nullable_int(found["case_id"])
    df["case_name"] = found["case_name"]
    for col in ("case_name", "speaker"):
        df[col] = df[col].astype("object").where(df[col].notna(), None)
    return found


def _lines(df: pd.DataFrame, db: sqlite_utils.Database) -> pd.Series:
    """Return the 1-based line of each quote's start in its document's text."""
    out = pd.Series([None] * len(df), index=df.index, dtype="object")
    for doc_id, idx in df.groupby("document_id").groups.items():
        text = get_text(db, int(doc_id))
        breaks = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32) == 10
        newlines = np.flatnonzero(breaks)
        starts = df.loc[idx, "char_start"].to_numpy(dtype=np.int64)
        out.loc[idx] = np.searchsorted(newlines, starts, side="left") + 1
    return out


def evidence_scope(db: sqlite_utils.Database, scope: Scope | None = None, **filters) -> Scope:
    """Return the scope of an evidence table, built once: ``scope`` with keyword ``filters``
    folded in (cases may be names; children by default; ``include_old_versions`` as
    versions='all'). The table, the report and the downloads all take it."""
    filters = dict(filters)
    if scope is None:
        filters.setdefault("children", True)
    if filters.pop("include_old_versions", False):
        filters["versions"] = "all"
    for key in ("codes", "coders"):
        if key in filters:
            filters[key] = _as_list(filters[key])
    if filters.get("cases") is not None:
        filters["cases"] = _case_ids(db, filters["cases"])
    attributes = filters.get("attributes") or {}
    known = case_attributes_frame(db).columns
    for attr in attributes:
        if attr not in known:
            raise ExportError(f"no case attribute called {attr!r}")
    return Scope.of(scope, **filters)


def _case_ids(db, cases) -> list[int]:
    """Return the ids of the cases named or numbered in ``cases``."""
    wanted = _as_list(cases)
    named = {str(c).casefold() for c in wanted}
    all_cases = cases_frame(db)
    ids = {int(c) for c in wanted if isinstance(c, int) or str(c).isdigit()}
    ids |= {
        int(i) for i, n in zip(all_cases["case_id"], all_cases["name"]) if n.casefold() in named
    }
    return sorted(ids)


def _with_attributes(df: pd.DataFrame, db: sqlite_utils.Database) -> pd.DataFrame:
    """Add one column per case attribute (the scope has already kept the rows of its cases)."""
    attrs = case_attributes_frame(db)
    attr_cols = [c for c in attrs.columns if c not in ("case_id", "case_name")]
    if attr_cols:
        attrs = attrs.drop_duplicates("case_id").set_index("case_id")
        for col in attr_cols:
            name = (
                col
                if col not in EVIDENCE_COLUMNS and not col.startswith("level_")
                else f"attribute {col}"
            )
            df[name] = df["case_id"].map(
                lambda cid, c=col: attrs[c].get(int(cid)) if pd.notna(cid) else None
            )
    return df


def unique_quotes(df: pd.DataFrame) -> pd.DataFrame:
    """Return the evidence with one row per code and span: rows of several coders on the same span
    merge, their coders joined ('ana, ben') and distinct memos joined by blank lines.  Used by the
    document writers."""
    if df.empty:
        return df
    key = ["code_path", "document_id", "char_start", "char_end"]
    dup = df.duplicated(key, keep=False)
    if not dup.any():
        return df
    multi = df[dup]
    first = multi.drop_duplicates(key).copy()
    groups = multi.groupby(key, sort=False)
    coders = groups["coder"].agg(
        lambda s: ", ".join(sorted({str(v) for v in s if isinstance(v, str)}))
    )
    memos = groups["memo"].agg(
        lambda s: "\n\n".join(dict.fromkeys(v for v in s if isinstance(v, str) and v)) or None
    )
    idx = pd.MultiIndex.from_frame(first[key])
    first["coder"] = coders.reindex(idx).to_numpy()
    first["memo"] = memos.reindex(idx).to_numpy()
    return pd.concat([df[~dup], first]).sort_index()
