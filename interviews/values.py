"""Typed attribute values (text, number, date, category): checking, storing and reading back."""

from __future__ import annotations

import math
import re
from datetime import date

from .errors import InterviewError

TYPES = ("text", "number", "date", "category")


def typed_value(raw, type_: str):
    """Return a stored value as its Python type.

    float for number, ISO str for date, str otherwise, None if missing.
    """
    if raw is None or (isinstance(raw, float) and math.isnan(raw)) or raw == "":
        return None
    if type_ == "number":
        return float(raw)
    return str(raw)


def check_value(
    value, type_: str, categories: list[str] | None = None, where: str = ""
) -> str | None:
    """Return the value as stored text; InterviewError (naming ``where``) if it does not fit."""
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
            raise InterviewError(f"{prefix}{text!r} is not a number") from None
        return repr(int(num)) if num.is_integer() else repr(num)
    if type_ == "date":
        try:
            return (
                date.fromisoformat(text[:10]).isoformat()
                if len(text) >= 10
                else date.fromisoformat(text).isoformat()
            )
        except ValueError:
            raise InterviewError(f"{prefix}{text!r} is not a date (use YYYY-MM-DD)") from None
    if type_ == "category" and categories and text not in categories:
        raise InterviewError(
            f"{prefix}{text!r} is not one of the categories {', '.join(categories)}"
        )
    return text


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
        except InterviewError:
            continue
    return "text"
