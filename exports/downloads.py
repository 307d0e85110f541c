"""Files as bytes for download buttons: one function per kind of export, returning
(bytes, file name, MIME type)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import sqlite_utils

from coding import Scope, codes_frame
from projectfile import private_tempdir

from .errors import ExportError
from .matrices import codebook_csv, matrix_csv, matrix_xlsx
from .refi import ImportReport, codebook_qdc_bytes, export_qdpx, import_qdc, import_qdpx
from .report import evidence_report
from .tables import evidence_csv, evidence_latex, evidence_markdown, evidence_xlsx
from .word import codebook_docx, evidence_docx

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
    "tex": "application/x-tex",
    "html": "text/html",
    "qdpx": "application/zip",
    "qdc": "application/xml",
}
EVIDENCE_FORMATS = ("csv", "xlsx", "docx", "md", "tex", "html")


def evidence_file(
    db: sqlite_utils.Database,
    df: pd.DataFrame,
    fmt: str,
    name: str = "evidence",
    bom: bool = False,
    sheet_per_code: bool = False,
    scope: Scope | None = None,
    clips: bool = False,
) -> tuple[bytes, str, str]:
    """Return the evidence table written as ``fmt`` (csv, xlsx, docx, md, tex, html); the HTML
    report's agreement and co-occurrence are computed over ``scope`` (the table's own), with a
    clip per transcript quote when ``clips``."""
    if fmt not in EVIDENCE_FORMATS:
        raise ExportError(f"format must be one of {', '.join(EVIDENCE_FORMATS)}")
    buf = io.BytesIO()
    if fmt == "csv":
        evidence_csv(df, buf, bom=bom)
    elif fmt == "xlsx":
        evidence_xlsx(df, buf, sheet_per_code=sheet_per_code, codebook=codes_frame(db))
    elif fmt == "docx":
        evidence_docx(df, buf, codebook=codes_frame(db))
    elif fmt == "md":
        evidence_markdown(df, buf)
    elif fmt == "tex":
        evidence_latex(df, buf, standalone=True)
    else:
        evidence_report(db, df, buf, scope=scope, clips=clips)
    return buf.getvalue(), f"{name}.{fmt}", MIME[fmt]


def matrix_file(df: pd.DataFrame, fmt: str, name: str = "matrix") -> tuple[bytes, str, str]:
    """Return a matrix frame as CSV or XLSX."""
    buf = io.BytesIO()
    (matrix_csv if fmt == "csv" else matrix_xlsx)(df, buf)
    return buf.getvalue(), f"{name}.{fmt}", MIME[fmt]


def codebook_file(
    db: sqlite_utils.Database, fmt: str, name: str = "codebook"
) -> tuple[bytes, str, str]:
    """Return the codebook as CSV, DOCX or REFI-QDA .qdc."""
    if fmt == "qdc":
        return codebook_qdc_bytes(db), f"{name}.qdc", MIME["qdc"]
    buf = io.BytesIO()
    codebook_csv(db, buf) if fmt == "csv" else codebook_docx(codes_frame(db), buf)
    return buf.getvalue(), f"{name}.{fmt}", MIME[fmt]


def qdpx_file(
    db: sqlite_utils.Database, name: str = "project", media: str = "reference"
) -> tuple[bytes, str, str]:
    """Return the whole project as a REFI-QDA .qdpx archive (``media`` as ``export_qdpx``)."""
    with private_tempdir("export") as tmp:
        path = export_qdpx(db, Path(tmp) / f"{name}.qdpx", name=name, media=media)
        return path.read_bytes(), f"{name}.qdpx", MIME["qdpx"]


def import_upload(data: bytes, filename: str, project_path: str | os.PathLike) -> ImportReport:
    """Import uploaded .qdpx/.qdc bytes into the project; return the ImportReport
    (ExportError, ImportFileError on bad input)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in (".qdpx", ".qdc"):
        raise ExportError(f"{filename}: expected a .qdpx project or a .qdc codebook")
    with private_tempdir("upload") as tmp:
        path = Path(tmp) / Path(filename).name
        path.write_bytes(data)
        return (import_qdpx if suffix == ".qdpx" else import_qdc)(path, project_path)
