"""Per-file outcomes of a batch as a table: the one shape the Corpus page and the CLI show.

Any batch that returns ``Outcome`` rows (document ingest, transcript import) reports through
here, so the columns, the counts and the CLI's exit code mean the same everywhere.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from projectfile import print_frame

from .model import Outcome, OutcomeStatus

OUTCOME_COLUMNS = ["file", "status", "reason", "document_id", "pages"]
STATUSES = tuple(OutcomeStatus)


def outcomes_frame(
    outcomes: list[Outcome], full_paths: bool = False, count: str = "pages"
) -> pd.DataFrame:
    """Return one row per file (OUTCOME_COLUMNS, the ``pages`` column named ``count``)."""
    rows = [
        (o.path if full_paths else Path(o.path).name, o.status, o.reason, o.document_id, o.pages)
        for o in outcomes
    ]
    df = pd.DataFrame(rows, columns=OUTCOME_COLUMNS)
    df["document_id"] = df["document_id"].astype("Int64")
    return df.rename(columns={"pages": count})


def outcome_counts(outcomes: list[Outcome]) -> dict[str, int]:
    """Return how many files were ingested (ok), skipped and failed."""
    return {k: sum(o.status == k for o in outcomes) for k in STATUSES}


def print_outcomes(frame: pd.DataFrame, fmt: str, verb: str = "ingested") -> int:
    """Print an ``outcomes_frame`` for the CLI (reasons last); return 3 if a file failed, else 0.

    The frame may carry extra columns (e.g. speakers per transcript); in ``table`` format a
    summary line ("ingested 2, skipped 0, failed 1") follows.
    """
    first = ["file", "status", "document_id"]
    middle = [c for c in frame.columns if c not in (*first, "reason")]
    print_frame(frame[[*first, *middle, "reason"]], fmt, max_width=80)
    counts = {k: int((frame["status"] == k).sum()) for k in STATUSES}
    if fmt == "table":
        print(", ".join(f"{verb if k == OutcomeStatus.OK else k} {counts[k]}" for k in STATUSES))
    return 3 if counts[OutcomeStatus.FAILED] else 0
