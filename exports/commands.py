"""CLI commands: ``export evidence|matrix|framework|joint|codebook|qdpx|qdc`` and ``import qdc``
(``import qdpx``, which can merge, is a use case: ``workflows/commands.py``)."""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from pathlib import Path

from coding import Scope, codes_frame
from projectfile import RAW_HELP, command_group, fail, open_project, tqdm_progress

from .citations import FIELDS, PRESETS, citation_template, set_citation_template
from .downloads import EVIDENCE_FORMATS
from .errors import ExportError, ImportFileError
from .evidence import evidence_scope, evidence_table
from .framework import (
    FRAMEWORK_FORMATS,
    framework_latex,
    framework_markdown,
    framework_table,
    framework_xlsx,
)
from .framework_docx import framework_docx
from .joint import MIXED_FORMATS, joint_table, mixed_file
from .matrices import codebook_frame, matrix_frame, matrix_xlsx
from .refi import MEDIA_MODES, export_qdc, export_qdpx, import_qdc
from .report import evidence_report
from .tables import evidence_csv, evidence_latex, evidence_markdown, evidence_xlsx, frame_csv
from .word import codebook_docx, evidence_docx

TEXT_FORMATS = ("csv", "md", "tex", "html")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "export", help="export evidence tables, matrices, the codebook or the project (REFI-QDA)"
    )
    esub = p.add_subparsers(dest="what", required=True)

    q = esub.add_parser(
        "evidence", parents=[common], help="one row per coded segment: quote, case, citation, ..."
    )
    q.add_argument(
        "--codes", action="append", help="code id or 'A > B' path (repeatable; sub-codes included)"
    )
    q.add_argument("--exact-codes", action="store_true", help="do not include sub-codes of --codes")
    q.add_argument("--cases", action="append", help="case name or id (repeatable)")
    q.add_argument("--documents", action="append", type=int, help="document id (repeatable)")
    q.add_argument("--coders", action="append", help="coder name (repeatable)")
    q.add_argument(
        "--attribute",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="case attribute filter (repeatable)",
    )
    q.add_argument(
        "--context",
        default=None,
        help="characters either side of each quote, or 'unit' (whole turn/paragraph)",
    )
    q.add_argument(
        "--all-versions", action="store_true", help="include codings on older document versions"
    )
    q.add_argument("--format", choices=EVIDENCE_FORMATS, default="csv")
    q.add_argument("--out", help="output file (csv/md/tex/html may go to standard output)")
    q.add_argument(
        "--bom", action="store_true", help="CSV: start with a byte-order mark (for Excel)"
    )
    q.add_argument(
        "--raw",
        action="store_true",
        help=RAW_HELP,
    )
    q.add_argument("--sheet-per-code", action="store_true", help="XLSX: one sheet per code")
    q.add_argument(
        "--standalone", action="store_true", help="LaTeX: a whole document, not a fragment"
    )
    q.add_argument(
        "--clips",
        action="store_true",
        help="HTML: a short recording under each transcript quote, cut with ffmpeg (needs"
        " recordings attached; a shareable copy has none)",
    )
    q.add_argument(
        "--citation",
        metavar="TEMPLATE",
        help="citation template or preset name for this export (default: the project's; see"
        " 'export citation')",
    )
    q.set_defaults(func=cmd_evidence)

    q = esub.add_parser(
        "citation", parents=[common], help="show or set the project's citation template"
    )
    q.add_argument("--set", metavar="TEMPLATE", help="a template or a preset name to store")
    q.set_defaults(func=cmd_citation)

    q = esub.add_parser(
        "matrix", parents=[common], help="code x case, code x attribute value or code co-occurrence"
    )
    q.add_argument(
        "--kind", choices=("code-case", "code-attribute", "cooccurrence"), default="code-case"
    )
    q.add_argument(
        "--value", choices=("codings", "coded_chars", "percent", "present"), default="codings"
    )
    q.add_argument("--attribute", help="attribute for --kind code-attribute")
    q.add_argument(
        "--mode",
        choices=("overlap", "paragraph", "turn"),
        default="overlap",
        help="co-occurrence unit",
    )
    q.add_argument("--codes", action="append")
    q.add_argument(
        "--count",
        choices=("auto", "segments", "codings"),
        default="auto",
        help="segments: a segment coded by several coders counts once; codings: every coding;"
        " auto: segments when more than one coder coded (default)",
    )
    q.add_argument(
        "--transpose",
        action="store_true",
        help="cases (or attribute values) as rows, codes as columns",
    )
    q.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    q.add_argument("--out")
    q.add_argument("--bom", action="store_true")
    q.add_argument(
        "--raw",
        action="store_true",
        help=RAW_HELP,
    )
    q.set_defaults(func=cmd_matrix)

    q = esub.add_parser(
        "framework",
        parents=[common],
        help="framework matrix: rows x codes, cell summaries, counts and quotes",
    )
    q.add_argument(
        "--rows", default="case", help="case, document or attribute:NAME (default: case)"
    )
    q.add_argument("--codes", action="append", help="code id or 'A > B' path (repeatable)")
    q.add_argument(
        "--children", action="store_true", help="each code's column gathers its sub-codes"
    )
    q.add_argument("--coders", action="append", help="coder name (repeatable)")
    q.add_argument("--documents", action="append", type=int, help="document id (repeatable)")
    q.add_argument("--cases", action="append", help="case name or id (repeatable)")
    q.add_argument("--attribute", action="append", default=[], metavar="NAME=VALUE")
    q.add_argument("--count", choices=("auto", "segments", "codings"), default="auto")
    q.add_argument("--quotes", type=int, default=3, help="quotes per cell (default 3; 0: none)")
    q.add_argument("--all-rows", action="store_true", help="keep rows with nothing in them")
    q.add_argument("--footnotes", action="store_true", help="DOCX: quotes as footnotes")
    q.add_argument("--format", choices=FRAMEWORK_FORMATS, default="docx")
    q.add_argument("--out", help="output file (md/tex may go to standard output)")
    q.set_defaults(func=cmd_framework)

    q = esub.add_parser(
        "joint",
        parents=[common],
        help="joint display: codes x groups of cases by an attribute (shares, quotes)",
    )
    q.add_argument("--attribute", required=True, help="case attribute that groups the cases")
    q.add_argument("--bins", help="number edges, e.g. 0,30,45,60,120 (ages 0–29, 30–44, ...)")
    q.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="NAME=V1,V2",
        help="merge attribute values into a group (repeatable)",
    )
    q.add_argument("--codes", action="append", help="code id or 'A > B' path (repeatable)")
    q.add_argument("--children", action="store_true", help="each code gathers its sub-codes")
    q.add_argument("--coders", action="append", help="coder name (repeatable)")
    q.add_argument("--count", choices=("auto", "segments", "codings"), default="auto")
    q.add_argument("--quotes", type=int, default=2, help="quotes per cell (default 2)")
    q.add_argument("--format", choices=MIXED_FORMATS, default="docx")
    q.add_argument("--out", help="output file (csv may go to standard output)")
    q.add_argument("--raw", action="store_true", help=RAW_HELP)
    q.set_defaults(func=cmd_joint)

    q = esub.add_parser(
        "codebook", parents=[common], help="the codebook as CSV, DOCX or REFI-QDA .qdc"
    )
    q.add_argument("--format", choices=("csv", "docx", "qdc"), default="csv")
    q.add_argument("--out")
    q.add_argument("--bom", action="store_true")
    q.add_argument(
        "--raw",
        action="store_true",
        help=RAW_HELP,
    )
    q.set_defaults(func=cmd_codebook)

    q = esub.add_parser(
        "qdpx", parents=[common], help="the whole project as a REFI-QDA .qdpx archive"
    )
    q.add_argument("--out", required=True)
    q.add_argument(
        "--media",
        choices=MEDIA_MODES,
        default="reference",
        help="transcripts' recordings: named by file name (reference, the default: recordings are"
        " confidential and stay here), inside the archive (embed), or transcripts as plain text"
        " sources (none)",
    )
    q.set_defaults(func=cmd_qdpx)
    q = esub.add_parser("qdc", parents=[common], help="the codebook as a REFI-QDA .qdc file")
    q.add_argument("--out", required=True)
    q.add_argument("--snapshot", help="a named codebook snapshot instead of the codebook now")
    q.set_defaults(func=cmd_qdc)
    q = esub.add_parser(
        "history", parents=[common], help="how the codebook evolved, for a methods section"
    )
    q.add_argument("--format", choices=("md", "docx"), default="md")
    q.add_argument("--since", help="only the changes after this named snapshot")
    q.add_argument("--out")
    q.set_defaults(func=cmd_history)

    q = command_group(
        sub, "import", "import a REFI-QDA project (.qdpx) or codebook (.qdc)", dest="what"
    ).add_parser("qdc", parents=[common], help="import a .qdc codebook")
    q.add_argument("file")
    q.add_argument("--coder", default="imported", help="coder for codings without a known user")
    q.set_defaults(func=cmd_import)


