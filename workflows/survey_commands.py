"""CLI ``interviews import-survey FILE``: a survey or spreadsheet (CSV/XLSX, one respondent per
row) into cases, typed case attributes and answer documents, a thin wrapper over
``workflows.survey.import_survey``."""

from __future__ import annotations

import argparse
from pathlib import Path

from interviews import infer_type, read_table
from projectfile import QdaError, fail, open_project, tqdm_progress

from .survey import import_survey


def register_import_survey(isub: argparse._SubParsersAction, common) -> None:
    """Add ``interviews import-survey`` to the ``interviews`` group."""
    c = isub.add_parser(
        "import-survey",
        parents=[common],
        help="import a survey CSV/XLSX: respondents become cases, columns typed attributes,"
        " open-ended answers coded documents (one transaction)",
    )
    c.add_argument("file", help="the survey file (.csv, .xlsx)")
    c.add_argument("--id-column", required=True, help="the column naming each respondent")
    c.add_argument(
        "--attribute-columns",
        default="",
        metavar="COL[:TYPE],...",
        help="columns stored as case attributes; TYPE is text/number/date/category"
        " (default: guessed from the values)",
    )
    c.add_argument(
        "--open-columns", default="", metavar="COL,...", help="open-ended question columns"
    )
    c.add_argument(
        "--per",
        choices=("question", "answer"),
        default="question",
        help="one document per question (default) or per answer",
    )
    c.add_argument("--sheet", default=None, help="the XLSX sheet (default: the first)")
    c.add_argument("--coder", default="system")
    c.set_defaults(func=cmd_import_survey)


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def cmd_import_survey(args) -> int:
    """Import the survey; print what was stored and the bad rows; exit 2 on a bad file."""
    path = Path(args.file)
    if not path.is_file():
        return fail(f"{args.file}: no such file", 2)
    try:
        data = path.read_bytes()
        table = read_table(data, path.name, args.sheet)
        attributes = {}
        for spec in _names(args.attribute_columns):
            col, _, type_ = (p.strip() for p in spec.partition(":"))
            if not type_ and col in table.columns:  # guessed from the column's values
                i = table.columns.index(col)
                type_ = infer_type([r[i] if i < len(r) else "" for r in table.rows])
            attributes[col] = type_ or "text"
        db = open_project(args.project)
        with tqdm_progress("survey", disable=args.quiet) as progress:
            report = import_survey(
                db,
                data,
                args.id_column,
                attributes,
                _names(args.open_columns),
                per=args.per,
                name=path.name,
                sheet=args.sheet,
                coder=args.coder,
                progress=progress,
            )
    except QdaError as exc:
        message = str(exc)
        if path.name not in message:
            message = f"{args.file}: {message}"
        return fail(f"{message} (nothing was imported)", 2)
    print(
        f"{path.name}: {report.cases_new} new cases, {report.cases_existing} existing,"
        f" {report.values} attribute values, {report.answers} answers in"
        f" {len(report.documents)} documents (survey {report.survey_id})"
    )
    for row, reason in report.bad_rows:
        print(f"  row {row} left out: {reason}")
    return 0
