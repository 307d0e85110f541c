"""CLI command of the search index beside the project: ``cli.py index rebuild``."""

from __future__ import annotations

import argparse

from projectfile import command_group, open_project, project_path, tqdm_progress

from .index import THRESHOLD, index_dir, rebuild_search_index
from .sync import segment_count


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``index rebuild`` to the CLI."""
    isub = command_group(sub, "index", "the search index beside the project file")
    p = isub.add_parser(
        "rebuild",
        parents=[common],
        help="build the search index afresh (derived data; projects from"
        f" {THRESHOLD:,} paragraphs use it)",
    )
    p.add_argument(
        "--force", action="store_true", help=f"build it even below {THRESHOLD:,} paragraphs"
    )
    p.set_defaults(func=cmd_rebuild)


def cmd_rebuild(args: argparse.Namespace) -> int:
    db = open_project(args.project)
    try:
        n = segment_count(db)
        if n < THRESHOLD and not args.force:
            print(
                f"{n:,} paragraphs: full-text search needs no index beside the project below"
                f" {THRESHOLD:,} (use --force to build one anyway)"
            )
            return 0
        with tqdm_progress("search index", disable=args.quiet) as progress:
            done = rebuild_search_index(db, progress)
        folder = index_dir(project_path(db))
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        print(f"indexed {done:,} paragraphs in {folder} ({size / 1e6:.1f} MB)")
        return 0
    finally:
        db.conn.close()
