"""CLI commands of ``corpus``: search, docs, log, backup, restore (``ingest`` is a use case: see
``workflows/commands.py``)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from projectfile import (
    ProjectError,
    add_format_option,
    backup_project,
    fail,
    list_backups,
    open_project,
    print_frame,
    restore_backup,
)

from .model import KINDS
from .search.commands import register as register_search_index


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the corpus commands to the CLI."""
    p = sub.add_parser("search", parents=[common], help="full-text search with ranked hits")
    p.add_argument("query")
    p.add_argument("--kind", action="append", choices=KINDS)
    p.add_argument("--language", action="append", choices=["en", "es", "other"])
    p.add_argument(
        "--from", dest="date_from", default=None, help="documents dated on or after (YYYY-MM-DD)"
    )
    p.add_argument(
        "--to", dest="date_to", default=None, help="documents dated on or before (YYYY-MM-DD)"
    )
    p.add_argument("--limit", type=int, default=20)
    add_format_option(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("docs", parents=[common], help="list documents")
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--all-versions", action="store_true")
    add_format_option(p)
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("log", parents=[common], help="show the ingest log")
    p.add_argument("--limit", type=int, default=50)
    add_format_option(p)
    p.set_defaults(func=cmd_log)

    p = sub.add_parser(
        "backup", parents=[common], help="make a consistent backup copy of the project file"
    )
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("backups", parents=[common], help="list backups of the project file")
    add_format_option(p)
    p.set_defaults(func=cmd_backups)
    p = sub.add_parser("restore", parents=[common], help="restore the project file from a backup")
    p.add_argument("backup", help="path of a backup file (see `backups`)")
    p.set_defaults(func=cmd_restore)
    register_search_index(sub, common)


def cmd_search(args) -> int:
    """Search the corpus; print ranked hits with [marked] snippets."""
    from .search import SearchError, search, snippet_to_plain

    db = open_project(args.project, create=False)
    try:
        hits = search(
            db,
            args.query,
            kinds=args.kind,
            languages=args.language,
            date_from=args.date_from,
            date_to=args.date_to,
            limit=args.limit,
        )
    except SearchError as exc:
        return fail(str(exc), 2)
    hits["snippet"] = hits["snippet"].map(
        lambda s: (
            snippet_to_plain(s, "[", "]") if args.format == "table" else snippet_to_plain(s, "", "")
        )
    )
    hits["score"] = hits["score"].round(3)
    hits["page"] = hits["page"].astype("Int64")
    cols = ["document_id", "title", "page", "char_start", "char_end", "snippet", "score"]
    print_frame(
        hits[cols] if args.format == "table" else hits, args.format, max_width=90, raw=args.raw
    )
    return 0


def cmd_docs(args) -> int:
    """List the documents (current versions unless --all-versions)."""
    from .store import list_documents

    db = open_project(args.project, create=False)
    df = list_documents(db, kind=args.kind, include_old=args.all_versions)
    if args.format == "table":
        df = df[
            ["id", "title", "kind", "page_count", "language", "sha256", "status", "version"]
        ].rename(columns={"page_count": "pages"})
        df["sha256"] = df["sha256"].str[:12]
    print_frame(df, args.format, raw=args.raw)
    return 0


def cmd_log(args) -> int:
    """Print the latest rows of the ingest log."""
    from .store import ingest_log

    db = open_project(args.project, create=False)
    print_frame(ingest_log(db, args.limit), args.format, max_width=80, raw=args.raw)
    return 0


def cmd_backup(args) -> int:
    """Back up the project file; print the backup path."""
    path = backup_project(open_project(args.project, create=False), reason="manual")
    print(path)
    return 0


def cmd_backups(args) -> int:
    """List the backups of the project file with their sizes."""
    rows = [{"backup": str(p), "size": p.stat().st_size} for p in list_backups(args.project)]
    print_frame(
        pd.DataFrame(rows, columns=["backup", "size"]), args.format, max_width=120, raw=args.raw
    )
    return 0


def cmd_restore(args) -> int:
    """Restore the project file from a backup file."""
    if not Path(args.backup).exists():
        return fail(f"{args.backup}: no such backup file")
    try:  # the member restoring must be an owner (checked on their connection)
        db = open_project(args.project, create=False)
    except ProjectError as exc:
        if exc.code not in ("missing", "damaged", "not_project"):
            raise
        db = None  # a lost or damaged file has no roles to read: the backup's come back with it
    restore_backup(args.project, args.backup, db=db)
    print(f"restored {args.project} from {args.backup}")
    return 0
