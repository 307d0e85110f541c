"""``import qdpx --into PROJECT``: a REFI-QDA file from another tool merges like a project.

The .qdpx is imported into a fresh project in a private temporary folder (``import_qdpx``: parsed
whole first, validated), then merged by ``coding.merge_project``: documents matched by content,
codes by path, coders kept apart, idempotent, one transaction after a backup.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import sqlite_utils

from coding import MergeReport, merge_project
from projectfile import Progress, open_project, print_frame, tqdm_progress

from .qdpx_import import IMPORT_CODER, ImportReport, import_qdpx


def merge_qdpx(
    path: str | os.PathLike,
    db: sqlite_utils.Database,
    coder: str = IMPORT_CODER,
    progress: Progress | None = None,
) -> tuple[ImportReport, MergeReport]:
    """Merge the REFI-QDA project at ``path`` into ``db``; return (import report, merge report)."""
    with tempfile.TemporaryDirectory(prefix="qda-qdpx-") as tmp:
        staged = Path(tmp) / "incoming.qda.sqlite"
        imported = import_qdpx(path, staged, coder=coder, progress=progress)
        merged = merge_project(db, staged, coder=coder, source=Path(path).name)
    return imported, merged


def add_into_option(parser: argparse.ArgumentParser) -> None:
    """Give ``import qdpx`` an ``--into PROJECT`` option that merges instead of importing."""
    parser.add_argument(
        "--into",
        metavar="PROJECT",
        help="merge into this existing project: documents matched by content, codes by path,"
        " coders kept apart; merging the same file twice adds nothing",
    )
    plain = parser.get_default("func")

    def cmd(args) -> int:
        if not args.into:
            return plain(args)
        db = open_project(args.into, create=False)
        with tqdm_progress("import", disable=args.quiet) as progress:
            imported, merged = merge_qdpx(args.file, db, coder=args.coder, progress=progress)
        print("\n".join(imported.lines()))
        print_frame(merged.frame(), "table")
        print(merged.summary() or "nothing to merge")
        return 0

    parser.set_defaults(func=cmd)
