"""Use case: import a survey or spreadsheet (one respondent per row) and let the indexes follow."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from corpus import sha256_bytes
from interviews import SurveyReport, plan_survey, read_table, store_survey
from projectfile import Progress

from .versions import follow_versions


def import_survey(
    db: sqlite_utils.Database,
    source: str | Path | bytes,
    id_column: str,
    attributes: dict[str, str],
    open_columns: list[str],
    per: str = "question",
    name: str | None = None,
    sheet: str | None = None,
    coder: str = "system",
    progress: Progress | None = None,
) -> SurveyReport:
    """Read, check and store a survey file (a path, or bytes with ``name``) in one transaction,
    then bring the search and meaning indexes in step; return the SurveyReport (bad rows
    included)."""
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    name = name or (Path(source).name if isinstance(source, (str, Path)) else "survey.csv")
    table = read_table(data, name, sheet)
    plan = plan_survey(table, id_column, attributes, open_columns, per)
    report = store_survey(db, plan, sha256_bytes(data), progress)
    follow_versions(db, report.documents, coder=coder, progress=progress)
    return report
