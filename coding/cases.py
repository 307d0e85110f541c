"""Bridge to the interviews package (imported lazily; everything degrades to 'no cases' without it)."""

from __future__ import annotations

import sqlite3

import pandas as pd
import sqlite_utils

# an older project file may lack interviews' tables: treat it as having no cases
_MISSING = (sqlite3.OperationalError, pd.errors.DatabaseError)


def _interviews():
    try:
        import interviews  # noqa: PLC0415
    except ImportError:
        return None
    return interviews


def document_cases(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return document_id, case_id, case_name of interview documents (empty without interviews)."""
    mod = _interviews()
    empty = pd.DataFrame(
        {
            "document_id": pd.Series(dtype="int64"),
            "case_id": pd.Series(dtype="int64"),
            "case_name": pd.Series(dtype="object"),
        }
    )
    if mod is None or not hasattr(mod, "document_cases"):
        return empty
    try:
        df = mod.document_cases(db)
    except _MISSING:
        return empty
    return df[["document_id", "case_id", "case_name"]] if not df.empty else empty


def document_case_map(db: sqlite_utils.Database) -> dict[int, list[int]]:
    """Return {document_id: [case ids]}."""
    out: dict[int, list[int]] = {}
    import coding.cases as me  # late lookup so a replaced document_cases is used

    for doc_id, case_id in me.document_cases(db)[["document_id", "case_id"]].itertuples(
        index=False
    ):
        out.setdefault(int(doc_id), []).append(int(case_id))
    return out


def cases(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return case_id, name of every case (empty without interviews)."""
    mod = _interviews()
    if mod is None or not hasattr(mod, "cases_frame"):
        return pd.DataFrame(columns=["case_id", "name"])
    try:
        df = mod.cases_frame(db)
    except _MISSING:
        return pd.DataFrame(columns=["case_id", "name"])
    return df


def case_names(db: sqlite_utils.Database) -> dict[int, str]:
    """Return {case_id: name}."""
    df = cases(db)
    if df.empty:
        return {}
    return dict(zip(df["case_id"].astype(int), df["name"]))


def case_attributes(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return the wide case-attribute frame (case_id, case_name, one column per attribute) or empty."""
    mod = _interviews()
    if mod is None or not hasattr(mod, "case_attributes_frame"):
        return pd.DataFrame(columns=["case_id", "case_name"])
    try:
        return mod.case_attributes_frame(db)
    except _MISSING:
        return pd.DataFrame(columns=["case_id", "case_name"])


def turns(db: sqlite_utils.Database, document_ids: list[int] | None = None) -> pd.DataFrame:
    """Return interviews.turns_frame (document_id, turn_no, char_start, char_end, speaker, case_id, ...) or empty."""
    cols = [
        "document_id",
        "turn_no",
        "char_start",
        "char_end",
        "speaker_id",
        "speaker",
        "role",
        "case_id",
        "case_name",
        "t_start",
        "t_end",
        "language",
    ]
    mod = _interviews()
    if mod is None or not hasattr(mod, "turns_frame"):
        return pd.DataFrame(columns=cols)
    try:
        return mod.turns_frame(db, document_ids=document_ids)
    except _MISSING:
        return pd.DataFrame(columns=cols)