def _db(args):
    return open_project(args.project, create=False)


def _out(args, fmt: str):
    if args.out:
        return Path(args.out)
    if fmt in TEXT_FORMATS:
        return sys.stdout.buffer
    raise ExportError(f"--out FILE is needed for {fmt}")


def _done(out, what: str, rows: int | None = None) -> int:
    if isinstance(out, Path):
        print(
            f"wrote {what}{f' ({rows} rows)' if rows is not None else ''} to {out}", file=sys.stderr
        )
    return 0


def _parse_attributes(items: list[str]) -> dict[str, list[str]]:
    attrs: dict[str, list[str]] = {}
    for item in items:
        if "=" not in item:
            raise ExportError(f"--attribute {item!r}: expected NAME=VALUE")
        name, value = item.split("=", 1)
        attrs.setdefault(name.strip(), []).append(value.strip())
    return attrs


def cmd_evidence(args) -> int:
    db = _db(args)
    context = args.context
    if context is not None and context != "unit":
        if not context.isdigit():
            return fail(f"--context {context!r}: give a number of characters or 'unit'", 2)
        context = int(context)
    codes = [int(c) if c.isdigit() else c for c in args.codes] if args.codes else None
    cases = [int(c) if c.isdigit() else c for c in args.cases] if args.cases else None
    scope = evidence_scope(
        db,
        codes=codes,
        cases=cases,
        documents=args.documents,
        coders=args.coders,
        attributes=_parse_attributes(args.attribute) or None,
        children=not args.exact_codes,
        include_old_versions=args.all_versions,
    )
    df = evidence_table(
        db,
        scope,
        context=context,
        template=PRESETS.get(args.citation, args.citation) if args.citation else None,
    )
    out = _out(args, args.format)
    if args.format == "csv":
        evidence_csv(df, out, bom=args.bom, raw=args.raw)
    elif args.format == "xlsx":
        evidence_xlsx(df, out, sheet_per_code=args.sheet_per_code, codebook=codes_frame(db))
    elif args.format == "docx":
        evidence_docx(df, out, codebook=codes_frame(db))
    elif args.format == "md":
        evidence_markdown(df, out)
    elif args.format == "tex":
        evidence_latex(df, out, standalone=args.standalone)
    else:
        title = f"Coded evidence — {Path(args.project).name.split('.')[0]}"
        evidence_report(db, df, out, title=title, scope=scope, clips=args.clips)
    return _done(out, f"evidence ({args.format})", len(df))


