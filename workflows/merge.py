"""Use case "merge a project": another copy of this project coded apart (.qda.sqlite) or a REFI-QDA
project from another tool (.qdpx, imported into a private temporary project first), then the
search index brought in step for any document the merge added."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlite_utils

from coding import MergeReport
from coding import merge_project as merge_coded_project
from coding import preview_merge as preview_coded_project
from corpus import sync_search_index
from exports import merge_qdpx
from projectfile import Progress, writes

from .versions import follow_meaning_index


@dataclass
class MergeOutcome:
    """The merge's report, and the REFI-QDA import's when the other project was a .qdpx."""

    merged: MergeReport
    imported: object | None = None  # exports' ImportReport for a .qdpx
    search: str = "none"

    def lines(self) -> list[str]:
        """The import report's lines (a .qdpx) and the merge summary."""
        head = list(self.imported.lines()) if self.imported is not None else []
        return [*head, self.merged.summary() or "nothing to merge"]


def is_qdpx(path: str | os.PathLike) -> bool:
    """True when ``path`` names a REFI-QDA project archive."""
    return Path(path).suffix.lower() == ".qdpx"


@writes("merge")
def merge_project(
    db: sqlite_utils.Database,
    other: str | os.PathLike,
    coder: str = "default",
    session: str | None = None,
    source: str | None = None,
    progress: Progress | None = None,
    encoder=None,
) -> MergeOutcome:
    """Merge the project at ``other`` (.qda.sqlite or .qdpx) into ``db``; return what it did.

    Idempotent and one transaction after a backup (``coding.merge_project``); ``source`` names the
    file in the merge's origins (default: its name). The merged documents are then embedded for
    meaning search where the index follows changes (``follow_meaning_index``)."""
    if is_qdpx(other):
        imported, merged = merge_qdpx(other, db, coder=coder, progress=progress)
    else:
        imported = None
        merged = merge_coded_project(db, other, coder=coder, session=session, source=source)
    outcome = MergeOutcome(merged, imported, sync_search_index(db, progress))
    follow_meaning_index(db, None, progress=progress, encoder=encoder)
    return outcome


def preview_merge(db: sqlite_utils.Database, other: str | os.PathLike) -> pd.DataFrame:
    """Return the codes a merge of the project at ``other`` would add, match or find conflicting."""
    return preview_coded_project(db, other)
