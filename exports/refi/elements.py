"""REFI-QDA XML building blocks shared by the project and codebook exports.

GUIDs are uuid5 of stable keys ('code:12', 'document:3') in the project's own namespace, so two
exports of one project agree and two projects never share GUIDs; elements are built with lxml and
their text made XML-safe.
"""

from __future__ import annotations

import uuid

import pandas as pd
import sqlite_utils
from lxml import etree

from ..word import xml_safe

NS = "urn:QDA-XML:project:1.0"
NS_QDC = "urn:QDA-XML:codebook:1.0"
ORIGIN = "QDA Workbench 0.1"


def project_namespace(db: sqlite_utils.Database) -> uuid.UUID:
    """Return the project's GUID namespace (made once per project by the exports migration)."""
    row = db.execute("SELECT value FROM exports_meta WHERE key = 'refi_namespace'").fetchone()
    return (
        uuid.UUID(row[0])
        if row
        else uuid.uuid5(uuid.NAMESPACE_URL, "qda-workbench:unnamed-project")
    )


class Guids:
    """uuid5 GUIDs from stable keys ('code:12', 'document:3', ...) in one project's namespace."""

    def __init__(self, namespace: uuid.UUID):
        self.ns = namespace

    def __call__(self, kind: str, key) -> str:
        return str(uuid.uuid5(self.ns, f"{kind}:{key}"))


def add_el(parent, tag: str, ns: str = NS, **attrs) -> etree._Element:
    clean = {
        k: xml_safe(v)
        for k, v in attrs.items()
        if v is not None and not (isinstance(v, float) and pd.isna(v)) and v != ""
    }
    return etree.SubElement(parent, f"{{{ns}}}{tag}", clean)


def text_el(parent, tag: str, text: str, ns: str = NS) -> None:
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    el.text = xml_safe(text)


def dt(value) -> str | None:
    """Return an xsd:dateTime for a stored timestamp (ISO 8601), or None."""
    if not isinstance(value, str) or "T" not in value:
        return None
    return value if value[-6] in "+-" or value.endswith("Z") else value + "Z"


def variable_type(values: list) -> tuple[str, str]:
    """Return (REFI typeOfVariable, value element) for a list of attribute values."""
    vals = [
        v for v in values if v is not None and not (isinstance(v, float) and pd.isna(v)) and v != ""
    ]
    if vals and all(isinstance(v, bool) for v in vals):
        return "Boolean", "BooleanValue"
    if vals and all(
        isinstance(v, int)
        and not isinstance(v, bool)
        or (isinstance(v, str) and v.lstrip("-").isdigit())
        for v in vals
    ):
        return "Integer", "IntegerValue"
    if vals and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
        return "Float", "FloatValue"
    return "Text", "TextValue"


def value_text(value, element: str) -> str:
    if element == "BooleanValue":
        return "true" if value else "false"
    if element == "IntegerValue":
        return str(int(value))
    if element == "FloatValue":
        return repr(float(value))
    return str(value)


def codebook_element(
    parent, codes: pd.DataFrame, g: Guids, ns: str, note_refs: dict[int, list[str]] | None = None
) -> None:
    codes_el = add_el(
        add_el(parent, "CodeBook", ns) if parent.tag != f"{{{ns}}}CodeBook" else parent, "Codes", ns
    )
    by_id: dict[int, etree._Element] = {}
    for row in codes.itertuples(index=False):
        holder = by_id.get(int(row.parent_id)) if pd.notna(row.parent_id) else codes_el
        if holder is None:  # parent deleted while child active: keep it at the top level
            holder = codes_el
        el = add_el(
            holder,
            "Code",
            ns,
            guid=g("code", row.id),
            name=row.name,
            isCodable="true",
            color=row.color,
        )
        if row.definition:
            text_el(el, "Description", row.definition, ns)
        for ref in (note_refs or {}).get(int(row.id), []):
            add_el(el, "NoteRef", ns, targetGUID=ref)
        by_id[int(row.id)] = el
