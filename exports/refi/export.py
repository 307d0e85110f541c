"""REFI-QDA export: the whole project as ``.qdpx`` (zip of ``project.qde`` + ``sources/``), the
codebook as ``.qdc``.

Text sources are written as UTF-8 ``sources/<guid>.txt`` holding the canonical text, so each
``PlainTextSelection``'s start/end are our code-point offsets.  GUIDs are uuid5 from stable keys in
the project's own namespace; XML is built with lxml; zip entries carry a fixed date.  Two exports of
one project differ only in the Project element's ``creationDateTime``/``modifiedDateTime``.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlite_utils
from lxml import etree

from coding import CodingScope, codes_frame, codings_frame, memos_frame, snapshot_codebook_rows
from corpus import get_text, list_documents
from interviews import MediaRow, case_attributes_frame, cases_frame, document_cases
from projectfile import Progress, now_iso

from ..errors import ExportError
from .codings_xml import Note, add_document_coding, add_span_coding
from .elements import (
    NS,
    NS_QDC,
    ORIGIN,
    Guids,
    add_el,
    codebook_element,
    dt,
    project_namespace,
    text_el,
    value_text,
    variable_type,
)
from .media import add_media_sources, media_source_guid, recordings
from .model import DOC_KIND_VARIABLE

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class _ProjectFrames:
    """What an export reads from the project: current documents and everything on them."""

    docs: pd.DataFrame
    doc_ids: set[int]
    codes: pd.DataFrame
    codings: pd.DataFrame
    memos: pd.DataFrame
    cases: pd.DataFrame
    attrs: pd.DataFrame
    doc_cases: pd.DataFrame
    recordings: dict[int, MediaRow]


def _read_project(db: sqlite_utils.Database, media: str) -> _ProjectFrames:
    docs = list_documents(db)
    doc_ids = set(docs["id"].astype(int))
    kinds = dict(zip(docs["id"].astype(int), docs["kind"]))
    interview_ids = sorted(d for d in doc_ids if kinds[d] == "interview")
    codings = codings_frame(db)
    codings = codings[codings["document_id"].isna() | codings["document_id"].isin(doc_ids)]
    return _ProjectFrames(
        docs=docs,
        doc_ids=doc_ids,
        codes=codes_frame(db),
        codings=codings,
        memos=memos_frame(db).sort_values("memo_id").reset_index(drop=True),
        cases=cases_frame(db),
        attrs=case_attributes_frame(db),
        doc_cases=document_cases(db),
        recordings=recordings(db, interview_ids, media),
    )


def build_project_xml(
    db: sqlite_utils.Database,
    name: str | None = None,
    progress: Progress | None = None,
    media: str = "reference",
) -> tuple[etree._Element, dict[str, str], dict[str, Path]]:
    """Return (Project element, {zip path: text}, {zip path: recording to embed}) for the current
    documents, codes, codings, cases and memos; ``media`` as ``refi.media`` describes."""
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
    data = _read_project(db, media)
    _add_users(root, g, data)
    notes, refs = _memo_notes(data.memos, g)
    if not data.codes.empty:
        codebook_element(
            root, data.codes, g, NS, {k[1]: v for k, v in refs.items() if k[0] == "code"}
        )
    var_types = _add_variables(root, g, data.attrs)
    if not data.cases.empty:
        _add_cases(root, g, data, var_types)
    files: dict[str, str] = {}
    blobs: dict[str, Path] = {}
    if not data.docs.empty:
        files, blobs = _add_sources(root, db, g, data, refs, notes, progress, media)
    if notes:
        _add_notes(root, g, notes)
    for ref in refs.get(("project", 0), []):
        add_el(root, "NoteRef", targetGUID=ref)
    return root, files, blobs


def _add_users(root: etree._Element, g: Guids, data: _ProjectFrames) -> None:
    users = sorted(
        set(data.codings["coder"].dropna())
        | set(data.codes["created_by"].dropna())
        | set(data.memos["author"].dropna())
    )
    if users:
        users_el = add_el(root, "Users")
        for u in users:
            add_el(users_el, "User", guid=g("user", u), name=u)


def _memo_notes(
    memos: pd.DataFrame, g: Guids
) -> tuple[list[Note], dict[tuple[str, int], list[str]]]:
    """Return the memos as notes and {(target, target id): [note GUID, ...]}."""
    notes: list[Note] = []
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
    return notes, refs


def _add_variables(
    root: etree._Element, g: Guids, attrs: pd.DataFrame
) -> dict[str, tuple[str, str]]:
    """Add the case attributes and the document kind as Variables; return {attribute: type}."""
    attr_cols = [c for c in attrs.columns if c not in ("case_id", "case_name")]
    var_types = {c: variable_type(attrs[c].tolist()) for c in attr_cols}
    variables = add_el(root, "Variables")
    for col in attr_cols:
        add_el(
            variables,
            "Variable",
            guid=g("variable", "case:" + col),
            name=col,
            typeOfVariable=var_types[col][0],
        )
    add_el(
        variables,
        "Variable",
        guid=g("variable", "document:kind"),
        name=DOC_KIND_VARIABLE,
        typeOfVariable="Text",
    )
    return var_types


def _add_cases(
    root: etree._Element, g: Guids, data: _ProjectFrames, var_types: dict[str, tuple[str, str]]
) -> None:
    cases_el = add_el(root, "Cases")
    attrs, doc_cases = data.attrs, data.doc_cases
    attr_rows = attrs.drop_duplicates("case_id").set_index("case_id") if not attrs.empty else None
    case_codings = data.codings[data.codings["scope"] == CodingScope.CASE]
    for case in data.cases.sort_values("case_id").itertuples(index=False):
        cid = int(case.case_id)
        el = add_el(cases_el, "Case", guid=g("case", cid), name=case.name)
        if getattr(case, "kind", None):
            text_el(el, "Description", str(case.kind))
        for code_id in sorted(
            set(case_codings.loc[case_codings["case_id"] == cid, "code_id"].astype(int))
        ):
            add_el(el, "CodeRef", targetGUID=g("code", code_id))
        if attr_rows is not None and cid in attr_rows.index:
            for col, (_, element) in var_types.items():
                value = attr_rows.at[cid, col]
                if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
                    continue
                vv = add_el(el, "VariableValue")
                add_el(vv, "VariableRef", targetGUID=g("variable", "case:" + col))
                text_el(vv, element, value_text(value, element))
        case_docs = set(doc_cases.loc[doc_cases["case_id"] == cid, "document_id"].astype(int))
        for doc_id in sorted(case_docs & data.doc_ids):
            rec = data.recordings.get(doc_id)
            target = media_source_guid(g, rec) if rec else g("document", doc_id)
            add_el(el, "SourceRef", targetGUID=target)


def _add_sources(
    root: etree._Element,
    db: sqlite_utils.Database,
    g: Guids,
    data: _ProjectFrames,
    refs: dict[tuple[str, int], list[str]],
    notes: list[Note],
    progress: Progress | None,
    media: str,
) -> tuple[dict[str, str], dict[str, Path]]:
    """Add one TextSource per current document without a recording and one audio or video
    source per recording (``refi.media``); return {zip path: text} and {zip path: recording}."""
    files: dict[str, str] = {}
    codings = data.codings
    sources = add_el(root, "Sources")
    by_doc = {
        int(k): v for k, v in codings[codings["scope"] != CodingScope.CASE].groupby("document_id")
    }
    docs = data.docs
    for n, doc in enumerate(docs.sort_values("id").itertuples(index=False), start=1):
        did = int(doc.id)
        if progress:
            progress(n, len(docs), doc.title)
        if did in data.recordings:
            continue
        guid = g("document", did)
        files[f"sources/{guid}.txt"] = get_text(db, did)
        el = add_el(
            sources,
            "TextSource",
            guid=guid,
            name=doc.title,
            plainTextPath=f"internal://{guid}.txt",
            creationDateTime=dt(doc.ingested_at),
        )
        text_el(el, "Description", doc.source_name)
        rows = by_doc.get(did, pd.DataFrame(columns=codings.columns))
        for c in rows[rows["scope"] == CodingScope.SPAN].itertuples(index=False):
            add_span_coding(el, g, c, refs, notes)
        for c in rows[rows["scope"] == CodingScope.DOCUMENT].itertuples(index=False):
            add_document_coding(el, g, c, notes)
        for ref in refs.get(("document", did), []):
            add_el(el, "NoteRef", targetGUID=ref)
        vv = add_el(el, "VariableValue")
        add_el(vv, "VariableRef", targetGUID=g("variable", "document:kind"))
        text_el(vv, "TextValue", doc.kind)
    if data.recordings:
        extra = add_media_sources(sources, db, g, docs, by_doc, data.recordings, refs, notes, media)
        files.update(extra.files)
        return files, extra.blobs
    return files, {}


def _add_notes(root: etree._Element, g: Guids, notes: list[Note]) -> None:
    notes_el = add_el(root, "Notes")
    for guid, title, text, author, created in notes:
        note = add_el(
            notes_el,
            "Note",
            guid=guid,
            name=title,
            creatingUser=g("user", author) if author else None,
            creationDateTime=dt(created),
        )
        text_el(note, "PlainTextContent", text)


def _zip_write(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def _zip_copy(zf: zipfile.ZipFile, name: str, src: Path) -> None:
    """Copy a recording into the archive as stored (it is compressed already), in chunks."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    info.file_size = src.stat().st_size
    with src.open("rb") as fh, zf.open(info, "w", force_zip64=True) as out:
        shutil.copyfileobj(fh, out, 1 << 20)


