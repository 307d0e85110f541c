"""A REFI-QDA file from another tool merges like a project (``import qdpx --into``, the Edit page).

The .qdpx is imported into a fresh project in a private temporary folder (``import_qdpx``: parsed
whole first, validated), then merged by ``coding.merge_project``: documents matched by content,
codes by path, coders kept apart, idempotent, one transaction after a backup.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlite_utils

from coding import MergeReport, merge_project
from projectfile import Progress, private_tempdir, writes

from .store import IMPORT_CODER, ImportReport, import_qdpx


@writes("merge")
def merge_qdpx(
    path: str | os.PathLike,
    db: sqlite_utils.Database,
    coder: str = IMPORT_CODER,
    progress: Progress | None = None,
) -> tuple[ImportReport, MergeReport]:
    """Merge the REFI-QDA project at ``path`` into ``db``; return (import report, merge report)."""
    with private_tempdir("qdpx") as tmp:  # 0700; a killed merge's copy goes at the next start
        staged = tmp / "incoming.qda.sqlite"
        # a merge brings words and codings; recordings are attached by hand (listed as skipped)
        imported = import_qdpx(path, staged, coder=coder, progress=progress, recordings=False)
        merged = merge_project(db, staged, coder=coder, source=Path(path).name)
    return imported, merged
