"""CLI commands for recordings, in the ``interviews`` group: ``interviews media attach DOC FILE``,
``media list``, ``media check``, ``media detach DOC`` and ``interviews align DOC TURN TIME``, each a
thin wrapper over a use case of ``workflows/media.py``."""

from __future__ import annotations

import argparse
import sys

from interviews import media_frame, parse_time
from projectfile import add_format_option, fail, open_project, print_frame, tqdm_progress

from .media import (
    align_turn,
    attach_media,
    attach_to_imported,
    check_recording,
    check_recordings,
    detach_recording,
    media_capabilities,
)


def register_media(isub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``media`` (attach, list, check, detach) and ``align`` to the ``interviews`` group."""
    m = isub.add_parser(
        "media", help="recordings of transcripts: attach, list, check, detach"
    ).add_subparsers(dest="media_command", required=True)
    a = m.add_parser(
        "attach",
        parents=[common],
        help="attach an audio or video recording to a transcript (kept beside the project)",
    )
    a.add_argument("document", type=int, help="transcript document id")
    a.add_argument("file", help="mp3, m4a, wav, ogg/opus, mp4, webm or mov")
    a.add_argument("--coder", default="default", help="who attaches (for the audit log)")
    a.set_defaults(func=cmd_media_attach)
    lst = m.add_parser("list", parents=[common], help="the transcripts with a recording")
    add_format_option(lst)
    lst.set_defaults(func=cmd_media_list)
    c = m.add_parser(
        "check", parents=[common], help="report recordings that are missing or changed (exit 3)"
    )
    c.add_argument("--deep", action="store_true", help="compare every file's SHA-256")
    add_format_option(c)
    c.set_defaults(func=cmd_media_check)
    d = m.add_parser("detach", parents=[common], help="detach a transcript's recording")
    d.add_argument("document", type=int)
    d.add_argument("--coder", default="default")
    d.set_defaults(func=cmd_media_detach)
    al = isub.add_parser(
        "align",
        parents=[common],
        help='"this turn starts here": set a turn\'s start time by hand',
    )
    al.add_argument("document", type=int)
    al.add_argument("turn", type=int, help="turn number (1 = first)")
    al.add_argument("time", help="HH:MM:SS[.mmm], MM:SS or seconds")
    al.add_argument("--coder", default="default")
    al.set_defaults(func=cmd_align)


def add_import_media_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--media FILE`` to ``interviews import``: attach a recording to the transcript."""
    parser.add_argument(
        "--media",
        default=None,
        metavar="FILE",
        help="attach this recording to the imported transcript (one transcript only)",
    )


def check_import_media(args) -> None:
    """Before ``interviews import --media``: refuse a recording that cannot be attached, so the
    transcript is not imported without it (MediaError / LimitExceeded / MediaToolsMissing)."""
    if getattr(args, "media", None):
        check_recording(args.media)


def attach_imported_media(db, args, outcomes) -> None:
    """After ``interviews import``: attach ``--media`` to the transcript imported, print it."""
    if not getattr(args, "media", None):
        return
    with tqdm_progress("recording", disable=args.quiet) as progress:
        report = attach_to_imported(db, outcomes, args.media, "default", progress)
    print(report.summary())


def _notes() -> None:
    for line in media_capabilities():
        print(f"note: {line}", file=sys.stderr)


def cmd_media_attach(args) -> int:
    """Attach a recording; print what was stored."""
    db = open_project(args.project, create=False)
    with tqdm_progress("recording", disable=args.quiet) as progress:
        report = attach_media(db, args.document, args.file, args.coder, progress)
    print(report.summary())
    return 0


def cmd_media_list(args) -> int:
    """Print the transcripts with a recording."""
    _notes()
    db = open_project(args.project, create=False)
    print_frame(media_frame(db), args.format, raw=args.raw)
    return 0


def cmd_media_check(args) -> int:
    """Print each recording's status; exit 3 when one is missing or changed."""
    db = open_project(args.project, create=False)
    df = check_recordings(db, deep=args.deep)
    print_frame(df, args.format, raw=args.raw)
    return 3 if (df["status"] != "ok").any() else 0


def cmd_media_detach(args) -> int:
    """Detach a transcript's recording; print the files removed."""
    db = open_project(args.project, create=False)
    removed = detach_recording(db, args.document, args.coder)
    print(f"detached the recording of document {args.document}; removed {len(removed)} file(s)")
    return 0


def cmd_align(args) -> int:
    """Set a turn's start time by hand; print it."""
    raw = args.time.strip()
    try:
        seconds = float(raw)
    except ValueError:
        seconds = parse_time(raw)
    if seconds is None:
        return fail(f"{raw!r}: not a time; use HH:MM:SS[.mmm], MM:SS or seconds", 2)
    db = open_project(args.project, create=False)
    done = align_turn(db, args.document, args.turn, seconds, args.coder)
    print(f"turn {done.turn_no} of document {done.document_id} starts at {done.after[0]:.3f} s")
    return 0
