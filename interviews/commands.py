"""CLI commands of ``interviews``: list cases/speakers/turns, attributes CSV.

``interviews import`` and ``ingest --kind interview`` are use cases (``workflows/commands.py``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from projectfile import (
    RAW_HELP,
    add_format_option,
    command_group,
    fail,
    open_project,
    print_frame,
)

from .attributes import attributes_csv, import_attributes_csv
from .queries import case_attributes_frame, cases_frame, speakers_frame, transcript_turns


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``interviews`` group's listing and attribute commands."""
    isub = command_group(
        sub, "interviews", "interview transcripts: import, cases, attributes, de-identification"
    )

    c = isub.add_parser("cases", parents=[common], help="list cases")
    add_format_option(c)
    c.set_defaults(func=cmd_cases)

    c = isub.add_parser("speakers", parents=[common], help="list speakers with roles and cases")
    add_format_option(c)
    c.set_defaults(func=cmd_speakers)

    c = isub.add_parser("turns", parents=[common], help="list the turns of a transcript")
    c.add_argument("document_id", type=int)
    add_format_option(c)
    c.set_defaults(func=cmd_turns)

    a = isub.add_parser("attributes", help="case attributes as CSV")
    asub = a.add_subparsers(dest="attributes_command", required=True)
    c = asub.add_parser(
        "export", parents=[common], help="write case attributes to CSV (stdout without --out)"
    )
    c.add_argument("--out", default=None)
    c.add_argument("--types", action="store_true", help="write name:type headers")
    c.add_argument("--raw", action="store_true", help=RAW_HELP)
    c.set_defaults(func=cmd_attributes_export)
    c = asub.add_parser(
        "import", parents=[common], help="set case attributes from a CSV (first column: case name)"
    )
    c.add_argument("csv")
    c.set_defaults(func=cmd_attributes_import)


def cmd_cases(args) -> int:
    """Print the cases with their attributes."""
    db = open_project(args.project, create=False)
    df = cases_frame(db).merge(
        case_attributes_frame(db).drop(columns=["case_name"]), on="case_id", how="left"
    )
    print_frame(df, args.format, raw=args.raw)
    return 0


def cmd_speakers(args) -> int:
    """Print the speakers with roles and cases."""
    print_frame(speakers_frame(open_project(args.project, create=False)), args.format, raw=args.raw)
    return 0


def cmd_turns(args) -> int:
    """Print the turns of one transcript."""
    df = transcript_turns(open_project(args.project, create=False), args.document_id)
    print_frame(
        df[["turn_no", "speaker", "role", "t_start", "language", "text"]]
        if args.format == "table"
        else df,
        args.format,
        max_width=70,
        raw=args.raw,
    )
    return 0


def cmd_attributes_export(args) -> int:
    """Write (or print) the case attributes as CSV."""
    text = attributes_csv(
        open_project(args.project, create=False),
        args.out,
        types_in_header=args.types,
        raw=args.raw,
    )
    if args.out is None:
        print(text, end="")
    return 0


def cmd_attributes_import(args) -> int:
    """Set case attributes from a CSV."""
    if not Path(args.csv).exists():
        return fail(f"{args.csv}: no such file", 2)
    n = import_attributes_csv(open_project(args.project, create=False), Path(args.csv))
    print(f"set {n} attribute values from {args.csv}")
    return 0