def cmd_citation(args) -> int:
    db = _db(args)
    if args.set:
        print(set_citation_template(db, args.set))
        return 0
    print(citation_template(db))
    print("\npresets:", file=sys.stderr)
    for preset, template in PRESETS.items():
        print(f"  {preset}: {template}", file=sys.stderr)
    print("fields: " + ", ".join(f"{{{f}}}" for f in FIELDS), file=sys.stderr)
    return 0


def cmd_matrix(args) -> int:
    df = matrix_frame(
        _db(args),
        kind=args.kind,
        value=args.value,
        attribute=args.attribute,
        mode=args.mode,
        codes=args.codes,
        transpose=args.transpose,
        count=args.count,
    )
    out = _out(args, args.format)
    if args.format == "csv":
        frame_csv(df, out, bom=args.bom, raw=args.raw)
    else:
        matrix_xlsx(df, out, title=args.kind)
    return _done(out, f"{args.kind} matrix", len(df))


def cmd_framework(args) -> int:
    db = _db(args)
    codes = [int(c) if c.isdigit() else c for c in args.codes] if args.codes else None
    cases = [int(c) if c.isdigit() else c for c in args.cases] if args.cases else None
    scope = evidence_scope(
        db,
        Scope(children=args.children, count=args.count),
        codes=codes,
        cases=cases,
        documents=args.documents,
        coders=args.coders,
        attributes=_parse_attributes(args.attribute) or None,
    )
    table = framework_table(
        db, scope, rows=args.rows, quotes=args.quotes, only_filled=not args.all_rows
    )
    out = _out(args, args.format)
    if args.format == "docx":
        framework_docx(table, out, quotes_as="footnotes" if args.footnotes else "appendix")
    elif args.format == "xlsx":
        framework_xlsx(table, out)
    elif args.format == "md":
        framework_markdown(table, out)
    else:
        framework_latex(table, out, standalone=True)
    return _done(out, f"framework matrix ({args.format})", len(table.rows))


