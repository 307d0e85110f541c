"""CLI commands for codings an edit left behind: ``review list|reanchor|discard``.

``edit`` and ``merge`` span packages and are use cases (``workflows/commands.py``)."""

from __future__ import annotations

import argparse

from projectfile import add_format_option, command_group, open_project, print_frame

from .reanchor import discard_review, reanchor, review_frame


def register_review(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``review list|reanchor|discard``."""
    rsub = command_group(sub, "review", "codings whose words an edit deleted: re-anchor or discard")
    q = rsub.add_parser("list", parents=[common], help="codings that need a new place")
    q.add_argument("--document", type=int, help="only this (new) document")
    add_format_option(q)
    q.set_defaults(func=cmd_review_list)
    q = rsub.add_parser("reanchor", parents=[common], help="give a coding its new place")
    q.add_argument("review", type=int, help="review id (from 'review list')")
    q.add_argument("--start", type=int, required=True)
    q.add_argument("--end", type=int, required=True)
    q.add_argument("--coder", default="default")
    q.set_defaults(func=cmd_review_reanchor)
    q = rsub.add_parser("discard", parents=[common], help="leave a coding on the old version")
    q.add_argument("review", type=int)
    q.add_argument("--coder", default="default")
    q.set_defaults(func=cmd_review_discard)


def cmd_review_list(args) -> int:
    db = open_project(args.project, create=False)
    df = review_frame(db, args.document)
    if args.format == "table":
        print(f"{len(df)} codings need a new place")
    print_frame(df, args.format, raw=args.raw)
    return 0


def cmd_review_reanchor(args) -> int:
    db = open_project(args.project, create=False)
    new_id = reanchor(db, args.review, args.start, args.end, args.coder)
    print(f"review {args.review}: coding {new_id} placed at [{args.start}, {args.end})")
    return 0


def cmd_review_discard(args) -> int:
    db = open_project(args.project, create=False)
    discard_review(db, args.review, args.coder)
    print(f"review {args.review}: the coding stays on the old version only")
    return 0
