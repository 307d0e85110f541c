"""Row keys of framework matrices: what a row is (a case, a document, a case attribute's value),
written as stable text so a cell summary (a memo) stays on its row.

- ``case:12``: case 12 (merging cases moves its summaries, ``coding.merge_cases``);
- ``document:5``: the document whose first version is 5, so a corrected version keeps its rows;
- ``attribute:sector=industry``: the cases whose attribute ``sector`` is ``industry``
  (``(none)`` for cases without a value).
"""

from __future__ import annotations

import math

import sqlite_utils

from corpus import current_version, get_document, version_chain
from projectfile import NotFound

from .case_data import case_names
from .history import CodingError

ROW_KINDS = ("case", "document", "attribute")
NO_VALUE = "(none)"


def parse_rows(rows: str) -> tuple[str, str | None]:
    """Return (kind, attribute name or None) for 'case', 'document' or 'attribute:NAME'."""
    kind, _, name = str(rows).partition(":")
    if kind not in ROW_KINDS or (kind == "attribute") != bool(name.strip()):
        raise CodingError(
            f"rows must be 'case', 'document' or 'attribute:NAME' (a case attribute), not {rows!r}"
        )
    return kind, name.strip() or None


def value_label(value) -> str:
    """Return an attribute value as row text: 22.0 -> '22', None/NaN -> '(none)'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_VALUE
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or NO_VALUE


def row_key(kind: str, value, attribute: str | None = None) -> str:
    """Return the key of a row: ``case:12``, ``document:5`` (first version), ``attribute:a=v``."""
    if kind == "attribute":
        return f"attribute:{attribute}={value_label(value)}"
    return f"{kind}:{int(value)}"


def first_version(db: sqlite_utils.Database, document_id: int) -> int:
    """Return the id of the first version of the document ``document_id`` belongs to."""
    return version_chain(db, int(document_id))[0]


def split_row_key(key: str) -> tuple[str, str]:
    """Return (kind, rest) of a row key, refusing a malformed one."""
    kind, sep, rest = str(key).partition(":")
    ok = sep and rest and kind in ROW_KINDS
    if ok and kind == "attribute":
        ok = "=" in rest and bool(rest.split("=", 1)[0].strip())
    elif ok:
        ok = rest.isdigit()
    if not ok:
        raise CodingError(
            f"{key!r} is not a framework row (case:ID, document:ID or attribute:NAME=VALUE)"
        )
    return kind, rest


def row_label(db: sqlite_utils.Database, key: str) -> str:
    """Return what a person reads for a row key: the case's name, the document's current title,
    'sector = industry'."""
    kind, rest = split_row_key(key)
    if kind == "case":
        name = case_names(db).get(int(rest))
        if name is None:
            raise NotFound(f"no case {rest}")
        return name
    if kind == "document":
        return str(get_document(db, current_version(db, int(rest)))["title"])
    name, value = rest.split("=", 1)
    return f"{name} = {value}"
