"""Case data as coding reads it, straight from the interviews front door, shaped in one place."""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from interviews import case_attributes_frame, cases_frame, document_cases
from projectfile import NotFound


def case_names(db: sqlite_utils.Database) -> dict[int, str]:
    """Return {case_id: name} of every case."""
    df = cases_frame(db)
    return dict(zip(df["case_id"].astype(int), df["name"]))


def document_case_map(db: sqlite_utils.Database) -> dict[int, list[int]]:
    """Return {document_id: [interviewee case ids]} over every interview document version."""
    out: dict[int, list[int]] = {}
    pairs = document_cases(db)[["document_id", "case_id"]]
    for doc_id, case_id in pairs.itertuples(index=False):
        out.setdefault(int(doc_id), []).append(int(case_id))
    return out


def case_attributes(db: sqlite_utils.Database, *names: str) -> pd.DataFrame:
    """Return the wide case-attribute frame (case_id, case_name, one column per attribute).

    Raises NotFound naming the first of ``names`` that is not a case attribute.
    """
    attrs = case_attributes_frame(db)
    for name in names:
        if name not in attrs.columns:
            raise NotFound(f"no case attribute '{name}'")
    return attrs
