"""Use case "de-identify": a reviewed list of replacements becomes pseudonymised new versions
(``deid.apply_review``: codings move, cases renamed, key and log beside the project), then what
follows new versions (``follow_versions``), then optionally a shareable copy."""

from __future__ import annotations

import concurrent.futures as cf
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlite_utils

from deid import REVIEW_COLUMNS, DeidError, apply_review, key_path_for, shareable_copy
from projectfile import Progress, project_path, writes

from .versions import VersionsReport, follow_versions

REQUIRED = ("document_id", "char_start", "char_end", "original", "pseudonym", "accept")
YES = ("true", "1", "yes", "y", "x")


@dataclass
class Deidentified:
    """The new versions (deid's result table), the key file, what followed, the shareable copy."""

    result: pd.DataFrame
    key_path: Path
    versions: VersionsReport = field(default_factory=VersionsReport)
    shareable: object | None = None  # deid's ShareableReport when a copy was asked for


def read_review_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Return a reviewed replacements CSV as a review table (missing optional columns filled,
    ``accept`` as booleans); raise DeidError naming missing required columns."""
    review = pd.read_csv(path, dtype={"original": str, "pseudonym": str})
    missing = [c for c in REQUIRED if c not in review.columns]
    if missing:
        raise DeidError(f"{path}: missing columns {', '.join(missing)}")
    for col in REVIEW_COLUMNS:
        if col not in review.columns:
            review[col] = "" if col != "label" else "PERSON"
    review["accept"] = review["accept"].map(lambda v: str(v).strip().lower() in YES)
    return review


@writes("deidentify")
def deidentify(
    db: sqlite_utils.Database,
    review: pd.DataFrame,
    shareable: str | os.PathLike | None = None,
    progress: Progress | None = None,
    executor: cf.Executor | None = None,
    encoder=None,
) -> Deidentified:
    """Apply the accepted rows of ``review``, carry what follows the new versions and, when
    ``shareable`` is given, write a shareable copy there; return what was done."""
    result = apply_review(db, review, progress=progress)
    new_ids = [int(i) for i in result["new_document_id"]]
    done = Deidentified(result, key_path_for(project_path(db) or Path("project")))
    done.versions = follow_versions(db, new_ids, executor=executor, encoder=encoder)
    if shareable:
        done.shareable = shareable_copy(db, shareable)
    return done
