"""Documents, pages, segments and full-text search (see ARCHITECTURE.md)."""

from .ingest import dask_executor, ingest, process_executor
from .language import detect_language, language_bucket
from .model import Document, Outcome, Page, ParseError, Segment
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
    "SearchError",
    "Segment",
    "dask_executor",
    "delete_document",
    "detect_language",
    "get_document",
    "get_pages",
    "get_segments",
    "get_text",
    "ingest",
    "ingest_log",
    "language_bucket",
    "list_documents",
    "process_executor",
    "project_stats",
    "search",
    "store_document",
]
