"""CLI ``interviews transcribe DOC`` / ``interviews transcribe --media FILE``: speech to text into
a new transcript with the recording attached (``workflows.transcribe_recording``); progress on
stderr, the summary on stdout, never the words."""

from __future__ import annotations

import argparse

from interviews import STT_LANGUAGES
from projectfile import fail, open_project, tqdm_progress

from .transcribe import transcribe_recording


def register_transcribe(isub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``transcribe`` to the ``interviews`` group."""
    t = isub.add_parser(
        "transcribe",
        parents=[common],
        help="speech to text, offline (Whisper base): a recording into a new timed transcript",
    )
    t.add_argument(
        "document", type=int, nargs="?", help="transcript whose attached recording to transcribe"
    )
    t.add_argument("--media", metavar="FILE", help="a recording file to transcribe and attach")
    t.add_argument(
        "--language", choices=sorted(STT_LANGUAGES), default="auto", help="en, es or auto"
    )
    t.add_argument("--coder", default="default", help="who transcribes (for the audit log)")
    t.set_defaults(func=cmd_transcribe)


def cmd_transcribe(args) -> int:
    """Transcribe; print what was stored."""
    if (args.document is None) == (args.media is None):
        return fail("give a transcript id (DOC) or --media FILE, one of the two", 2)
    db = open_project(args.project, create=False)
    with tqdm_progress("speech to text", disable=args.quiet) as progress:
        report = transcribe_recording(
            db, args.document, args.media, args.language, args.coder, progress
        )
    print(report.summary())
    return 0
