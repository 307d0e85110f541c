"""CLI commands of ``interviews``: import transcripts, list cases/speakers/turns, attributes CSV, pseudonymize."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from projectfile import add_format_option, fail, print_frame, tqdm_progress


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "interviews", help="interview transcripts: import, cases, attributes, de-identification"
    )
    isub = p.add_subparsers(dest="interviews_command", required=True)

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

    c = isub.add_parser(
        "pseudonymize",
        parents=[common],
        help="propose name replacements (--review-out), then apply a reviewed CSV (--apply)",
    )
    c.add_argument(
        "--name", action="append", default=[], help="a person's name to replace (repeatable)"
    )
    c.add_argument(
        "--organisation",
        action="append",
        default=[],
        help="an organisation to replace (repeatable)",
    )
    c.add_argument(
        "--pattern",
        default="Expert {n}",
        help="pseudonym pattern for people (default: 'Expert {n}')",
    )
    c.add_argument("--org-pattern", default="Organisation {n}")
    c.add_argument("--no-ner", action="store_true", help="do not run spaCy NER")
    c.add_argument(
        "--review-out", default=None, help="write the proposed replacements to this CSV for review"
    )
    c.add_argument(
        "--apply",
        dest="apply_csv",
        default=None,
        help="apply a reviewed CSV (rows with accept true)",
    )
    c.add_argument(
        "--shareable",
        default=None,
        help="also write a shareable copy of the project without originals",
    )
    add_format_option(c)
    c.set_defaults(func=cmd_pseudonymize)


def cmd_import(args) -> int:
    from projectfile import open_project

    from .store import import_transcripts

    roles = {}
    for item in args.role:
        if "=" not in item:
            return fail(f"--role {item!r}: use SPEAKER=ROLE", 2)
        k, v = item.rsplit("=", 1)
        roles[k.strip()] = v.strip()
    db = open_project(args.project)
    executor = None
    if args.workers and args.workers > 1:
        from corpus.ingest import process_executor

        executor = process_executor(args.workers)
    try:
        with tqdm_progress("import", disable=args.quiet) as progress:
            outcomes = import_transcripts(
                args.paths, db, progress=progress, roles=roles or None, executor=executor
            )
    finally:
        if executor is not None:
            executor.shutdown()
    df = pd.DataFrame(
        [
            {
                "file": o.path,
                "status": o.status,
                "document_id": o.document_id,
                "turns": o.pages,
                "reason": o.reason,
            }
            for o in outcomes
        ],
        columns=["file", "status", "document_id", "turns", "reason"],
    )
    df["document_id"] = df["document_id"].astype("Int64")
    if not df.empty:
        from .queries import speakers_frame

        sp = speakers_frame(db, [int(i) for i in df["document_id"].dropna()])
        counts = sp.groupby("document_id").size()
        df["speakers"] = df["document_id"].map(
            lambda i: int(counts.get(i, 0)) if pd.notna(i) else 0
        )
    print_frame(df, args.format, max_width=80)
    n = df["status"].value_counts().to_dict() if not df.empty else {}
    if args.format == "table":
        print(
            f"imported {n.get('ok', 0)}, skipped {n.get('skipped', 0)}, failed {n.get('failed', 0)}"
        )
    return 0 if n.get("failed", 0) == 0 else 3


def cmd_cases(args) -> int:
    from projectfile import open_project

    from .queries import case_attributes_frame, cases_frame

    db = open_project(args.project, create=False)
    df = cases_frame(db).merge(
        case_attributes_frame(db).drop(columns=["case_name"]), on="case_id", how="left"
    )
    print_frame(df, args.format)
    return 0


def cmd_speakers(args) -> int:
    from projectfile import open_project

    from .queries import speakers_frame

    print_frame(speakers_frame(open_project(args.project, create=False)), args.format)
    return 0


def cmd_turns(args) -> int:
    from projectfile import open_project

    from .queries import transcript_turns

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
    from projectfile import open_project

    from .attributes import attributes_csv

    text = attributes_csv(
        open_project(args.project, create=False), args.out, types_in_header=args.types
    )
    if args.out is None:
        print(text, end="")
    return 0


def cmd_attributes_import(args) -> int:
    from projectfile import open_project

    from .attributes import import_attributes_csv

    if not Path(args.csv).exists():
        return fail(f"{args.csv}: no such file", 2)
    n = import_attributes_csv(open_project(args.project, create=False), Path(args.csv))
    print(f"set {n} attribute values from {args.csv}")
    return 0


def cmd_pseudonymize(args) -> int:
    from projectfile import open_project

    from .deid import REVIEW_COLUMNS, find_names, key_path_for
    from .deid_apply import apply_review, shareable_copy

    db = open_project(args.project, create=False)
    if args.apply_csv:
        review = pd.read_csv(args.apply_csv, dtype={"original": str, "pseudonym": str})
        missing = [
            c
            for c in ("document_id", "char_start", "char_end", "original", "pseudonym", "accept")
            if c not in review.columns
        ]
        if missing:
            return fail(f"{args.apply_csv}: missing columns {', '.join(missing)}", 2)
        for col in REVIEW_COLUMNS:
            if col not in review.columns:
                review[col] = "" if col != "label" else "PERSON"
        review["accept"] = review["accept"].map(
            lambda v: str(v).strip().lower() in ("true", "1", "yes", "y", "x")
        )
    else:
        with tqdm_progress("names", disable=args.quiet) as progress:
            review = find_names(
                db,
                names=args.name,
                organisations=args.organisation,
                pattern=args.pattern,
                org_pattern=args.org_pattern,
                use_ner=not args.no_ner,
                progress=progress,
            )
        if args.review_out:
            review.to_csv(args.review_out, index=False)
            print(
                f"wrote {len(review)} proposed replacements to {args.review_out}; set accept to false where wrong, "
                f"add rows, then run again with --apply {args.review_out}"
            )
            return 0
    with tqdm_progress("pseudonymize", disable=args.quiet) as progress:
        result = apply_review(db, review, progress=progress)
    print_frame(result, args.format)
    if args.format == "table":
        print(f"key written to {key_path_for(args.project)} (keep it apart from shared data)")
    if args.shareable:
        print(f"shareable copy: {shareable_copy(db, args.shareable)}")
    return 0
