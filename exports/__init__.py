"""Exports and interoperability: evidence tables, matrices, codebooks, reports, REFI-QDA import
and export.

Public functions take an open project Database; tables are pandas DataFrames; writers take a path or
a binary file object. The ``*_file`` helpers return (bytes, file name, MIME type) for downloads.
"""

from . import schema  # noqa: F401  (registers the package's tables with projectfile)
from .citations import (
    DEFAULT_TEMPLATE,
    FIELDS,
    PRESETS,
    check_template,
    citation_template,
    render_citation,
    set_citation_template,
)
from .codebook_history import history_docx, history_markdown
from .downloads import (
    EVIDENCE_FORMATS,
    codebook_file,
    evidence_file,
    import_upload,
    matrix_file,
    qdpx_file,
)
from .errors import ExportError, ImportFileError
from .evidence import EVIDENCE_COLUMNS, evidence_scope, evidence_table, format_timestamp
from .framework import (
    FRAMEWORK_FORMATS,
    FrameworkTable,
    cell_quotes,
    framework_file,
    framework_latex,
    framework_markdown,
    framework_table,
    framework_xlsx,
)
from .framework_docx import QUOTES_AS, framework_docx
from .joint import (
    MIXED_FORMATS,
    compare_table,
    joint_csv,
    joint_docx,
    joint_grid,
    joint_table,
    joint_xlsx,
    mixed_file,
)
from .matrices import codebook_csv, codebook_frame, matrix_csv, matrix_frame, matrix_xlsx
from .refi import export_qdc, export_qdpx, import_qdc, import_qdpx, merge_qdpx, parse_qdpx
from .report import evidence_report
from .report_html import evidence_html
from .summaries import SUMMARY_TABLE_COLUMNS, SummaryTarget, summary_table
from .tables import evidence_csv, evidence_latex, evidence_markdown, evidence_xlsx
from .word import codebook_docx, evidence_docx

__all__ = [
    "SUMMARY_TABLE_COLUMNS",
    "SummaryTarget",
    "summary_table",
    "MIXED_FORMATS",
    "compare_table",
    "joint_csv",
    "joint_docx",
    "joint_grid",
    "joint_table",
    "joint_xlsx",
    "mixed_file",
    "FRAMEWORK_FORMATS",
    "FrameworkTable",
    "cell_quotes",
    "QUOTES_AS",
    "framework_docx",
    "framework_file",
    "framework_latex",
    "framework_markdown",
    "framework_table",
    "framework_xlsx",
    "DEFAULT_TEMPLATE",
    "FIELDS",
    "PRESETS",
    "check_template",
    "citation_template",
    "render_citation",
    "set_citation_template",
    "EVIDENCE_COLUMNS",
    "EVIDENCE_FORMATS",
    "ExportError",
    "ImportFileError",
    "codebook_csv",
    "history_docx",
    "history_markdown",
    "codebook_docx",
    "codebook_file",
    "codebook_frame",
    "evidence_csv",
    "evidence_docx",
    "evidence_file",
    "evidence_html",
    "evidence_latex",
    "evidence_markdown",
    "evidence_report",
    "evidence_scope",
    "evidence_table",
    "evidence_xlsx",
    "export_qdc",
    "export_qdpx",
    "format_timestamp",
    "import_qdc",
    "import_qdpx",
    "merge_qdpx",
    "import_upload",
    "matrix_csv",
    "matrix_file",
    "matrix_frame",
    "matrix_xlsx",
    "parse_qdpx",
    "qdpx_file",
]
