"""Coding: codebook, codings, memos, coders, undo/redo and the audit log, auto-coding, agreement,
coding queries and matrices, and case merges/deletes that carry whole-case codings along.

Public functions take an open project Database (``projectfile.open_project``); queries return
DataFrames. Case data comes from the ``interviews`` front door.
"""

from . import schema  # noqa: F401  (registers the package's tables with projectfile)
from .agreement import agreement, disagreements
from .agreement_stats import AgreementStatus
from .agreement_text import agreement_summary, agreement_table, format_statistic
from .autocode import (
    PREVIEW_COLUMNS,
    apply_preview,
    preview_hits,
    preview_regex,
    preview_rows,
    preview_search,
    preview_speaker,
)
from .batches import apply_batch, batches_frame, undo_batch
from .case_merges import delete_case, merge_cases
from .case_rule import CASE_COLUMNS, exploded_cases, span_cases
from .cell_rows import ROW_KINDS, parse_rows, row_key, row_label
from .code_counts import code_counts, codes_frame, most_used_codes
from .code_names import (
    MAX_NAME_LENGTH,
    check_code_name,
    clean_code_name,
    name_key,
    split_code_path,
)
from .codebook import (
    delete_code,
    merge_codes,
    move_code,
    reorder_codes,
    restore_code,
    trash_frame,
    update_code,
)
from .codebook_csv import codebook_csv, import_codebook_csv
from .codes import (
    add_code,
    code_path,
    code_paths,
    ensure_code_path,
    next_color,
    resolve_code,
    sibling_exists,
)
from .codings import (
    code_case,
    code_document,
    code_span,
    codings_frame,
    delete_coding,
    move_codings,
    update_coding,
)
from .consistency import check_project
from .framework import (
    FRAMEWORK_COLUMNS,
    framework_codes,
    framework_frame,
    framework_rows,
    orphan_summaries,
)
from .free_text import drop_history, rewrite_free_text
from .history import (
    CodingError,
    audit_frame,
    change_counter,
    coder_names,
    ensure_coder,
    redo,
    undo,
)
from .joint import (
    Bins,
    attribute_crosstab,
    attribute_groups,
    compare_groups,
    joint_display,
    representative_quotes,
)
from .matrices import (
    code_attribute_matrix,
    code_case_frame,
    code_case_matrix,
    code_document_frame,
    cooccurrence,
    frequencies,
)
from .memos import (
    add_memo,
    cell_summaries,
    delete_memo,
    memos_frame,
    move_cell_summaries,
    set_cell_summary,
    update_memo,
)
from .project_merge import MergeReport, merge_project, preview_merge
from .queries import (
    query_and,
    query_near,
    query_not,
    query_or,
    query_same_unit,
    retrieve,
)
from .quick_keys import free_quick_keys, pin_quick_key, quick_key_code, quick_keys, set_quick_keys
from .reanchor import (
    REVIEW_COLUMNS,
    EditResult,
    discard_review,
    edit_document,
    follow_new_versions,
    reanchor,
    review_frame,
)
from .scope import COUNTS, Scope, Versions, count_mode, scope_cases, scope_documents
from .states import ActionState, CodingScope, ReviewStatus

__all__ = [
    "Bins",
    "attribute_crosstab",
    "attribute_groups",
    "compare_groups",
    "joint_display",
    "representative_quotes",
    "FRAMEWORK_COLUMNS",
    "ROW_KINDS",
    "cell_summaries",
    "code_document_frame",
    "framework_codes",
    "framework_frame",
    "framework_rows",
    "orphan_summaries",
    "parse_rows",
    "row_key",
    "row_label",
    "move_cell_summaries",
    "set_cell_summary",
    "ActionState",
    "AgreementStatus",
    "CodingScope",
    "ReviewStatus",
    "check_project",
    "code_counts",
    "Scope",
    "Versions",
    "MergeReport",
    "merge_project",
    "preview_merge",
    "REVIEW_COLUMNS",
    "EditResult",
    "discard_review",
    "edit_document",
    "follow_new_versions",
    "reanchor",
    "review_frame",
    "CASE_COLUMNS",
    "COUNTS",
    "count_mode",
    "exploded_cases",
    "span_cases",
    "MAX_NAME_LENGTH",
    "check_code_name",
    "clean_code_name",
    "name_key",
    "drop_history",
    "delete_memo",
    "update_memo",
    "rewrite_free_text",
    "split_code_path",
    "free_quick_keys",
    "pin_quick_key",
    "quick_key_code",
    "quick_keys",
    "set_quick_keys",
    "PREVIEW_COLUMNS",
    "apply_preview",
    "preview_hits",
    "preview_regex",
    "preview_rows",
    "preview_search",
    "preview_speaker",
    "CodingError",
    "add_code",
    "add_memo",
    "agreement",
    "agreement_summary",
    "agreement_table",
    "format_statistic",
    "apply_batch",
    "audit_frame",
    "batches_frame",
    "change_counter",
    "code_attribute_matrix",
    "code_case",
    "code_case_frame",
    "code_case_matrix",
    "code_document",
    "code_path",
    "code_paths",
    "code_span",
    "codebook_csv",
    "coder_names",
    "codes_frame",
    "codings_frame",
    "cooccurrence",
    "delete_case",
    "delete_code",
    "delete_coding",
    "disagreements",
    "ensure_code_path",
    "ensure_coder",
    "frequencies",
    "import_codebook_csv",
    "memos_frame",
    "merge_cases",
    "merge_codes",
    "most_used_codes",
    "move_code",
    "move_codings",
    "next_color",
    "query_and",
    "query_near",
    "query_not",
    "query_or",
    "query_same_unit",
    "redo",
    "reorder_codes",
    "resolve_code",
    "restore_code",
    "retrieve",
    "scope_cases",
    "scope_documents",
    "sibling_exists",
    "trash_frame",
    "undo",
    "undo_batch",
    "update_code",
    "update_coding",
]
