"""REFI-QDA export: the whole project as ``.qdpx`` (zip of ``project.qde`` + ``sources/``), the codebook as ``.qdc``.

Text sources are written as UTF-8 ``sources/<guid>.txt`` holding the canonical text, so each
``PlainTextSelection``'s start/end are our code-point offsets.  GUIDs are uuid5 from stable keys in the
project's own namespace; XML is built with lxml; zip entries carry a fixed date.  Two exports of one project
differ only in the Project element's ``creationDateTime``/``modifiedDateTime``.
"""

from __future__ import annotations

import os
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import sqlite_utils
from lxml import etree

from coding import codes_frame, codings_frame
from corpus.store import get_text, list_documents
from projectfile import now_iso

from . import people

NS = "urn:QDA-XML:project:1.0"
NS_QDC = "urn:QDA-XML:codebook:1.0"
ORIGIN = "QDA Workbench 0.1"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
DOC_KIND_VARIABLE = "Document kind"


def project_namespace(db: sqlite_utils.Database) -> uuid.UUID:
    """Return the project's GUID namespace (made once per project by the exports migration)."""
    try:
        row = db.execute("SELECT value FROM exports_meta WHERE key = 'refi_namespace'").fetchone()
    except Exception:  # a read-only project from before the exports migration
        row = None
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


def _el(parent, tag: str, ns: str = NS, **attrs) -> etree._Element:
    clean = {
        k: _xml_text(v)
        for k, v in attrs.items()
        if v is not None and not (isinstance(v, float) and pd.isna(v)) and v != ""
    }
    return etree.SubElement(parent, f"{{{ns}}}{tag}", clean)


def _text_el(parent, tag: str, text: str, ns: str = NS) -> None:
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    el.text = _xml_text(text)


def _xml_text(text) -> str:
    from .word import xml_safe

    return xml_safe(text)


def _dt(value) -> str | None:
    """Return an xsd:dateTime for a stored timestamp (ISO 8601), or None."""
    if not isinstance(value, str) or "T" not in value:
        return None
    return value if value[-6] in "+-" or value.endswith("Z") else value + "Z"


def _variable_type(values: list) -> tuple[str, str]:
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


def _value_text(value, element: str) -> str:
    if element == "BooleanValue":
        return "true" if value else "false"
    if element == "IntegerValue":
        return str(int(value))
    if element == "FloatValue":
        return repr(float(value))
    return str(value)


def _codebook(
    parent, codes: pd.DataFrame, g: Guids, ns: str, note_refs: dict[int, list[str]] | None = None
) -> None:
    codes_el = _el(
        _el(parent, "CodeBook", ns) if parent.tag != f"{{{ns}}}CodeBook" else parent, "Codes", ns
    )
    by_id: dict[int, etree._Element] = {}
    for row in codes.itertuples(index=False):
        holder = by_id.get(int(row.parent_id)) if pd.notna(row.parent_id) else codes_el
        if holder is None:  # parent deleted while child active: keep it at the top level
            holder = codes_el
        el = _el(
            holder,
            "Code",
            ns,
            guid=g("code", row.id),
            name=row.name,
            isCodable="true",
            color=row.color,
        )
        if row.definition:
            _text_el(el, "Description", row.definition, ns)
        for ref in (note_refs or {}).get(int(row.id), []):
            _el(el, "NoteRef", ns, targetGUID=ref)
        by_id[int(row.id)] = el


