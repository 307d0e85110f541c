"""Use case: import a survey or spreadsheet (one respondent per row) and let the indexes follow."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlite_utils

from coding import apply_preview, codings_frame, delete_coding, preview_rows
from corpus import sha256_bytes
from interviews import SurveyReport, plan_survey, read_table, store_survey, survey_answers
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


GRID_KEYS = ["document_id", "char_start", "char_end"]


def survey_grid(
    db: sqlite_utils.Database, survey_id: int, question: str, codes: list[int], coder: str
) -> pd.DataFrame:
    """Return every answer to ``question`` (document_id, char_start, char_end, respondent, text)
    with a True/False column per code id: whether ``coder`` coded that whole answer with it."""
    grid = survey_answers(db, survey_id, question)
    if grid.empty or not codes:
        return grid.assign(**{str(c): False for c in codes})
    coded = codings_frame(
        db, coders=coder, codes=list(codes), documents=list(set(grid["document_id"]))
    )
    for code in codes:
        mine = coded[coded["code_id"] == code]
        spans = set(zip(mine["document_id"], mine["char_start"], mine["char_end"]))
        grid[str(code)] = [
            (d, s, e) in spans for d, s, e in grid[GRID_KEYS].itertuples(index=False)
        ]
    return grid


def grid_edits(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[int, int, int, int, bool]]:
    """Return (document_id, start, end, code id, add) for each code cell the researcher ticked
    (True) or cleared (False) between two ``survey_grid`` frames (rows matched by span)."""
    codes = [c for c in before.columns if c.isdigit()]
    old = before.set_index(GRID_KEYS)
    new = after.set_index(GRID_KEYS)
    edits = []
    for key in new.index.intersection(old.index):
        for code in codes:
            was, now = bool(old.at[key, code]), bool(new.at[key, code])
            if was != now:
                edits.append((int(key[0]), int(key[1]), int(key[2]), int(code), now))
    return sorted(edits)


def apply_grid_edits(
    db: sqlite_utils.Database,
    edits: list[tuple[int, int, int, int, bool]],
    coder: str,
    question: str,
    session: str | None = None,
) -> tuple[int, int]:
    """Save grid edits: the ticks as one undoable batch, the cleared cells' codings deleted;
    return (added, removed)."""
    adds = [(d, s, e, c) for d, s, e, c, add in edits if add]
    removed = 0
    for d, s, e, c, add in edits:
        if add:
            continue
        coded = codings_frame(db, coders=coder, codes=[c], documents=[d])
        hit = coded[(coded["char_start"] == s) & (coded["char_end"] == e)]
        for coding_id in hit["coding_id"]:
            delete_coding(db, int(coding_id), coder, session=session)
            removed += 1
    if adds:
        rows = pd.DataFrame(adds, columns=[*GRID_KEYS, "code"])
        rule = f"grid: {question}"
        preview = pd.concat(
            [preview_rows(db, part, int(code), rule) for code, part in rows.groupby("code")]
        )
        preview.attrs["rule"] = rule
        apply_preview(db, preview, coder, session=session)
    return len(adds), removed
