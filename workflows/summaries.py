"""Save an extractive summary as a memo: each sentence with its citation, on the summarised code,
case or document (a cell of the code x case matrix: a memo on the code, titled with the case)."""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from coding import add_memo
from exports import SummaryTarget


def summary_memo_text(summary: pd.DataFrame) -> str:
    """Return the memo's text: one line per sentence, "sentence" (citation)."""
    lines = []
    for row in summary.itertuples():
        sentence = " ".join(str(row.sentence).split())
        cite = row.citation if isinstance(row.citation, str) and row.citation else ""
        lines.append(f"- “{sentence}” ({cite})" if cite else f"- “{sentence}”")
    return "\n".join(lines)


def save_summary_memo(
    db: sqlite_utils.Database, summary: pd.DataFrame, target: SummaryTarget, author: str
) -> int:
    """Write ``summary`` (``exports.summary_table``) as a memo on ``target``; return its id."""
    target.filters()  # a target missing its code or case is refused before anything is written
    text = summary_memo_text(summary)
    if target.kind == "cell":
        title = f"Summary: {target.code} x {target.case}"
        return add_memo(db, text, author, target="code", target_id=target.code, title=title)
    target_id = {"code": target.code, "case": target.case, "document": target.document}
    return add_memo(
        db,
        text,
        author,
        target=target.kind,
        target_id=target_id[target.kind],
        title=f"Summary of {target.label()}",
    )
