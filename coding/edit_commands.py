"""CLI commands for correcting coded documents and merging projects: ``edit``, ``review``,
``merge``; and ``ingest`` / ``interviews import`` carry codings to re-ingested corrected files."""

from __future__ import annotations

import argparse
from pathlib import Path

from corpus import bytes_to_text
from projectfile import add_format_option, command_group, open_project, print_frame

from .project_merge import merge_project, preview_merge
from .reanchor import discard_review, edit_document, follow_new_versions, reanchor, review_frame


def register_edit(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``edit``, ``review list|reanchor|discard`` and ``merge``; compose the ingest commands."""
    p = sub.add_parser(
        "edit",
        parents=[common],
        help="correct a coded document: its text becomes a new version, codings follow the words",
    )
    p.add_argument("--document", type=int, required=True, help="document id (current version)")
    p.add_argument("--from-file", required=True, help="the corrected text (any encoding, CRLF ok)")
    p.add_argument("--coder", default="default")
    p.set_defaults(func=cmd_edit)

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

    p = sub.add_parser(
        "merge",
        parents=[common],
        help="merge another project coded apart (coders, codes, codings, memos); idempotent",
    )
    p.add_argument("other", help="the other project file (.qda.sqlite)")
    p.add_argument("--preview", action="store_true", help="only show new/matched/conflicting codes")
    p.add_argument("--coder", default="default", help="who merges (for the audit log)")
    add_format_option(p)
    p.set_defaults(func=cmd_merge)

    _follow_after(sub.choices["ingest"])
    interviews = sub.__dict__.get("_qda_groups", {}).get("interviews")
    if interviews is not None and "import" in interviews.choices:
        _follow_after(interviews.choices["import"])


def _follow_after(parser: argparse.ArgumentParser) -> None:
    """After the command, carry codings to each new version of a coded document."""
    command = parser.get_default("func")

    def run_then_follow(args) -> int:
        code = command(args)
        if not Path(args.project).exists():
            return code
        db = open_project(args.project, create=False)
        for result in follow_new_versions(db):
            print(result.summary())
        return code

    parser.set_defaults(func=run_then_follow)


def cmd_edit(args) -> int:
    path = Path(args.from_file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror or exc}")
        return 2
    text, _encoding = bytes_to_text(data, path.name)
    db = open_project(args.project, create=False)
    result = edit_document(db, args.document, text, args.coder)
    print(result.summary())
    if result.needs_review:
        print_frame(review_frame(db, result.new_document_id), "table")
    return 0


def cmd_review_list(args) -> int:
    db = open_project(args.project, create=False)
    df = review_frame(db, args.document)
    if args.format == "table":
        print(f"{len(df)} codings need a new place")
    print_frame(df, args.format)
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


def cmd_merge(args) -> int:
    db = open_project(args.project, create=False)
    if args.preview:
        print_frame(preview_merge(db, args.other), args.format)
        return 0
    report = merge_project(db, args.other, coder=args.coder)
    print_frame(report.frame(), args.format)
    if args.format == "table":
        print(report.summary() or "nothing to merge")
    return 0
