"""Typed case attributes (text, number, date, category): define, set, and CSV import/export."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from datetime import date
from pathlib import Path

import pandas as pd
import sqlite_utils

from projectfile import transaction

from .store import ensure_case

TYPES = ("text", "number", "date", "category")
_HEADER_TYPE = re.compile(r"^(?P<name>.+?):(?P<type>text|number|date|category)$")


def typed_value(raw, type_: str):
    """Return a stored value as its Python type (float for number, ISO str for date, str otherwise, None if missing)."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)) or raw == "":
        return None
    if type_ == "number":
        return float(raw)
    return str(raw)


def check_value(
    value, type_: str, categories: list[str] | None = None, where: str = ""
) -> str | None:
    """Return the value as stored text, or raise ValueError (naming ``where``) if it does not fit the type."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    if not text:
        return None
    prefix = f"{where}: " if where else ""
    if type_ == "number":
        try:
            num = (
                float(text.replace(",", ""))
                if re.fullmatch(r"-?[\d,]*\.?\d+", text)
                else float(text)
            )
        except ValueError:
            raise ValueError(f"{prefix}{text!r} is not a number") from None
        return repr(int(num)) if num.is_integer() else repr(num)
    if type_ == "date":
        try:
            return (
                date.fromisoformat(text[:10]).isoformat()
                if len(text) >= 10
                else date.fromisoformat(text).isoformat()
            )
        except ValueError:
            raise ValueError(f"{prefix}{text!r} is not a date (use YYYY-MM-DD)") from None
    if type_ == "category" and categories and text not in categories:
        raise ValueError(f"{prefix}{text!r} is not one of the categories {', '.join(categories)}")
    return text


def define_attribute(
    db: sqlite_utils.Database, name: str, type_: str = "text", categories: list[str] | None = None
) -> int:
    """Create (or retype) an attribute; return its id. Existing values must fit the new type."""
    name = " ".join(str(name).split())
    if not name:
        raise ValueError("an attribute needs a name")
    if type_ not in TYPES:
        raise ValueError(f"attribute type must be one of {', '.join(TYPES)}, not {type_!r}")
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


def set_attribute(
    db: sqlite_utils.Database, case: int | str, name: str, value, type_: str | None = None
) -> None:
    """Set one attribute of a case (case id or name; the attribute is created as ``type_`` or text if new)."""
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


def infer_type(values: list[str]) -> str:
    """Return 'number' or 'date' when every non-empty value is one, else 'text'."""
    vals = [v.strip() for v in values if v is not None and str(v).strip()]
    if not vals:
        return "text"
    for t in ("number", "date"):
        try:
            for v in vals:
                check_value(v, t)
            return t
        except ValueError:
            continue
    return "text"


def attributes_csv(
    db: sqlite_utils.Database, path: str | Path | None = None, types_in_header: bool = False
) -> str:
    """Return (and write to ``path`` if given) the case attributes as CSV: case_name, then one column per attribute."""
    from .queries import attributes_frame, case_attributes_frame

    df = case_attributes_frame(db).drop(columns=["case_id"])
    if types_in_header:
        types = dict(zip(attributes_frame(db)["name"], attributes_frame(db)["type"]))
        df = df.rename(columns={n: f"{n}:{t}" for n, t in types.items()})
    for col in df.columns:
        if df[col].dtype == "float64":
            df[col] = df[col].map(
                lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v))
            )
    text = df.to_csv(index=False)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def import_attributes_csv(
    db: sqlite_utils.Database, source: str | Path, name: str | None = None
) -> int:
    """Set case attributes from a CSV (first column the case name; ``col:type`` headers set types); return cells set.

    All or nothing: a bad value raises ValueError naming the file, line and column and nothing is saved.
    """
    if isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and Path(source).exists()
    ):
        name = name or Path(source).name
        from corpus.decode import bytes_to_text

        text = bytes_to_text(Path(source).read_bytes(), name)[0]
    else:
        text = str(source)
        name = name or "attributes.csv"
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not rows[0]:
        raise ValueError(f"{name}: empty CSV")
    header = [h.strip() for h in rows[0]]
    if len(header) < 2:
        raise ValueError(f"{name}: line 1: needs a case column and at least one attribute column")
    columns = []
    for i, h in enumerate(header[1:], start=1):
        m = _HEADER_TYPE.match(h)
        col_name, t = (m.group("name"), m.group("type")) if m else (h, None)
        if not col_name:
            raise ValueError(f"{name}: line 1: column {i + 1} has no name")
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
                raise ValueError(f"{name}: line {line}: no case name in the first column")
            case_id = ensure_case(db, case)
            for i, col_name, t in columns:
                value = row[i] if i < len(row) else ""
                try:
                    set_attribute(db, case_id, col_name, value)
                except ValueError as exc:
                    raise ValueError(f"{name}: line {line}, column {col_name!r}: {exc}") from None
                count += 1
    return count