def project_qde_bytes(
    db: sqlite_utils.Database,
    name: str | None = None,
    progress: Progress | None = None,
    media: str = "reference",
) -> tuple[bytes, dict[str, str], dict[str, Path]]:
    """Return the ``project.qde`` XML bytes, the source files {path: text} and the recordings to
    embed {path: file}."""
    root, files, blobs = build_project_xml(db, name, progress, media)
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return xml, files, blobs


def export_qdpx(
    db: sqlite_utils.Database,
    path: str | os.PathLike,
    name: str | None = None,
    progress: Progress | None = None,
    media: str = "reference",
) -> Path:
    """Write the project as a REFI-QDA ``.qdpx`` archive at ``path`` (written to a temporary file,
    then moved); return it. ``media``: 'reference' (recordings named, not copied), 'embed' (the
    recordings inside the archive) or 'none' (transcripts as text sources)."""
    path = Path(path)
    xml, files, blobs = project_qde_bytes(db, name or path.stem, progress, media)
    tmp = path.with_name(path.name + ".part")
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(tmp, "w") as zf:
        _zip_write(zf, "project.qde", xml)
        for name_, text in sorted(files.items()):
            _zip_write(zf, name_, text.encode("utf-8"))
        for name_, src in sorted(blobs.items()):
            _zip_copy(zf, name_, src)
    os.replace(tmp, path)
    return path


def codebook_qdc_bytes(db: sqlite_utils.Database, snapshot: int | str | None = None) -> bytes:
    """Return the codebook (now, or as a named snapshot saved it) as REFI-QDA ``.qdc`` bytes."""
    if snapshot is None:
        codes = codes_frame(db)
    else:
        rows = snapshot_codebook_rows(db, snapshot)[1]
        codes = pd.DataFrame(
            rows, columns=["id", "parent_id", "name", "color", "definition", "path"]
        )
        # parents before children (a parent's path is a prefix of its children's)
        codes = codes.assign(depth=codes["path"].str.count(" > ")).sort_values(["depth", "id"])
    if codes.empty:
        raise ExportError("the codebook is empty: a .qdc file needs at least one code")
    root = etree.Element(f"{{{NS_QDC}}}CodeBook", nsmap={None: NS_QDC}, origin=ORIGIN)
    codebook_element(root, codes, Guids(project_namespace(db)), NS_QDC)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def export_qdc(
    db: sqlite_utils.Database, path: str | os.PathLike, snapshot: int | str | None = None
) -> Path:
    """Write the codebook (or a named snapshot of it) as a REFI-QDA ``.qdc`` file; return its
    path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(codebook_qdc_bytes(db, snapshot))
    return path
