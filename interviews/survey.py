"""Survey and spreadsheet data, parsed (no database): a CSV or XLSX with one respondent per row.

``read_table`` reads the file (CSV decoded like every text file; XLSX read-only after the zip
checks every zip-based input gets), ``infer_columns`` guesses each column's role and type, and
``plan_survey`` checks the rows against the researcher's choices: the respondent id column, the
columns that become typed case attributes, the open-ended columns that become documents (one per
question, each answer a turn of the respondent; or one per answer). Bad rows (no id, a duplicate
id, a value that does not fit its type) are reported with their row number and left out.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from corpus import ParseError, bytes_to_text, check_zip

from .errors import InterviewError
from .values import check_value, infer_type

PER = ("question", "answer")
MAX_ROWS = 200_000
MAX_COLUMNS = 500
OPEN_MIN_CHARS = 40  # a column whose answers average this many characters is open-ended


@dataclass
class SurveyTable:
    """A spreadsheet's header and rows (all cells text, '' for empty)."""

    name: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class ColumnGuess:
    """What a column probably is: ``id``, ``attribute`` (with a type), ``open`` or ``skip``."""

    name: str
    kind: str
    type: str = "text"


@dataclass
class SurveyPlan:
    """What an import will store: respondents with typed attributes and answers per question."""

    name: str
    id_column: str
    per: str
    attributes: dict[str, str]  # column -> type
    open_columns: list[str]
    respondents: list[str] = field(default_factory=list)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # respondent -> column -> value
    answers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # column -> (id, text)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (row number in file, reason)

    def preview(self, n: int = 10) -> list[dict]:
        """Return the first ``n`` respondents as dicts (id, attributes, answers) to show."""
        out = []
        for rid in self.respondents[:n]:
            row = {self.id_column: rid, **self.values.get(rid, {})}
            for col in self.open_columns:
                row[col] = dict(self.answers.get(col, [])).get(rid, "")
            out.append(row)
        return out


def read_table(source: str | Path | bytes, name: str | None = None, sheet: str | None = None):
    """Return the SurveyTable of a CSV or XLSX file (a path, or bytes with ``name``); ParseError
    for a file that cannot be read."""
    if isinstance(source, (str, Path)):
        name = name or Path(source).name
        data = Path(source).read_bytes()
    else:
        data, name = source, name or "survey"
    if name.lower().endswith((".xlsx", ".xlsm")):
        columns, rows = _read_xlsx(data, name, sheet)
    else:
        columns, rows = _read_csv(data, name)
    columns = [" ".join(str(c or "").split()) for c in columns]
    if not columns or not any(columns):
        raise ParseError(name, "no header row: the first row must name the columns", code="empty")
    if len(columns) > MAX_COLUMNS:
        raise ParseError(name, f"too many columns ({len(columns)}, at most {MAX_COLUMNS})")
    seen: set[str] = set()
    for i, col in enumerate(columns):
        if not col:
            columns[i] = col = f"Column {i + 1}"
        if col.casefold() in seen:
            raise ParseError(name, f"two columns are called '{col}': rename one")
        seen.add(col.casefold())
    width = len(columns)
    rows = [(r + [""] * width)[:width] for r in rows]
    return SurveyTable(name, columns, rows)


def _read_csv(data: bytes, name: str) -> tuple[list[str], list[list[str]]]:
    text, _encoding = bytes_to_text(data, name)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        rows = [[cell.strip() for cell in row] for row in reader]
    except csv.Error as exc:
        raise ParseError(name, f"not a readable CSV file ({exc})") from exc
    rows = [r for r in rows if any(r)]
    if len(rows) > MAX_ROWS + 1:
        raise ParseError(name, f"too many rows ({len(rows) - 1}, at most {MAX_ROWS})")
    return (rows[0], rows[1:]) if rows else ([], [])


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> tuple[list[str], list[list[str]]]:
    import openpyxl

    check_zip(data, name).close()
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on damaged files
        raise ParseError(name, f"not a readable XLSX file ({exc})", code="corrupt") from exc
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise ParseError(name, f"no sheet '{sheet}' (sheets: {', '.join(wb.sheetnames)})")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True):
            cells = ["" if v is None else _cell_text(v) for v in row]
            if any(cells):
                rows.append(cells)
            if len(rows) > MAX_ROWS + 1:
                raise ParseError(name, f"too many rows (more than {MAX_ROWS})")
    finally:
        wb.close()
    return (rows[0], rows[1:]) if rows else ([], [])


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def infer_columns(table: SurveyTable) -> list[ColumnGuess]:
    """Return a guess per column: the first column whose values are all present and distinct is
    the id; long free text is open-ended; other columns are attributes typed by their values."""
    guesses = []
    id_found = False
    for i, col in enumerate(table.columns):
        values = [r[i] for r in table.rows]
        filled = [v for v in values if v]
        if not id_found and filled and len(filled) == len(values) == len(set(values)):
            guesses.append(ColumnGuess(col, "id"))
            id_found = True
            continue
        if not filled:
            guesses.append(ColumnGuess(col, "skip"))
            continue
        mean = sum(len(v) for v in filled) / len(filled)
        if mean >= OPEN_MIN_CHARS:
            guesses.append(ColumnGuess(col, "open"))
        else:
            guesses.append(ColumnGuess(col, "attribute", infer_type(filled)))
    return guesses


def plan_survey(
    table: SurveyTable,
    id_column: str,
    attributes: dict[str, str],
    open_columns: list[str],
    per: str = "question",
) -> SurveyPlan:
    """Return what importing ``table`` will store, with the bad rows (row numbers as in the
    file, the header being row 1) and why each was left out."""
    if per not in PER:
        raise InterviewError(f"per must be one of {', '.join(PER)}")
    index = {c: i for i, c in enumerate(table.columns)}
    for col in [id_column, *attributes, *open_columns]:
        if col not in index:
            raise InterviewError(f"{table.name}: no column '{col}'")
    if id_column in attributes or id_column in open_columns:
        raise InterviewError(f"the id column '{id_column}' cannot also be an attribute or answer")
    if not open_columns and not attributes:
        raise InterviewError("choose at least one attribute or open-ended column")
    plan = SurveyPlan(table.name, id_column, per, dict(attributes), list(open_columns))
    plan.answers = {c: [] for c in open_columns}
    seen: dict[str, int] = {}
    for n, row in enumerate(table.rows, start=2):
        rid = " ".join(row[index[id_column]].split())
        if not rid:
            plan.bad_rows.append((n, f"no {id_column}"))
            continue
        if rid.casefold() in seen:
            plan.bad_rows.append((n, f"{id_column} '{rid}' repeats row {seen[rid.casefold()]}"))
            continue
        values, problem = {}, None
        for col, type_ in attributes.items():
            try:
                stored = check_value(row[index[col]], type_, None, col)
            except InterviewError as exc:
                problem = str(exc)
                break
            if stored is not None:
                values[col] = stored
        if problem:
            plan.bad_rows.append((n, problem))
            continue
        seen[rid.casefold()] = n
        plan.respondents.append(rid)
        plan.values[rid] = values
        for col in open_columns:
            text = row[index[col]].strip()
            if text:
                plan.answers[col].append((rid, text))
    return plan
