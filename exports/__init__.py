"""Exports and interoperability: evidence tables, matrices, codebooks, reports, REFI-QDA import and export.

Public functions take an open project Database; tables are pandas DataFrames; writers take a path or a
binary file object.
"""
from .evidence import EVIDENCE_COLUMNS, citation, evidence_table, format_timestamp
from .qdpx_export import codebook_qdc_bytes, export_qdc, export_qdpx, project_qde_bytes
from .qdpx_import import ImportReport, import_qdc, import_qdpx, store_refi
from .qdpx_parse import parse_qdc, parse_qdpx
from .safezip import ImportFileError
from .tables import evidence_csv, evidence_latex, evidence_markdown, evidence_xlsx, frame_csv, frame_xlsx
from .word import codebook_docx, evidence_docx

__all__ = [
    "EVIDENCE_COLUMNS", "ImportFileError", "ImportReport", "citation", "codebook_docx", "codebook_qdc_bytes",
    "evidence_csv", "evidence_docx", "evidence_latex", "evidence_markdown", "evidence_table", "evidence_xlsx",
    "export_qdc", "export_qdpx", "format_timestamp", "frame_csv", "frame_xlsx", "import_qdc", "import_qdpx",
    "parse_qdc", "parse_qdpx", "project_qde_bytes", "store_refi",
]
