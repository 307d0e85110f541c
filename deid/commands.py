"""CLI command of ``deid``: ``interviews pseudonymize`` (in the ``interviews`` group).

Propose name replacements (``--review-out``), then apply a reviewed CSV (``--apply``).
"""

from __future__ import annotations

import argparse

import pandas as pd

from projectfile import (
    add_format_option,
    command_group,
    fail,
    open_project,
    print_frame,
    tqdm_progress,
)

from .apply import apply_review
from .key import key_path_for
from .names import REVIEW_COLUMNS, find_names
from .shareable import shareable_copy

REQUIRED = ("document_id", "char_start", "char_end", "original", "pseudonym", "accept")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``interviews pseudonymize``."""
    isub = command_group(
        sub, "interviews", "interview transcripts: import, cases, attributes, de-identification"
    )
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


def cmd_pseudonymize(args) -> int:
    """Write a review CSV, or apply a review (found now or read from --apply)."""
    db = open_project(args.project, create=False)
    if args.apply_csv:
        review = pd.read_csv(args.apply_csv, dtype={"original": str, "pseudonym": str})
        missing = [c for c in REQUIRED if c not in review.columns]
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
                f"wrote {len(review)} proposed replacements to {args.review_out}; set accept to"
                f" false where wrong, add rows, then run again with --apply {args.review_out}"
            )
            return 0
    with tqdm_progress("pseudonymize", disable=args.quiet) as progress:
        result = apply_review(db, review, progress=progress)
    print_frame(result, args.format)
    if args.format == "table":
        print(f"key written to {key_path_for(args.project)} (keep it apart from shared data)")
    if args.shareable:
        print("\n".join(shareable_copy(db, args.shareable).lines()))
    return 0