def build_project_xml(
    db: sqlite_utils.Database,
    name: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[etree._Element, dict[str, str]]:
    """Return (Project element, {zip path: text}) for the project's current documents, codes, codings, cases, memos."""
    g = Guids(project_namespace(db))
    stamp = now_iso().replace("+00:00", "Z")
    root = etree.Element(
        f"{{{NS}}}Project",
        nsmap={None: NS},
        name=name or "QDA Workbench project",
        origin=ORIGIN,
        creationDateTime=stamp,
        modifiedDateTime=stamp,
    )
    docs = list_documents(db)
    doc_ids = set(docs["id"].astype(int))
    codes = codes_frame(db)
    codings = codings_frame(db)
    codings = codings[codings["document_id"].isna() | codings["document_id"].isin(doc_ids)]
    memos = _memos(db)
    cases = people.cases(db)
    attrs = people.case_attributes(db)
    doc_cases = people.document_cases(db)

    users = sorted(
        set(codings["coder"].dropna())
        | set(codes["created_by"].dropna())
        | set(memos["author"].dropna())
    )
    if users:
        users_el = _el(root, "Users")
        for u in users:
            _el(users_el, "User", guid=g("user", u), name=u)

    notes: list[
        tuple[str, str, str, str | None, str | None]
    ] = []  # guid, name, text, author, created
    refs: dict[tuple[str, int], list[str]] = {}
    for m in memos.itertuples(index=False):
        guid = g("memo", m.memo_id)
        notes.append((guid, m.title or f"{m.target} memo", m.text, m.author, m.created_at))
        key = (
            ("project", 0)
            if m.target == "project"
            else (m.target, int(m.target_id) if pd.notna(m.target_id) else 0)
        )
        refs.setdefault(key, []).append(guid)

    if not codes.empty:
        _codebook(root, codes, g, NS, {k[1]: v for k, v in refs.items() if k[0] == "code"})

    attr_cols = [c for c in attrs.columns if c not in ("case_id", "case_name")]
    var_types = {c: _variable_type(attrs[c].tolist()) for c in attr_cols}
    variables = _el(root, "Variables")
    for col in attr_cols:
        _el(
            variables,
            "Variable",
            guid=g("variable", "case:" + col),
            name=col,
            typeOfVariable=var_types[col][0],
        )
    _el(
        variables,
        "Variable",
        guid=g("variable", "document:kind"),
        name=DOC_KIND_VARIABLE,
        typeOfVariable="Text",
    )

    if not cases.empty:
        cases_el = _el(root, "Cases")
        attr_rows = (
            attrs.drop_duplicates("case_id").set_index("case_id") if not attrs.empty else None
        )
        case_codings = codings[codings["scope"] == "case"]
        for case in cases.sort_values("case_id").itertuples(index=False):
            cid = int(case.case_id)
            el = _el(cases_el, "Case", guid=g("case", cid), name=case.name)
            if getattr(case, "kind", None):
                _text_el(el, "Description", str(case.kind))
            for code_id in sorted(
                set(case_codings.loc[case_codings["case_id"] == cid, "code_id"].astype(int))
            ):
                _el(el, "CodeRef", targetGUID=g("code", code_id))
            if attr_rows is not None and cid in attr_rows.index:
                for col in attr_cols:
                    value = attr_rows.at[cid, col]
                    if (
                        value is None
                        or (isinstance(value, float) and pd.isna(value))
                        or value == ""
                    ):
                        continue
                    vv = _el(el, "VariableValue")
                    _el(vv, "VariableRef", targetGUID=g("variable", "case:" + col))
                    _text_el(vv, var_types[col][1], _value_text(value, var_types[col][1]))
            for doc_id in sorted(
                set(doc_cases.loc[doc_cases["case_id"] == cid, "document_id"].astype(int)) & doc_ids
            ):
                _el(el, "SourceRef", targetGUID=g("document", doc_id))

    files: dict[str, str] = {}
    if not docs.empty:
        sources = _el(root, "Sources")
        by_doc = {int(k): v for k, v in codings[codings["scope"] != "case"].groupby("document_id")}
        for n, doc in enumerate(docs.sort_values("id").itertuples(index=False), start=1):
            did = int(doc.id)
            if progress:
                progress(n, len(docs), doc.title)
            guid = g("document", did)
            files[f"sources/{guid}.txt"] = get_text(db, did)
            el = _el(
                sources,
                "TextSource",
                guid=guid,
                name=doc.title,
                plainTextPath=f"internal://{guid}.txt",
                creationDateTime=_dt(doc.ingested_at),
            )
            _text_el(el, "Description", doc.source_name)
            rows = by_doc.get(did, pd.DataFrame(columns=codings.columns))
            for c in rows[rows["scope"] == "span"].itertuples(index=False):
                user = g("user", c.coder)
                sel = _el(
                    el,
                    "PlainTextSelection",
                    guid=g("selection", c.coding_id),
                    startPosition=int(c.char_start),
                    endPosition=int(c.char_end),
                    creatingUser=user,
                    creationDateTime=_dt(c.created_at),
                )
                coding = _el(
                    sel,
                    "Coding",
                    guid=g("coding", c.coding_id),
                    creatingUser=user,
                    creationDateTime=_dt(c.created_at),
                )
                _el(coding, "CodeRef", targetGUID=g("code", c.code_id))
                coding_notes = list(refs.get(("coding", int(c.coding_id)), []))
                if isinstance(c.memo, str) and c.memo.strip():
                    guid_memo = g("coding-memo", c.coding_id)
                    notes.append((guid_memo, "Coding memo", c.memo, c.coder, c.created_at))
                    coding_notes.insert(0, guid_memo)
                for ref in coding_notes:
                    _el(coding, "NoteRef", targetGUID=ref)
            for c in rows[rows["scope"] == "document"].itertuples(
                index=False
            ):  # codings of the whole document
                coding = _el(
                    el,
                    "Coding",
                    guid=g("coding", c.coding_id),
                    creatingUser=g("user", c.coder),
                    creationDateTime=_dt(c.created_at),
                )
                _el(coding, "CodeRef", targetGUID=g("code", c.code_id))
                if isinstance(c.memo, str) and c.memo.strip():
                    guid_memo = g("coding-memo", c.coding_id)
                    notes.append((guid_memo, "Coding memo", c.memo, c.coder, c.created_at))
                    _el(coding, "NoteRef", targetGUID=guid_memo)
            for ref in refs.get(("document", did), []):
                _el(el, "NoteRef", targetGUID=ref)
            vv = _el(el, "VariableValue")
            _el(vv, "VariableRef", targetGUID=g("variable", "document:kind"))
            _text_el(vv, "TextValue", doc.kind)

    if notes:
        notes_el = _el(root, "Notes")
        for guid, title, text, author, created in notes:
            note = _el(
                notes_el,
                "Note",
                guid=guid,
                name=title,
                creatingUser=g("user", author) if author else None,
                creationDateTime=_dt(created),
            )
            _text_el(note, "PlainTextContent", text)
    for ref in refs.get(("project", 0), []):
        _el(root, "NoteRef", targetGUID=ref)
    return root, files


def _memos(db: sqlite_utils.Database) -> pd.DataFrame:
    cols = ["memo_id", "target", "target_id", "title", "text", "author", "created_at", "updated_at"]
    try:
        from coding.memos import memos_frame
    except ImportError:
        return pd.DataFrame(columns=cols)
    return memos_frame(db).sort_values("memo_id").reset_index(drop=True)


def _zip_write(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def project_qde_bytes(
    db: sqlite_utils.Database,
    name: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[bytes, dict[str, str]]:
    """Return the ``project.qde`` XML bytes and the source files {path: text}."""
    root, files = build_project_xml(db, name, progress)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True), files


def export_qdpx(
    db: sqlite_utils.Database,
    path: str | os.PathLike,
    name: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Path:
    """Write the project as a REFI-QDA ``.qdpx`` archive at ``path`` (written to a temporary file, then moved); return it."""
    path = Path(path)
    xml, files = project_qde_bytes(db, name or path.stem, progress)
    tmp = path.with_name(path.name + ".part")
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(tmp, "w") as zf:
        _zip_write(zf, "project.qde", xml)
        for name_, text in sorted(files.items()):
            _zip_write(zf, name_, text.encode("utf-8"))
    os.replace(tmp, path)
    return path


def codebook_qdc_bytes(db: sqlite_utils.Database) -> bytes:
    """Return the codebook as REFI-QDA ``.qdc`` XML bytes."""
    codes = codes_frame(db)
    if codes.empty:
        raise ValueError("the codebook is empty: a .qdc file needs at least one code")
    root = etree.Element(f"{{{NS_QDC}}}CodeBook", nsmap={None: NS_QDC}, origin=ORIGIN)
    _codebook(root, codes, Guids(project_namespace(db)), NS_QDC)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def export_qdc(db: sqlite_utils.Database, path: str | os.PathLike) -> Path:
    """Write the codebook as a REFI-QDA ``.qdc`` file; return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(codebook_qdc_bytes(db))
    return path
