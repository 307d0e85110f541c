"""The ground floor every package stands on: the project file, transactions, backups, errors,
progress.

``open_project`` opens (creating, checking and migrating) a project file; ``transaction`` is the
one write path; ``QdaError`` is the base of every error meant for a user, ``NotFound`` the one
"no such thing" error; ``Progress`` is the callback type of long work. ``projectfile.output``
formats command-line output.
"""

from .backups import (
    backup_project,
    backups_dir,
    compact_project,
    copy_project,
    list_backups,
    restore_backup,
)
from .clock import now_iso
from .connection import connect, is_readonly, project_path, set_write_guard, write_guard
from .database import open_project, warn_unsafe_location
from .errors import NotFound, ProjectError, QdaError
from .limits import (
    CODE_DEPTH,
    DOCUMENT_PARAGRAPHS,
    DOCUMENT_TEXT,
    EDIT_FILE,
    MERGE_DOCUMENT,
    MERGE_FILE,
    MERGE_ROWS,
    MERGE_TEXT,
    REFI_SOURCE_TEXT,
    REFI_TEXT_TOTAL,
    REFI_XML,
    UPLOAD_FILE,
    Limit,
    LimitExceeded,
    check_limit,
    limit_reason,
    over_limit,
)
from .migrations import (
    SCHEMA_PACKAGES,
    SchemaNotRegistered,
    known_migrations,
    migrate,
    register_schema,
    registered_packages,
)
from .output import (
    RAW_HELP,
    add_format_option,
    command_group,
    defuse_cell,
    fail,
    frame_to_csv,
    neutralise_formulas,
    print_frame,
    restore_cell,
    tqdm_progress,
)
from .progress import Progress
from .source import check_rows, open_source_project, table_bytes, table_rows
from .text_columns import (
    Share,
    declared_tables,
    empty_dropped_tables,
    rebuild_fts,
    register_text_columns,
    rewrite_text_columns,
    text_cells,
    undeclared_columns,
)
from .transactions import transaction

__all__ = [
    "CODE_DEPTH",
    "DOCUMENT_PARAGRAPHS",
    "DOCUMENT_TEXT",
    "EDIT_FILE",
    "MERGE_DOCUMENT",
    "MERGE_FILE",
    "MERGE_ROWS",
    "MERGE_TEXT",
    "REFI_SOURCE_TEXT",
    "REFI_TEXT_TOTAL",
    "REFI_XML",
    "UPLOAD_FILE",
    "Limit",
    "LimitExceeded",
    "check_limit",
    "check_rows",
    "limit_reason",
    "open_source_project",
    "over_limit",
    "table_bytes",
    "table_rows",
    "RAW_HELP",
    "SCHEMA_PACKAGES",
    "SchemaNotRegistered",
    "NotFound",
    "Progress",
    "ProjectError",
    "QdaError",
    "add_format_option",
    "backup_project",
    "backups_dir",
    "command_group",
    "compact_project",
    "connect",
    "defuse_cell",
    "copy_project",
    "fail",
    "frame_to_csv",
    "is_readonly",
    "known_migrations",
    "list_backups",
    "migrate",
    "neutralise_formulas",
    "now_iso",
    "open_project",
    "print_frame",
    "project_path",
    "register_schema",
    "registered_packages",
    "restore_backup",
    "restore_cell",
    "set_write_guard",
    "Share",
    "declared_tables",
    "empty_dropped_tables",
    "rebuild_fts",
    "register_text_columns",
    "rewrite_text_columns",
    "text_cells",
    "undeclared_columns",
    "transaction",
    "tqdm_progress",
    "warn_unsafe_location",
    "write_guard",
]
