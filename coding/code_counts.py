"""The codebook with its counts: codings, documents and cases per code, over one ``Scope``, by
the same rules as every other view (current versions, nothing deleted, the case rule)."""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from .case_rule import exploded_cases
from .codes import code_tree
from .matrices import _case_codings, _coded_spans
from .scope import Scope, count_mode, scope_cases, scope_documents


def code_counts(db: sqlite_utils.Database, scope: Scope | None = None) -> pd.DataFrame:
    """Return code_id, codings, documents, cases over the scope (codes without children: each
    code's own codings; the count mode as the scope says)."""
    scope = Scope.of(scope)
    spans = _coded_spans(db, scope, scope_documents(db, scope))
    if count_mode(db, scope) == "segments":  # a segment several coders coded counts once
        spans = spans.drop_duplicates(["code_id", "document_id", "char_start", "char_end"])
    spans = spans.reset_index(drop=True)
    exploded = exploded_cases(db, spans)
    whole = _case_codings(db, scope)
    allowed = scope_cases(db, scope)
    if allowed is not None:
        exploded = exploded[exploded["case_id"].isin(allowed)]
        spans = spans.loc[exploded.index.unique()]
        whole = whole[whole["case_id"].isin(allowed)]
    if count_mode(db, scope) == "segments":
        whole = whole.assign(codings=1)
    codings = (
        spans.groupby("code_id").size().add(whole.groupby("code_id")["codings"].sum(), fill_value=0)
    )
    documents = spans.groupby("code_id")["document_id"].nunique()
    pairs = pd.concat([exploded[["code_id", "case_id"]], whole[["code_id", "case_id"]]])
    cases = pairs.drop_duplicates().groupby("code_id").size()
    out = pd.DataFrame({"codings": codings, "documents": documents, "cases": cases})
    out = out.fillna(0).astype("int64")
    out.index.name = "code_id"
    return out.reset_index()


def codes_frame(
    db: sqlite_utils.Database, include_deleted: bool = False, scope: Scope | None = None
) -> pd.DataFrame:
    """Return the codebook in tree order with columns CODE_COLUMNS (+ deleted_at when
    include_deleted): ``codings``, ``documents`` and ``cases`` count each code's own codings in
    the scope (default: every coder, current versions), cases by the case rule."""
    rows = code_tree(db, include_deleted)
    counts = code_counts(db, scope).set_index("code_id")
    for col in ("codings", "documents", "cases"):
        rows[col] = rows["id"].map(counts[col]).fillna(0).astype("int64")
    return rows


def most_used_codes(
    db: sqlite_utils.Database, limit: int = 9, codes: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return the quick-key codes: up to ``limit`` active codes, most codings first, ties in tree
    order (id, path, color, codings). ``codes`` is this project's ``codes_frame`` when at hand."""
    codes = codes_frame(db) if codes is None else codes
    ranked = codes.assign(_pos=range(len(codes))).sort_values(
        ["codings", "_pos"], ascending=[False, True]
    )
    return ranked[["id", "path", "color", "codings"]].head(limit).reset_index(drop=True)
