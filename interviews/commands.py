"""CLI commands of ``interviews``: import transcripts, list cases/speakers/turns, attributes CSV.

``ingest --kind interview`` (a corpus command) is composed here: transcripts go to
``import_transcripts``, other kinds to corpus's own handler.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from corpus import outcomes_frame, print_outcomes, process_executor, scheduler_executor
from projectfile import (
    add_format_option,
    command_group,
    fail,
    open_project,
    print_frame,
    tqdm_progress,
)

from .attributes import attributes_csv, import_attributes_csv
from .queries import case_attributes_frame, cases_frame, speakers_frame, transcript_turns
from .store import import_transcripts


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``interviews`` group and let ``ingest --kind interview`` import transcripts."""
    isub = command_group(
        sub, "interviews", "interview transcripts: import, cases, attributes, de-identification"
    )

    c = isub.add_parser(
        "import", parents=[common], help="import transcripts (TXT, VTT, SRT, DOCX, Otter)"
    )
    c.add_argument("paths", nargs="+", help="files or folders")
    c.add_argument(
        "--workers",
        type=int,
        default=0,
        help="parse in this many processes (default: in this process)",
    )
    c.add_argument(
        "--role",
        action="append",
        default=[],
        metavar="SPEAKER=ROLE",
        help="set a speaker's role (interviewer/interviewee/other) instead of the suggestion",
    )
    add_format_option(c)
    c.set_defaults(func=cmd_import)

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
    c.set_defaults(func=cmd_attributes_export)
    c = asub.add_parser(
        "import", parents=[common], help="set case attributes from a CSV (first column: case name)"
    )
    c.add_argument("csv")
    c.set_defaults(func=cmd_attributes_import)

    _compose_ingest(sub)


def cmd_import(args) -> int:
    """Import transcripts; print one outcome row per file (turns, speakers)."""
    roles = {}
    for item in args.role:
        if "=" not in item:
            return fail(f"--role {item!r}: use SPEAKER=ROLE", 2)
        k, v = item.rsplit("=", 1)
        roles[k.strip()] = v.strip()
    db = open_project(args.project)
    executor = None
    if args.workers and args.workers > 1:
        executor = process_executor(args.workers)
    try:
        with tqdm_progress("import", disable=args.quiet) as progress:
            outcomes = import_transcripts(
                args.paths, db, progress=progress, roles=roles or None, executor=executor
            )
    finally:
        if executor is not None:
            executor.shutdown()
    df = outcomes_frame(outcomes, full_paths=True, count="turns")
    sp = speakers_frame(db, [int(i) for i in df["document_id"].dropna()])
    counts = sp.groupby("document_id").size()
    df["speakers"] = [int(counts.get(i, 0)) if pd.notna(i) else 0 for i in df["document_id"]]
    return print_outcomes(df, args.format, verb="imported")


def cmd_cases(args) -> int:
    """Print the cases with their attributes."""
    db = open_project(args.project, create=False)
    df = cases_frame(db).merge(
        case_attributes_frame(db).drop(columns=["case_name"]), on="case_id", how="left"
    )
    print_frame(df, args.format)
    return 0


def cmd_speakers(args) -> int:
    """Print the speakers with roles and cases."""
    print_frame(speakers_frame(open_project(args.project, create=False)), args.format)
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
    )
    return 0


def cmd_attributes_export(args) -> int:
    """Write (or print) the case attributes as CSV."""
    text = attributes_csv(
        open_project(args.project, create=False), args.out, types_in_header=args.types
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


def _compose_ingest(sub: argparse._SubParsersAction) -> None:
    """Route corpus's ``ingest --kind interview`` to ``import_transcripts``; other kinds stay."""
    ingest = sub.choices["ingest"]
    documents = ingest.get_default("func")

    def cmd_ingest(args) -> int:
        if args.kind != "interview":
            return documents(args)
        return _ingest_transcripts(args)

    ingest.set_defaults(func=cmd_ingest)


def _ingest_transcripts(args) -> int:
    """Import transcripts for ``ingest --kind interview``; print corpus's outcome table."""
    db = open_project(args.project)
    with (
        scheduler_executor(args.scheduler) as executor,
        tqdm_progress("ingest", disable=args.quiet) as progress,
    ):
        outcomes = import_transcripts(args.paths, db, progress=progress, executor=executor)
    return print_outcomes(outcomes_frame(outcomes, full_paths=True), args.format)
