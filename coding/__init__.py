"""Coding: codebook, codings, memos, coders, undo/redo and audit log, auto-coding, agreement, coding queries.

Public functions take an open project Database (``projectfile.open_project``); queries return DataFrames.
"""

from .codes import (
    CODE_COLUMNS,
    add_code,
    code_path,
    code_paths,
    codes_frame,
    ensure_code_path,
    most_used_codes,
    resolve_code,
)
from .codings import (
    CODING_COLUMNS,
    apply_batch,
    batches_frame,
    code_case,
    code_document,
    code_span,
    codings_frame,
    delete_coding,
    forget_case,
    move_case_codings,
    move_codings,
    undo_batch,
    update_coding,
)
from .history import (
    CodingError,
    audit_frame,
    change_counter,
    coder_names,
    ensure_coder,
    history_frame,
    redo,
    undo,
)

__all__ = [
    "CODE_COLUMNS",
    "CODING_COLUMNS",
    "CodingError",
    "add_code",
    "apply_batch",
    "audit_frame",
    "batches_frame",
    "change_counter",
    "code_case",
    "code_document",
    "code_path",
    "code_paths",
    "code_span",
    "coder_names",
    "codes_frame",
    "codings_frame",
    "delete_coding",
    "ensure_code_path",
    "ensure_coder",
    "forget_case",
    "history_frame",
    "most_used_codes",
    "move_case_codings",
    "move_codings",
    "redo",
    "resolve_code",
    "undo",
    "undo_batch",
    "update_coding",
]
