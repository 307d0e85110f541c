"""The Framework page's editable grid, as pure functions (``st.data_editor`` edits cannot be
simulated in AppTest, so what an edit means is tested here alone).

The grid is a DataFrame indexed by row key with a ``Row`` column (the row's label) and one text
column per code (its summary); its ``attrs['codes']`` maps each code column to its code id.
"""

from __future__ import annotations

import pandas as pd

ROW = "Row"


def summary_grid(
    rows: pd.DataFrame, columns: pd.DataFrame, summaries: pd.DataFrame
) -> pd.DataFrame:
    """Return the grid of summaries: ``rows`` (row_key, row_label) x ``columns`` (code_id,
    code_path), cells the summaries' text ('' where none)."""
    text = {(k, int(c)): t for k, c, t in summaries[["row_key", "code_id", "text"]].values}
    grid = pd.DataFrame(index=pd.Index(rows["row_key"].tolist(), name="row_key"))
    grid[ROW] = rows["row_label"].tolist()
    for code_id, path in columns[["code_id", "code_path"]].values:
        grid[path] = [text.get((k, int(code_id)), "") for k in grid.index]
    grid.attrs["codes"] = dict(zip(columns["code_path"], columns["code_id"].astype(int)))
    return grid


def count_grid(rows: pd.DataFrame, columns: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """Return the codings per cell as a rows x code paths table of integers (0: none)."""
    n = {(k, int(c)): int(v) for k, c, v in cells[["row_key", "code_id", "codings"]].values}
    grid = pd.DataFrame({ROW: rows["row_label"].tolist()})
    for code_id, path in columns[["code_id", "code_path"]].values:
        grid[path] = [n.get((k, int(code_id)), 0) for k in rows["row_key"]]
    return grid


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def framework_edits(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[str, int, str]]:
    """Return (row_key, code_id, new text) for every summary cell the person changed ('' clears
    it); the ``Row`` column and added rows are ignored."""
    codes = before.attrs.get("codes", {})
    edits = []
    for key in before.index:
        if key not in after.index:
            continue
        for path, code_id in codes.items():
            old, new = _text(before.at[key, path]), _text(after.at[key, path])
            if old != new:
                edits.append((key, int(code_id), new))
    return edits
