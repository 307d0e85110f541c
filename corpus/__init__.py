"""Project file, documents, pages, segments and full-text search (see ARCHITECTURE.md)."""

from .ingest import dask_executor, ingest, process_executor
from .model import Document, Outcome, Page, ParseError, Segment
from .project import (
    ProjectError,
    backup_project,
    list_backups,
    open_project,
    restore_backup,
    transaction,
)
from .search import SearchError, search
from .store import (
    delete_document,
    get_document,
    get_pages,
    get_segments,
    get_text,
    ingest_log,
    list_documents,
    project_stats,
    store_document,
)

__all__ = [
    "Document",
    "Outcome",
    "Page",
    "ParseError",
    "ProjectError",
    "SearchError",
    "Segment",
    "backup_project",
    "dask_executor",
    "delete_document",
    "get_document",
    "get_pages",
    "get_segments",
    "get_text",
    "ingest",
    "ingest_log",
    "list_backups",
    "list_documents",
    "open_project",
    "process_executor",
    "project_stats",
    "restore_backup",
    "search",
    "store_document",
    "transaction",
]
