"""Typed case attributes (text, number, date, category): define, set, and CSV import/export."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import sqlite_utils

from corpus import bytes_to_text
from projectfile import frame_to_csv, restore_cell, transaction, writes

from .errors import InterviewError
from .queries import attributes_frame, case_attributes_frame
from .store import ensure_case
from .values import TYPES, check_value, infer_type

_HEADER_TYPE = re.compile(r"^(?P<name>.+?):(?P<type>text|number|date|category)$")


@writes("cases")
def define_attribute(
    db: sqlite_utils.Database, name: str, type_: str = "text", categories: list[str] | None = None
) -> int:
    """Create (or retype) an attribute; return its id. Existing values must fit the new type."""
    name = " ".join(str(name).split())
    if not name:
        raise InterviewError("an attribute needs a name")
    if type_ not in TYPES:
        raise InterviewError(f"attribute type must be one of {', '.join(TYPES)}, not {type_!r}")
    with transaction(db):
        row = db.execute(
            "SELECT id FROM attributes WHERE name = ? COLLATE NOCASE", [name]
        ).fetchone()
        cats = json.dumps(list(categories or []), ensure_ascii=False)
        if row:
            attr_id = row[0]
            for case_id, value in db.execute(
                "SELECT case_id, value FROM case_attributes WHERE attribute_id = ?", [attr_id]
            ).fetchall():
                check_value(value, type_, categories, f"attribute {name}, case {case_id}")
            db.execute(
                "UPDATE attributes SET type = ?, categories = ? WHERE id = ?",
                [type_, cats, attr_id],
            )
            return attr_id
        pos = db.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM attributes").fetchone()[0]
        return db.execute(
            "INSERT INTO attributes (name, type, categories, position) VALUES (?, ?, ?, ?)",
            [name, type_, cats, pos],
        ).lastrowid


@writes("cases")
def set_attribute(
    db: sqlite_utils.Database, case: int | str, name: str, value, type_: str | None = None
) -> None:
    """Set one attribute of a case (by id or name); a new attribute is ``type_`` (or text)."""
    with transaction(db):
        case_id = case if isinstance(case, int) else ensure_case(db, case)
        row = db.execute(
            "SELECT id, type, categories FROM attributes WHERE name = ? COLLATE NOCASE", [name]
        ).fetchone()
        if row is None:
            attr_id, t, cats = define_attribute(db, name, type_ or "text"), type_ or "text", []
        else:
            attr_id, t, cats = row[0], row[1], json.loads(row[2])
        stored = check_value(value, t, cats, f"attribute {name}")
        if stored is None:
            db.execute(
                "DELETE FROM case_attributes WHERE case_id = ? AND attribute_id = ?",
                [case_id, attr_id],
            )
        else:
            db.execute(
                "INSERT INTO case_attributes (case_id, attribute_id, value) VALUES (?, ?, ?)"
                " ON CONFLICT (case_id, attribute_id) DO UPDATE SET value = excluded.value",
                [case_id, attr_id, stored],
            )


@writes("cases")
def delete_attribute(db: sqlite_utils.Database, name: str) -> None:
    """Delete an attribute and its values (an unknown name deletes nothing)."""
    with transaction(db):
        db.execute("DELETE FROM attributes WHERE name = ? COLLATE NOCASE", [" ".join(name.split())])


def attributes_csv(
    db: sqlite_utils.Database,
    path: str | Path | None = None,
    types_in_header: bool = False,
    raw: bool = False,
) -> str:
    """Return (and write to ``path`` if given) the case attributes as CSV.

    Columns: case_name, then one column per attribute. A value a spreadsheet would run as a
    formula starts with ``'`` unless ``raw`` (``import_attributes_csv`` reads it back as it was).
    """
    df = case_attributes_frame(db).drop(columns=["case_id"])
    if types_in_header:
        types = dict(zip(attributes_frame(db)["name"], attributes_frame(db)["type"]))
        df = df.rename(columns={n: f"{n}:{t}" for n, t in types.items()})
    for col in df.columns:
        if df[col].dtype == "float64":
            df[col] = df[col].map(
                lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v))
            )
    text = frame_to_csv(df, raw=raw)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


@writes("cases")
def import_attributes_csv(
    db: sqlite_utils.Database, source: str | Path, name: str | None = None
) -> int:
    """Set case attributes from a CSV; return how many cells were set.

    The first column is the case name; ``col:type`` headers set types.

    All or nothing: a bad value raises InterviewError naming the file, line and column, and
    nothing is saved.
    """
    if isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and Path(source).exists()
    ):
        name = name or Path(source).name
        text = bytes_to_text(Path(source).read_bytes(), name)[0]
    else:
        text = str(source)
        name = name or "attributes.csv"
    rows = [[restore_cell(c) for c in r] for r in csv.reader(io.StringIO(text))]
    if not rows or not rows[0]:
        raise InterviewError(f"{name}: empty CSV")
    header = [h.strip() for h in rows[0]]
    if len(header) < 2:
        raise InterviewError(
            f"{name}: line 1: needs a case column and at least one attribute column"
        )
    columns = []
    for i, h in enumerate(header[1:], start=1):
        m = _HEADER_TYPE.match(h)
        col_name, t = (m.group("name"), m.group("type")) if m else (h, None)
        if not col_name:
            raise InterviewError(f"{name}: line 1: column {i + 1} has no name")
        if t is None:
            existing = db.execute(
                "SELECT type FROM attributes WHERE name = ? COLLATE NOCASE", [col_name]
            ).fetchone()
            t = existing[0] if existing else infer_type([r[i] for r in rows[1:] if len(r) > i])
        columns.append((i, col_name, t))
    count = 0
    with transaction(db):
        for _, col_name, t in columns:
            existing = db.execute(
                "SELECT type FROM attributes WHERE name = ? COLLATE NOCASE", [col_name]
            ).fetchone()
            if existing is None or existing[0] != t:
                define_attribute(db, col_name, t)
        for line, row in enumerate(rows[1:], start=2):
            if not any(c.strip() for c in row):
                continue
            case = row[0].strip()
            if not case:
                raise InterviewError(f"{name}: line {line}: no case name in the first column")
            case_id = ensure_case(db, case)
            for i, col_name, _ in columns:
                value = row[i] if i < len(row) else ""
                try:
                    set_attribute(db, case_id, col_name, value)
                except InterviewError as exc:
                    raise InterviewError(
                        f"{name}: line {line}, column {col_name!r}: {exc}"
                    ) from None
                count += 1
    return count
