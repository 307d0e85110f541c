"""CLI commands whose work spans packages, each a thin wrapper over one use case: ``ingest``,
``interviews import``, ``edit``, ``merge``, ``import qdpx`` (``--into`` merges) and
``interviews pseudonymize``. Groups shared with a package (``interviews``, ``import``) are joined
through ``projectfile.command_group``; no package's parser or handler is changed."""

from __future__ import annotations

import argparse

import pandas as pd

from coding import review_frame
from corpus import (
    KINDS,
    outcomes_frame,
    print_outcomes,
    process_executor,
    scheduler_executor,
)
from exports import ImportFileError, import_qdpx
from interviews import speakers_frame
from projectfile import (
    add_format_option,
    command_group,
    fail,
    open_project,
    print_frame,
    tqdm_progress,
)

from .assistant import run_assistant
from .deid_commands import register_pseudonymize
from .edit import correct_document, read_corrected_text
from .ingest import ingest_files
from .media_commands import (
    add_import_media_option,
    attach_imported_media,
    check_import_media,
    register_media,
)
from .merge import merge_project, preview_merge
from .survey_commands import register_import_survey
from .team_commands import register as register_team
from .transcribe_commands import register_transcribe
from .transcripts import import_transcripts

INTERVIEWS_HELP = "interview transcripts: import, cases, attributes, de-identification"
IMPORT_HELP = "import a REFI-QDA project (.qdpx) or codebook (.qdc)"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the use-case commands to the CLI."""
    p = sub.add_parser(
        "ingest", parents=[common], help="ingest files and folders (PDF, DOCX, TXT, MD, HTML)"
    )
    p.add_argument("paths", nargs="+", help="files or folders (searched recursively)")
    p.add_argument(
        "--workers", type=int, default=None, help="parsing processes (default: number of cores)"
    )
    p.add_argument("--scheduler", default=None, help="Dask scheduler address, e.g. tcp://host:8786")
    p.add_argument("--password", default=None, help="password for encrypted PDFs")
    p.add_argument("--kind", choices=KINDS, default="policy")
    p.add_argument("--max-mb", type=float, default=200, help="refuse files larger than this (MB)")
    p.add_argument("--timeout", type=int, default=300, help="per-file parsing time limit (seconds)")
    p.add_argument(
        "--ocr-languages",
        default="eng+spa",
        help="tesseract languages for scanned PDF pages, e.g. eng, spa, eng+spa (default);"
        " 'none' turns OCR off",
    )
    add_format_option(p)
    p.set_defaults(func=cmd_ingest)

    isub = command_group(sub, "interviews", INTERVIEWS_HELP)
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
    add_import_media_option(c)
    add_format_option(c)
    c.set_defaults(func=cmd_import_transcripts)
    register_pseudonymize(isub, common)
    register_media(isub, common)
    register_transcribe(isub, common)
    register_import_survey(isub, common)

    p = sub.add_parser(
        "edit",
        parents=[common],
        help="correct a coded document: its text becomes a new version, codings follow the words",
    )
    p.add_argument("--document", type=int, required=True, help="document id (current version)")
    p.add_argument("--from-file", required=True, help="the corrected text (any encoding, CRLF ok)")
    p.add_argument("--coder", default="default")
    p.set_defaults(func=cmd_edit)

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

    q = command_group(sub, "import", IMPORT_HELP, dest="what").add_parser(
        "qdpx",
        parents=[common],
        help="import a .qdpx project from NVivo, ATLAS.ti, MAXQDA, QualCoder, ...",
    )
    q.add_argument("file")
    q.add_argument("--coder", default="imported", help="coder for codings without a known user")
    q.add_argument(
        "--into",
        metavar="PROJECT",
        help="merge into this existing project: documents matched by content, codes by path,"
        " coders kept apart; merging the same file twice adds nothing",
    )
    q.set_defaults(func=cmd_import_qdpx)
    register_team(sub, common)  # members, blind, consensus
    register_assistant(sub, common)


def register_assistant(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``assistant run``: the assistant codes documents as a coder of its own."""
    a = command_group(sub, "assistant", "the assistant as a coder you can compare with people")
    p = a.add_parser(
        "run",
        parents=[common],
        help="code documents with codes as the assistant (counted nowhere until accepted)",
    )
    p.add_argument("--documents", type=int, nargs="+", required=True, help="document ids")
    p.add_argument("--codes", nargs="+", required=True, help="code paths or ids")
    add_format_option(p)
    p.set_defaults(func=cmd_assistant_run)


