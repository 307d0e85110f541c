"""Exports and interoperability: evidence tables, matrices, codebooks, reports, REFI-QDA import and export.

Public functions take an open project Database; tables are pandas DataFrames; writers take a path or a
binary file object.
"""
from .evidence import EVIDENCE_COLUMNS, citation, evidence_table, format_timestamp
from .tables import evidence_csv, evidence_latex, evidence_markdown, evidence_xlsx, frame_csv, frame_xlsx
from .word import codebook_docx, evidence_docx

__all__ = [
    "EVIDENCE_COLUMNS", "citation", "codebook_docx", "evidence_csv", "evidence_docx", "evidence_latex",
    "evidence_markdown", "evidence_table", "evidence_xlsx", "format_timestamp", "frame_csv", "frame_xlsx",
]