def _bins(args):
    if args.bins and args.group:
        raise ExportError("give --bins (numbers) or --group (values), not both")
    if args.bins:
        try:
            return [float(x) for x in args.bins.split(",") if x.strip()]
        except ValueError:
            raise ExportError(f"--bins {args.bins!r}: expected numbers such as 0,30,45") from None
    groups = {}
    for item in args.group:
        if "=" not in item:
            raise ExportError(f"--group {item!r}: expected NAME=VALUE1,VALUE2")
        name, values = item.split("=", 1)
        groups[name.strip()] = [v.strip() for v in values.split(",") if v.strip()]
    return groups or None


def cmd_joint(args) -> int:
    db = _db(args)
    codes = [int(c) if c.isdigit() else c for c in args.codes] if args.codes else None
    scope = Scope.of(
        Scope(children=args.children, count=args.count), codes=codes, coders=args.coders
    )
    table = joint_table(db, scope, args.attribute, _bins(args), quotes=args.quotes)
    out = _out(args, args.format)
    data, _, _ = mixed_file(
        table, args.format, "joint", "joint", args.attribute, scope.describe(), raw=args.raw
    )
    with out.open("wb") if isinstance(out, Path) else nullcontext(out) as fh:
        fh.write(data)
    return _done(out, f"joint display by {args.attribute}", len(table))


def cmd_codebook(args) -> int:
    db = _db(args)
    if args.format == "csv":
        out = _out(args, "csv")
        frame_csv(codebook_frame(db), out, bom=args.bom, raw=args.raw)
    elif args.format == "docx":
        out = _out(args, "docx")
        codebook_docx(
            codes_frame(db), out, title=f"Codebook — {Path(args.project).name.split('.')[0]}"
        )
    else:
        out = export_qdc(db, _out(args, "qdc"))
    return _done(out, "codebook")


def cmd_qdpx(args) -> int:
    with tqdm_progress("export", disable=args.quiet) as progress:
        out = export_qdpx(
            _db(args),
            args.out,
            name=Path(args.project).name.split(".")[0],
            progress=progress,
            media=args.media,
        )
    return _done(out, "REFI-QDA project")


def cmd_qdc(args) -> int:
    return _done(export_qdc(_db(args), args.out, snapshot=args.snapshot), "REFI-QDA codebook")


def cmd_history(args) -> int:
    from coding import codebook_history_frame, codebook_periods

    from .codebook_history import history_docx, history_markdown

    db = _db(args)
    periods, events = codebook_periods(db), codebook_history_frame(db, since_snapshot=args.since)
    if args.format == "md":
        out = history_markdown(periods, events, _out(args, "md"))
    else:
        out = history_docx(periods, events, _out(args, "docx"))
    return _done(out, "codebook history", len(events))


def cmd_import(args) -> int:
    """Import a .qdc codebook (``import qdpx`` is a use case: ``workflows/commands.py``)."""
    try:
        report = import_qdc(args.file, args.project, coder=args.coder)
    except ImportFileError as exc:
        return fail(f"{exc} (the project was not changed)", 2)
    print("\n".join(report.lines()))
    return 0
