"""Bridge to the interviews package: cases, attributes and turns, read through its public functions.

Everything degrades to empty frames when interviews is absent or its tables are not in the project,
so evidence tables and exports still work on a policy-only project.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

TURN_COLUMNS = [
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


def _interviews():
    try:
        import interviews  # noqa: PLC0415
    except ImportError:
        return None
    return interviews


def _call(name: str, db: sqlite_utils.Database, empty: pd.DataFrame, **kwargs) -> pd.DataFrame:
    mod = _interviews()
    fn = getattr(mod, name, None) if mod is not None else None
    if fn is None:
        return empty
    try:
        df = fn(db, **kwargs)
    except Exception:  # an older project without the interviews tables: no cases
        return empty
    return df if df is not None else empty


def turns(db: sqlite_utils.Database, document_ids: list[int] | None = None) -> pd.DataFrame:
    """Return interviews.turns_frame (columns TURN_COLUMNS) or an empty frame."""
    df = _call("turns_frame", db, pd.DataFrame(columns=TURN_COLUMNS), document_ids=document_ids)
    for col in TURN_COLUMNS:
        if col not in df.columns:
            df[col] = None
    return df


def cases(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return interviews.cases_frame (case_id, name, kind, ...) or an empty frame."""
    df = _call("cases_frame", db, pd.DataFrame(columns=["case_id", "name", "kind"]))
    if "name" not in df.columns and "case_name" in df.columns:
        df = df.rename(columns={"case_name": "name"})
    return df


def case_attributes(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return the wide attribute frame: case_id, case_name, one column per attribute (or empty)."""
    return _call("case_attributes_frame", db, pd.DataFrame(columns=["case_id", "case_name"]))


def document_cases(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return document_id, case_id, case_name of interview documents (or empty)."""
    empty = pd.DataFrame(
        {
            "document_id": pd.Series(dtype="int64"),
            "case_id": pd.Series(dtype="int64"),
            "case_name": pd.Series(dtype="object"),
        }
    )
    df = _call("document_cases", db, empty)
    if df.empty:
        return empty
    return df[["document_id", "case_id", "case_name"]]


def interviews_writer(name: str):
    """Return the interviews package's function ``name`` (used by imports to create cases), or None."""
    mod = _interviews()
    return getattr(mod, name, None) if mod is not None else None
