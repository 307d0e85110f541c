"""Framework matrices, the core of framework analysis (NVivo's framework matrices): rows are cases,
documents or the values of a case attribute; columns are codes, each alone or gathering its
sub-codes; a cell holds its codings and the researcher's summary (a memo on the cell:
``coding.set_cell_summary``, ``coding.cell_summaries``).

Counts come from the same functions as the code x case view (``code_case_frame``) and the
per-document counts (``code_document_frame``), over the one ``Scope``: same codes, coders,
documents, cases, attributes and count mode, so a cell never disagrees with another view. A
column with children counts the codings of the code and of each sub-code (a span coded with both
counts twice, as retrieval with children lists it twice).
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from corpus import list_documents
from interviews import cases_frame

from .case_data import case_attributes
from .case_rule import exploded_cases
from .cell_rows import NO_VALUE, first_version, parse_rows, row_key, value_label
from .codes import code_ids, code_paths, descendants
from .codings import codings_frame
from .matrices import code_case_frame, code_document_frame
from .memos import cell_summaries
from .scope import Scope, scope_cases, scope_documents

FRAMEWORK_COLUMNS = [
    "row_key",
    "row_label",
    "code_id",
    "code_path",
    "codings",
    "coded_chars",
    "cases",
    "coding_ids",
]
ROW_COLUMNS = ["row_key", "row_label"]
CODE_COLUMNS = ["code_id", "code_path", "sources"]


def framework_codes(db: sqlite_utils.Database, scope: Scope) -> pd.DataFrame:
    """Return the columns of a framework matrix (CODE_COLUMNS): the scope's codes as chosen (every
    code, or every top-level code when ``children``), each with the code ids it counts
    (``sources``: itself, or itself and its active sub-codes)."""
    paths = code_paths(db)
    if scope.codes is None:
        ids = [i for i, p in paths.items() if not scope.children or " > " not in p]
    else:
        ids = [i for i in code_ids(db, scope.codes, False) if i in paths]
    rows = [
        (cid, paths[cid], tuple(descendants(db, cid)) if scope.children else (cid,)) for cid in ids
    ]
    return pd.DataFrame(rows, columns=CODE_COLUMNS)


def framework_rows(db: sqlite_utils.Database, scope: Scope, rows: str = "case") -> pd.DataFrame:
    """Return the rows of a framework matrix (ROW_COLUMNS) in reading order: every case the scope
    allows (by name), every current document it allows (by title), or every value its cases have
    for the attribute (then '(none)')."""
    kind, attribute = parse_rows(rows)
    allowed = scope_cases(db, scope)
    if kind == "case":
        cases = cases_frame(db)
        if allowed is not None:
            cases = cases[cases["case_id"].isin(allowed)]
        keys = [row_key("case", c) for c in cases["case_id"]]
        return pd.DataFrame({"row_key": keys, "row_label": cases["name"].tolist()})
    if kind == "document":
        docs = list_documents(db)
        wanted = scope_documents(db, scope)
        if wanted is not None:
            docs = docs[docs["id"].isin(wanted)]
        keys = [row_key("document", first_version(db, d)) for d in docs["id"]]
        return pd.DataFrame({"row_key": keys, "row_label": docs["title"].tolist()})
    attrs = case_attributes(db, attribute)
    if allowed is not None:
        attrs = attrs[attrs["case_id"].isin(allowed)]
    values = attrs[attribute].dropna()
    labels = list(dict.fromkeys(value_label(v) for v in sorted(values.tolist())))
    if len(values) < len(attrs):
        labels.append(NO_VALUE)
    return pd.DataFrame(
        {"row_key": [f"attribute:{attribute}={v}" for v in labels], "row_label": labels}
    )


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in FRAMEWORK_COLUMNS})


def framework_frame(
    db: sqlite_utils.Database, scope: Scope | None = None, /, rows: str = "case", **filters
) -> pd.DataFrame:
    """Return one row per non-empty cell (FRAMEWORK_COLUMNS): ``codings`` and ``coded_chars`` as
    the code x case view (or the per-document counts) gives them, summed over a column's codes;
    ``cases`` the cases with codings in the cell; ``coding_ids`` the codings behind it (a tuple,
    every coder's). ``rows`` is 'case', 'document' or 'attribute:NAME'."""
    scope = Scope.of(scope, **filters)
    kind, attribute = parse_rows(rows)
    columns = framework_codes(db, scope)
    mapping = pd.DataFrame(
        [(s, c) for c, sources in zip(columns["code_id"], columns["sources"]) for s in sources],
        columns=["code_id", "column_id"],
    ).drop_duplicates()
    if mapping.empty:
        return _empty()
    inner = scope.replace(codes=tuple(sorted(set(mapping["code_id"]))), children=False)
    counts, ids = _cell_counts(db, inner, kind)
    counts = counts.merge(mapping, on="code_id")
    ids = ids.merge(mapping, on="code_id")
    if kind == "attribute":
        attrs = case_attributes(db, attribute).set_index("case_id")[attribute]
        label = {int(c): value_label(v) for c, v in attrs.items()}
        for frame in (counts, ids):
            frame["unit"] = [
                f"attribute:{attribute}={label.get(int(c), NO_VALUE)}" for c in frame["unit"]
            ]
    keys = ["column_id", "unit"]
    out = counts.groupby(keys, as_index=False)[["codings", "coded_chars"]].sum()
    per_cell = ids.groupby(keys)
    out = out.set_index(keys)
    out["coding_ids"] = per_cell["coding_id"].agg(lambda s: tuple(sorted(set(s))))
    out["cases"] = per_cell["case_id"].nunique() if "case_id" in ids else 1
    out = out.reset_index()
    out["coding_ids"] = out["coding_ids"].map(lambda v: v if isinstance(v, tuple) else ())
    out["cases"] = out["cases"].fillna(0).astype("int64")
    out = out[out["codings"] > 0]
    return _finish(db, out, columns, kind)


def _cell_counts(db, inner: Scope, kind: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (code_id, unit, codings, coded_chars) from the shared matrices and (code_id, unit,
    coding_id, case_id) of the codings behind them; the unit is a case id, or a document row
    key."""
    raw = codings_frame(db, inner)
    if kind == "document":
        counts = code_document_frame(db, inner)
        firsts = {int(d): first_version(db, d) for d in counts["document_id"].unique()}
        counts["unit"] = [row_key("document", firsts[int(d)]) for d in counts["document_id"]]
        spans = raw[raw["document_id"].notna()].reset_index(drop=True)
        spans["document_id"] = spans["document_id"].astype("int64")
        for d in spans["document_id"].unique():
            firsts.setdefault(int(d), first_version(db, int(d)))
        spans["unit"] = [row_key("document", firsts[int(d)]) for d in spans["document_id"]]
        cases = exploded_cases(db, spans.drop(columns=["case_id"]))[["coding_id", "case_id"]]
        ids = spans[["code_id", "unit", "coding_id"]].merge(cases, on="coding_id", how="left")
        return counts[["code_id", "unit", "codings", "coded_chars"]], ids
    counts = code_case_frame(db, inner).rename(columns={"case_id": "unit"})
    ids = exploded_cases(db, raw.reset_index(drop=True))
    allowed = scope_cases(db, inner)
    if allowed is not None:
        ids = ids[ids["case_id"].isin(allowed)]
    ids = ids.assign(unit=ids["case_id"].astype("int64"))[
        ["code_id", "unit", "coding_id", "case_id"]
    ]
    return counts[["code_id", "unit", "codings", "coded_chars"]], ids


def _finish(db, out: pd.DataFrame, columns: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Name rows and columns and order cells by row label, then column order."""
    paths = dict(zip(columns["code_id"], columns["code_path"]))
    order = {cid: i for i, cid in enumerate(columns["code_id"])}
    out = out.rename(columns={"column_id": "code_id", "unit": "row_key"})
    if kind == "case":
        names = dict(zip(cases_frame(db)["case_id"], cases_frame(db)["name"]))
        out["row_key"] = [row_key("case", c) for c in out["row_key"]]
        out["row_label"] = [names.get(int(k[5:]), k) for k in out["row_key"]]
    elif kind == "document":
        titles = _document_labels(db)
        out["row_label"] = out["row_key"].map(titles)
    else:
        out["row_label"] = out["row_key"].map(lambda k: k.split("=", 1)[1])
    out["code_path"] = out["code_id"].map(paths)
    out["_order"] = out["code_id"].map(order)
    out = out.sort_values(["row_label", "_order"], key=_casefold)
    out = out.astype({"code_id": "int64", "codings": "int64", "coded_chars": "int64"})
    return out[FRAMEWORK_COLUMNS].reset_index(drop=True)


def _casefold(s: pd.Series) -> pd.Series:
    return s.astype(str).str.casefold() if s.dtype == object else s


def _document_labels(db) -> dict[str, str]:
    """Return {document row key: current title} for every current document."""
    docs = list_documents(db)
    return {row_key("document", first_version(db, d)): t for d, t in zip(docs["id"], docs["title"])}


def orphan_summaries(db: sqlite_utils.Database, rows: str = "case") -> pd.DataFrame:
    """Return the cell summaries (``cell_summaries``' columns) of rows of this kind that no longer
    exist: an attribute value renamed or no longer held by any case, a deleted document."""
    kind, attribute = parse_rows(rows)
    prefix = f"attribute:{attribute}=" if kind == "attribute" else f"{kind}:"
    known = set(framework_rows(db, Scope(), rows)["row_key"])
    summaries = cell_summaries(db)
    mine = summaries["row_key"].str.startswith(prefix) & ~summaries["row_key"].isin(known)
    return summaries[mine].reset_index(drop=True)
