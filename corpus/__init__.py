"""Documents, pages, segments and full-text search: what every package above reads text from.

The front door lists what other packages, the UI and the CLI use; inside ``corpus`` modules
import each other directly (``from .store import ...``).
"""

from . import schema  # noqa: F401  (registers the package's tables with projectfile)
from .consistency import (
    PROBLEM_COLUMNS,
    corpus_problems,
    text_length,
    text_lengths,
    version_successors,
)
from .decode import bytes_to_text
from .formats import check_zip
from .ingest import (
    forget_ingest_log,
    ingest,
    limited_map,
    log_interrupted_ingest,
    process_executor,
    scheduler_executor,
)
from .language import detect_language, language_bucket
from .memory_limit import OverMemory, memory_guard, start_memory_watchdog, watched_process
from .meta import get_project_meta, set_project_meta
from .model import (
    KINDS,
    Document,
    DocumentKind,
    Outcome,
    OutcomeStatus,
    Page,
    ParseError,
    Segment,
    normalize_text,
    paragraphs_from_text,
    sha256_bytes,
    trim_span,
)
from .ocr_images import page_image
from .outcomes import outcome_counts, outcomes_frame, print_outcomes
from .parse import SUPPORTED, ParseOptions
from .pdf import tesseract_languages
from .reader import ingest_uploads, page_for_offset, passage_html, save_uploads
from .search import (
    SEARCH_COLUMNS,
    SearchError,
    check_dates,
    check_query_size,
    count_hits,
    rebuild_index,
    rebuild_search_index,
    search,
    snippet_to_html,
    sync_search_index,
    to_fts_query,
)
from .sentences import clause_spans, ends_sentence, sentence_at, sentence_spans
from .source_limits import check_source_documents
from .sources import forget_source_paths, sources_dir
from .store import (
    DuplicateDocument,
    current_version,
    delete_document,
    documents_token,
    get_document,
    get_pages,
    get_segments,
    get_text,
    ingest_log,
    list_documents,
    log_outcomes,
    project_stats,
    set_document_fields,
    store_document,
    store_version,
    version_chain,
)
from .subqueries import (
    current_documents_sql,
    current_documents_stamp,
    document_lengths,
    document_titles,
    is_current,
)
from .text_mapping import TextMapping, map_ranges, replacement_mapping, text_mapping

__all__ = [
    "OverMemory",
    "memory_guard",
    "start_memory_watchdog",
    "watched_process",
    "check_dates",
    "check_query_size",
    "check_source_documents",
    "PROBLEM_COLUMNS",
    "corpus_problems",
    "text_length",
    "text_lengths",
    "version_successors",
    "KINDS",
    "DocumentKind",
    "current_documents_sql",
    "current_documents_stamp",
    "document_lengths",
    "document_titles",
    "is_current",
    "SEARCH_COLUMNS",
    "SUPPORTED",
    "OCR_LANGUAGES",
    "Document",
    "DuplicateDocument",
    "Outcome",
    "OutcomeStatus",
    "Page",
    "ParseError",
    "SearchError",
    "Segment",
    "TextMapping",
    "bytes_to_text",
    "check_zip",
    "count_hits",
    "current_version",
    "delete_document",
    "documents_token",
    "detect_language",
    "get_document",
    "get_pages",
    "get_project_meta",
    "get_segments",
    "get_text",
    "ingest",
    "ingest_log",
    "ingest_uploads",
    "language_bucket",
    "forget_ingest_log",
    "log_interrupted_ingest",
    "forget_source_paths",
    "sources_dir",
    "limited_map",
    "list_documents",
    "log_outcomes",
    "map_ranges",
    "normalize_text",
    "outcome_counts",
    "outcomes_frame",
    "page_for_offset",
    "page_image",
    "tesseract_languages",
    "paragraphs_from_text",
    "passage_html",
    "print_outcomes",
    "process_executor",
    "project_stats",
    "rebuild_index",
    "rebuild_search_index",
    "replacement_mapping",
    "search",
    "sentence_at",
    "sentence_spans",
    "clause_spans",
    "ends_sentence",
    "set_document_fields",
    "set_project_meta",
    "scheduler_executor",
    "save_uploads",
    "sha256_bytes",
    "snippet_to_html",
    "store_document",
    "store_version",
    "sync_search_index",
    "text_mapping",
    "to_fts_query",
    "trim_span",
    "version_chain",
]

OCR_LANGUAGES = ParseOptions.ocr_languages  # tesseract's languages by default ('eng+spa')