def cmd_assistant_run(args) -> int:
    """Run the assistant; print its coder name, how many codings, and one row per code."""
    db = open_project(args.project, create=False)
    codes = [int(c) if c.isdigit() else c for c in args.codes]
    with tqdm_progress("assistant", disable=args.quiet) as progress:
        report = run_assistant(db, args.documents, codes, progress=progress)
    print(f"{report.codings} codings by {report.coder}")
    print_frame(report.codes, args.format)
    return 0


def _print_lines(lines: list[str]) -> None:
    for line in lines:
        print(line)


def cmd_ingest(args) -> int:
    """Ingest documents (transcripts for --kind interview); print one row per file and what
    followed the new versions; exit 3 when a file failed."""
    db = open_project(args.project)
    with (
        scheduler_executor(args.scheduler) as executor,
        tqdm_progress("ingest", disable=args.quiet) as progress,
    ):
        report = ingest_files(
            db,
            args.paths,
            kind=args.kind,
            executor=executor,
            progress=progress,
            workers=args.workers,
            password=args.password,
            max_bytes=int(args.max_mb * 1024 * 1024),
            timeout_s=args.timeout,
            ocr_languages=None if args.ocr_languages.lower() == "none" else args.ocr_languages,
        )
    code = print_outcomes(outcomes_frame(report.outcomes, full_paths=True), args.format)
    _print_lines(report.versions.lines())
    return code


def cmd_import_transcripts(args) -> int:
    """Import transcripts; print one outcome row per file (turns, speakers) and what followed."""
    roles = {}
    for item in args.role:
        if "=" not in item:
            return fail(f"--role {item!r}: use SPEAKER=ROLE", 2)
        k, v = item.rsplit("=", 1)
        roles[k.strip()] = v.strip()
    check_import_media(args)
    db = open_project(args.project)
    executor = process_executor(args.workers) if args.workers and args.workers > 1 else None
    try:
        with tqdm_progress("import", disable=args.quiet) as progress:
            report = import_transcripts(
                db, args.paths, roles=roles or None, progress=progress, executor=executor
            )
    finally:
        if executor is not None:
            executor.shutdown()
    df = outcomes_frame(report.outcomes, full_paths=True, count="turns")
    sp = speakers_frame(db, [int(i) for i in df["document_id"].dropna()])
    counts = sp.groupby("document_id").size()
    df["speakers"] = [int(counts.get(i, 0)) if pd.notna(i) else 0 for i in df["document_id"]]
    code = print_outcomes(df, args.format, verb="imported")
    _print_lines(report.versions.lines())
    attach_imported_media(db, args, report.outcomes)
    return code


def cmd_edit(args) -> int:
    """Correct a document from a file; print what moved and the codings needing a new place."""
    text = read_corrected_text(args.from_file)
    db = open_project(args.project, create=False)
    done = correct_document(db, args.document, text, args.coder)
    print(done.summary())
    if done.edit.needs_review:
        print_frame(review_frame(db, done.edit.new_document_id), "table")
    _print_lines(done.lines())
    return 0


def cmd_merge(args) -> int:
    """Preview or merge another project; print the merge report."""
    db = open_project(args.project, create=False)
    if args.preview:
        print_frame(preview_merge(db, args.other), args.format, raw=args.raw)
        return 0
    done = merge_project(db, args.other, coder=args.coder)
    if done.imported is not None and args.format == "table":
        _print_lines(done.imported.lines())
    print_frame(done.merged.frame(), args.format, raw=args.raw)
    if args.format == "table":
        print(done.merged.summary() or "nothing to merge")
    return 0


def cmd_import_qdpx(args) -> int:
    """Import a .qdpx as a new project, or merge it ``--into`` an existing one."""
    if args.into:
        db = open_project(args.into, create=False)
        with tqdm_progress("import", disable=args.quiet) as progress:
            done = merge_project(db, args.file, coder=args.coder, progress=progress)
        _print_lines(done.imported.lines())
        print_frame(done.merged.frame(), "table")
        print(done.merged.summary() or "nothing to merge")
        return 0
    try:
        with tqdm_progress("import", disable=args.quiet) as progress:
            report = import_qdpx(args.file, args.project, coder=args.coder, progress=progress)
    except ImportFileError as exc:
        return fail(f"{exc} (the project was not changed)", 2)
    _print_lines(report.lines())
    return 0
