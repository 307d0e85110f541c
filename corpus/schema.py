"""Tables owned by ``corpus``: documents, texts, pages, segments, the FTS index, the ingest log.

Offsets are code-point offsets into ``document_texts.text``: ``[char_start, char_end)``.
"""

from __future__ import annotations

import sqlite_utils

from projectfile import Share, register_schema, register_text_columns


def create_documents(db: sqlite_utils.Database) -> None:
    """Create the corpus tables, the full-text index and the ingest log."""
    db.execute(
        """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'policy' CHECK (kind IN ('policy', 'interview', 'other')),
            file_type TEXT NOT NULL,
            source_name TEXT NOT NULL,
            source_path TEXT,
            sha256 TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL DEFAULT 0,
            page_count INTEGER NOT NULL DEFAULT 0,
            char_count INTEGER NOT NULL DEFAULT 0,
            word_count INTEGER NOT NULL DEFAULT 0,
            language TEXT,
            author TEXT,
            date TEXT,
            status TEXT NOT NULL DEFAULT 'ok',
            version INTEGER NOT NULL DEFAULT 1,
            previous_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
            is_current INTEGER NOT NULL DEFAULT 1,
            ingested_at TEXT NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}',
            warnings TEXT NOT NULL DEFAULT '[]'
        )
        """
    )
    db.execute("CREATE INDEX documents_source_name ON documents(source_name)")
    db.execute(
        """
        CREATE TABLE document_texts (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            text TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE pages (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            PRIMARY KEY (document_id, number)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL DEFAULT 'paragraph',
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            page INTEGER,
            language TEXT,
            text TEXT NOT NULL,
            data TEXT NOT NULL DEFAULT '{}'
        )
        """
    )
    db.execute("CREATE INDEX segments_document ON segments(document_id, char_start)")
    # External-content FTS5 index on segment text;
    # diacritics folded so 'tecnologia' finds 'tecnología'.
    db["segments"].enable_fts(
        ["text"], tokenize="unicode61 remove_diacritics 2", create_triggers=True
    )
    db.execute(
        """
        CREATE TABLE ingest_log (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL,
            at TEXT NOT NULL,
            path TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            document_id INTEGER,
            pages INTEGER NOT NULL DEFAULT 0,
            seconds REAL NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE TABLE project_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def add_page_ocr(db: sqlite_utils.Database) -> None:
    """Mark pages read by OCR (with the engine's mean word confidence) or still needing it."""
    db.execute(
        "ALTER TABLE pages ADD COLUMN source TEXT NOT NULL DEFAULT 'text'"
        " CHECK (source IN ('text', 'ocr', 'ocr_needed'))"
    )
    db.execute("ALTER TABLE pages ADD COLUMN ocr_confidence REAL")


def add_search_changes(db: sqlite_utils.Database) -> None:
    """Queue of segment ids the derived search index must update, written by triggers in the
    same transaction as the change, once the project has an index (``search_index_epoch``)."""
    db.execute(
        "CREATE TABLE search_changes ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT, segment_id INTEGER NOT NULL)"
    )
    active = "WHEN EXISTS (SELECT 1 FROM project_meta WHERE key = 'search_index_epoch')"
    db.execute(
        f"CREATE TRIGGER search_changes_ai AFTER INSERT ON segments {active} BEGIN"
        " INSERT INTO search_changes (segment_id) VALUES (new.id); END"
    )
    db.execute(
        f"CREATE TRIGGER search_changes_ad AFTER DELETE ON segments {active} BEGIN"
        " INSERT INTO search_changes (segment_id) VALUES (old.id); END"
    )
    db.execute(
        "CREATE TRIGGER search_changes_au AFTER UPDATE OF id, document_id, text, language"
        f" ON segments {active} BEGIN"
        " INSERT INTO search_changes (segment_id) VALUES (old.id);"
        " INSERT INTO search_changes (segment_id) SELECT new.id WHERE new.id != old.id; END"
    )
    db.execute(
        "CREATE TRIGGER search_changes_doc AFTER UPDATE OF is_current, kind ON documents"
        f" {active} AND (old.is_current IS NOT new.is_current OR old.kind IS NOT new.kind)"
        " BEGIN INSERT INTO search_changes (segment_id)"
        " SELECT id FROM segments WHERE document_id = new.id; END"
    )


MIGRATIONS = [
    ("0001_documents", create_documents),
    ("0002_page_ocr", add_page_ocr),
    ("0003_search_changes", add_search_changes),
]

register_schema("corpus", MIGRATIONS)

# What a shareable (de-identified) copy does with each text column (projectfile.text_columns).
TEXT_COLUMNS = {
    "documents": {
        "title": Share.FREE,
        "kind": Share.FIXED,
        "file_type": Share.FIXED,
        "source_name": Share.FREE,
        "source_path": Share.FREE,
        "sha256": Share.FIXED,
        "language": Share.FIXED,
        "author": Share.FREE,
        "date": Share.FIXED,
        "status": Share.FIXED,
        "ingested_at": Share.FIXED,
        "metadata": Share.JSON,
        "warnings": Share.JSON,
    },
    "document_texts": {"text": Share.TEXT},
    "pages": {"source": Share.FIXED},
    "segments": {
        "kind": Share.FIXED,
        "language": Share.FIXED,
        "text": Share.TEXT,
        "data": Share.JSON,
    },
    "segments_fts": Share.REBUILD,
    "ingest_log": Share.DROP,
    "project_meta": {"key": Share.FIXED, "value": Share.FREE},
}

register_text_columns("corpus", TEXT_COLUMNS)
