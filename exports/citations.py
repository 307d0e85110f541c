"""Citations of quotes: one template per project, rendered for every row of the evidence table.

A template is text with fields in braces; a part in square brackets is left out when a field in
it is empty, so one template serves interviews and PDFs alike::

    [{speaker}, ]{title}[, turn {turn}][, p. {page}][, {time_range}]
      -> 'Interviewer 1, interview-3, turn 14, 00:03:44-00:04:02'   (a transcript)
      -> 'Policy brief 2021, p. 12'                        (a PDF)

Fields: FIELDS below. The template is stored in the project (``exports_meta``), so every export of
the project (CSV, XLSX, DOCX, Markdown, LaTeX, HTML) and the Export page's preview cite alike.
"""

from __future__ import annotations

import re

import pandas as pd
import sqlite_utils

from projectfile import transaction, writes

from .errors import ExportError

FIELDS = {
    "case": "the case the quote belongs to (the case rule)",
    "speaker": "the speaker of the quote's turn",
    "source": "the speaker, else the case, else the document title",
    "title": "the document's title",
    "author": "the document's author",
    "date": "the document's date (as stored, e.g. 2021-03-04)",
    "year": "the year of the document's date",
    "page": "the PDF page where the quote starts",
    "turn": "the number of the quote's turn in its transcript",
    "line": "the line of the document's text where the quote starts",
    "timestamp": "the time of the quote's turn in the recording (00:03:44)",
    "time_range": "the quote's time range in the recording (00:03:44-00:04:02)",
}
PRESETS = {
    "Speaker, document, turn, time": (
        "[{speaker}, ]{title}[, turn {turn}][, p. {page}][, {time_range}]"
    ),
    "Title (Year), p. 12": "{title}[ ({year})][, p. {page}][, turn {turn}][, {time_range}]",
    "Case, line": "[{case}, ]{title}[, line {line}]",
    "Speaker and time in parentheses": "({source}[, {time_range}][, p. {page}])",
    "Speaker, document, turn, start time": (
        "[{speaker}, ]{title}[, turn {turn}][, p. {page}][, {timestamp}]"
    ),
}
DEFAULT_TEMPLATE = PRESETS["Speaker, document, turn, time"]
_KEY = "citation_template"
_FIELD = re.compile(r"\{([a-z_]+)\}")
_PART = re.compile(r"\[([^\[\]]*)\]")
MAX_TEMPLATE = 300


def check_template(template: str) -> str:
    """Return ``template`` stripped, or raise ExportError naming the unknown field or the fault."""
    template = (template or "").strip()
    if not template:
        raise ExportError("a citation template cannot be empty: pick a preset or type one")
    if len(template) > MAX_TEMPLATE:
        raise ExportError(f"a citation template holds at most {MAX_TEMPLATE} characters")
    for name in _FIELD.findall(template):
        if name not in FIELDS:
            raise ExportError(
                f"unknown field {{{name}}} in the citation template; fields: "
                + ", ".join(f"{{{f}}}" for f in FIELDS)
            )
    depth = 0
    for ch in template:
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if depth not in (0, 1):
            raise ExportError("optional parts [ ... ] of a citation template cannot nest")
    if depth:
        raise ExportError("an optional part of the citation template is missing its ']'")
    return template


def _blank(value) -> bool:
    if value is None:
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return str(value).strip() == ""


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def render_citation(template: str, fields: dict) -> str:
    """Return the citation of one quote: ``template`` with ``fields`` filled in, optional parts
    whose fields are empty left out, spaces and stray separators tidied."""

    def fill(text: str) -> str:
        return _FIELD.sub(lambda m: _text(fields.get(m.group(1))), text)

    def part(m: re.Match) -> str:
        names = _FIELD.findall(m.group(1))
        if any(_blank(fields.get(n)) for n in names):
            return ""
        return fill(m.group(1))

    out = fill(_PART.sub(part, template))
    out = re.sub(r"\s+", " ", out)
    out = re.sub(r"\(\s*,\s*", "(", out)
    out = re.sub(r"\s*,\s*\)", ")", out)
    out = re.sub(r"^[\s,;]+|[\s,;]+$", "", out)
    return out.replace("()", "").strip()


def citation_fields(df: pd.DataFrame, documents: pd.DataFrame, lines: pd.Series) -> pd.DataFrame:
    """Return one row of FIELDS per evidence row (same index), from the evidence columns, the
    documents frame (id, author, date) and each quote's line number."""
    docs = documents.set_index("id")
    date = df["document_id"].map(docs["date"]) if "date" in docs else None
    author = df["document_id"].map(docs["author"]) if "author" in docs else None
    speaker = df["speaker"]
    source = speaker.where(speaker.notna(), df["case_name"])
    source = source.where(source.notna(), df["document_title"])
    out = pd.DataFrame(
        {
            "case": df["case_name"],
            "speaker": speaker,
            "source": source,
            "title": df["document_title"],
            "author": author,
            "date": date,
            "year": date.map(_year) if date is not None else None,
            "page": df["page"],
            "turn": df["turn_no"] if "turn_no" in df else None,
            "line": lines,
            "timestamp": df["timestamp"],
            "time_range": df["time_range"] if "time_range" in df else None,
        },
        index=df.index,
    )
    return out


def _year(value) -> str | None:
    m = re.search(r"\b(1[5-9]\d\d|2\d\d\d)\b", str(value)) if not _blank(value) else None
    return m.group(1) if m else None


def citations(template: str, fields: pd.DataFrame) -> list[str]:
    """Return the citation of every row of ``fields`` (citation_fields) under ``template``."""
    template = check_template(template)
    return [render_citation(template, row) for row in fields.to_dict("records")]


def citation_template(db: sqlite_utils.Database) -> str:
    """Return the project's citation template (DEFAULT_TEMPLATE until one is set)."""
    row = db.execute("SELECT value FROM exports_meta WHERE key = ?", [_KEY]).fetchone()
    return row[0] if row else DEFAULT_TEMPLATE


@writes("settings")
def set_citation_template(db: sqlite_utils.Database, template: str) -> str:
    """Store ``template`` (a preset's name or a template) as the project's; return the template."""
    template = PRESETS.get(template, template)
    template = check_template(template)
    with transaction(db):
        db.execute(
            "INSERT INTO exports_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [_KEY, template],
        )
    return template
