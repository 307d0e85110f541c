"""Exports and interoperability: evidence tables, matrices, codebooks, reports, REFI-QDA import and export.

Public functions take an open project Database; tables are pandas DataFrames; writers take a path or a
binary file object.
"""

from .evidence import EVIDENCE_COLUMNS, citation, evidence_table, format_timestamp
from .matrices import (
    MATRIX_KINDS,
    codebook_csv,
    codebook_frame,
    matrix_csv,
    matrix_frame,
    matrix_xlsx,
)
from .qdpx_export import codebook_qdc_bytes, export_qdc, export_qdpx, project_qde_bytes
from .qdpx_import import ImportReport, import_qdc, import_qdpx, store_refi
from .qdpx_parse import parse_qdc, parse_qdpx
from .report_html import evidence_html
from .safezip import ImportFileError
from .tables import (
    evidence_csv,
    evidence_latex,
    evidence_markdown,
    evidence_xlsx,
    frame_csv,
    frame_xlsx,
)
from .word import codebook_docx, evidence_docx

__all__ = [
    "EVIDENCE_COLUMNS",
    "ImportFileError",
    "ImportReport",
    "MATRIX_KINDS",
    "codebook_csv",
    "codebook_frame",
    "evidence_html",
    "matrix_csv",
    "matrix_frame",
    "matrix_xlsx",
    "citation",
    "codebook_docx",
    "codebook_qdc_bytes",
    "evidence_csv",
    "evidence_docx",
    "evidence_latex",
    "evidence_markdown",
    "evidence_table",
    "evidence_xlsx",
    "export_qdc",
    "export_qdpx",
    "format_timestamp",
    "frame_csv",
    "frame_xlsx",
    "import_qdc",
    "import_qdpx",
    "parse_qdc",
    "parse_qdpx",
    "project_qde_bytes",
    "store_refi",
]
