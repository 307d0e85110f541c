"""CLI command ``interviews pseudonymize``: propose name replacements (``--review-out``), then apply
a reviewed CSV (``--apply``) through the "de-identify" use case."""

from __future__ import annotations

import argparse

from deid import find_names, key_path_for
from projectfile import add_format_option, open_project, print_frame, tqdm_progress

from .deidentify import deidentify, read_review_csv


def register_pseudonymize(
    isub: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    """Add ``pseudonymize`` to the ``interviews`` group."""
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
        review = read_review_csv(args.apply_csv)
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
        done = deidentify(db, review, shareable=args.shareable, progress=progress)
    print_frame(done.result, args.format, raw=args.raw)
    if args.format == "table":
        print(f"key written to {key_path_for(args.project)} (keep it apart from shared data)")
    if done.shareable is not None:
        print("\n".join(done.shareable.lines()))
    return 0
