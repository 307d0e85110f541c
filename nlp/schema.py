"""Tables owned by ``nlp``: gazetteer, aliases, entities and their runs, embeddings, topics.

Every range is ``[char_start, char_end)`` in code points of ``document_texts.text``.
"""

from __future__ import annotations

import sqlite_utils

from projectfile import Share, register_schema, register_text_columns


def create_entities(db: sqlite_utils.Database) -> None:
    """Create the gazetteer, alias, entity and extraction-run tables."""
    db.execute(
        """
        CREATE TABLE gazetteer (
            id INTEGER PRIMARY KEY,
            label TEXT NOT NULL,
            pattern TEXT NOT NULL,
            canonical TEXT NOT NULL,
            language TEXT NOT NULL DEFAULT '*',
            created_at TEXT NOT NULL,
            UNIQUE (pattern, label, language)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE entity_aliases (
            alias TEXT PRIMARY KEY,
            canonical TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE entity_runs (
            segment_id INTEGER PRIMARY KEY REFERENCES segments(id) ON DELETE CASCADE,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            text_hash TEXT NOT NULL,
            pipeline_version TEXT NOT NULL,
            language TEXT NOT NULL,
            status TEXT NOT NULL,
            done_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            text TEXT NOT NULL,
            label TEXT NOT NULL,
            canonical TEXT NOT NULL,
            source TEXT NOT NULL,
            language TEXT NOT NULL,
            pipeline_version TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX entities_document ON entities(document_id, char_start)")
    db.execute("CREATE INDEX entities_segment ON entities(segment_id)")
    db.execute("CREATE INDEX entities_canonical ON entities(canonical, label)")


def create_topics(db: sqlite_utils.Database) -> None:
    """Create the embeddings cache and the topic model tables."""
    db.execute(
        """
        CREATE TABLE embeddings (
            text_hash TEXT NOT NULL,
            model TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (text_hash, model)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE topic_models (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            unit TEXT NOT NULL,
            backend TEXT NOT NULL,
            params TEXT NOT NULL DEFAULT '{}',
            n_segments INTEGER NOT NULL,
            message TEXT NOT NULL DEFAULT ''
        )
        """
    )
    db.execute(
        """
        CREATE TABLE topics (
            model_id INTEGER NOT NULL REFERENCES topic_models(id) ON DELETE CASCADE,
            topic INTEGER NOT NULL,
            label TEXT NOT NULL,
            custom_label TEXT,
            size INTEGER NOT NULL,
            words TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (model_id, topic)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE topic_assignments (
            model_id INTEGER NOT NULL REFERENCES topic_models(id) ON DELETE CASCADE,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            topic INTEGER NOT NULL,
            probability REAL
        )
        """
    )
    db.execute("CREATE INDEX topic_assignments_model ON topic_assignments(model_id, topic)")


def create_meaning_search(db: sqlite_utils.Database) -> None:
    """Record the model version with every cached vector; index passages for meaning search.

    ``passage_vectors`` says which cached vector (text hash, model) each segment has; ``seq``
    grows with every write so a search process knows when its in-memory matrix is stale.
    """
    db.execute("ALTER TABLE embeddings ADD COLUMN version TEXT NOT NULL DEFAULT ''")
    db.execute(
        """
        CREATE TABLE passage_vectors (
            segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            text_hash TEXT NOT NULL,
            language TEXT,
            seq INTEGER NOT NULL,
            PRIMARY KEY (segment_id, model)
        )
        """
    )
    db.execute("CREATE INDEX passage_vectors_document ON passage_vectors(model, document_id)")


def create_suggestion_decisions(db: sqlite_utils.Database) -> None:
    """Create the table of accepted and rejected code suggestions (rejections are negatives)."""
    db.execute(
        """
        CREATE TABLE suggestion_decisions (
            id INTEGER PRIMARY KEY,
            code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
            coder TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            UNIQUE (code_id, document_id, char_start, char_end)
        )
        """
    )


def add_passage_spans(db: sqlite_utils.Database) -> None:
    """Keep each indexed passage's span, kind and page, so a search shows hits without reading
    every hit document's segments (rows indexed before have NULL here and are rewritten)."""
    for col, kind in (
        ("char_start", "INTEGER"),
        ("char_end", "INTEGER"),
        ("kind", "TEXT"),
        ("page", "INTEGER"),
    ):
        db.execute(f"ALTER TABLE passage_vectors ADD COLUMN {col} {kind}")


def create_suggestion_thresholds(db: sqlite_utils.Database) -> None:
    """Create the table of calibrated decision thresholds per code, model and grain; ``stamp`` is
    the codings' change stamp they were fitted on (a different stamp: refit)."""
    db.execute(
        """
        CREATE TABLE suggestion_thresholds (
            code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            grain TEXT NOT NULL,
            stamp TEXT NOT NULL,
            fitted_at TEXT NOT NULL,
            n_pos INTEGER NOT NULL,
            likely REAL NOT NULL,
            possible REAL NOT NULL,
            cv_kappa REAL NOT NULL,
            cv_ap REAL,
            PRIMARY KEY (code_id, model, grain)
        )
        """
    )


MIGRATIONS = [
    ("0001_entities", create_entities),
    ("0002_topics", create_topics),
    ("0003_meaning_search", create_meaning_search),
    ("0004_suggestion_decisions", create_suggestion_decisions),
    ("0005_passage_spans", add_passage_spans),
    ("0006_suggestion_thresholds", create_suggestion_thresholds),
]

register_schema("nlp", MIGRATIONS)

# What a shareable (de-identified) copy does with each text column (projectfile.text_columns):
# entities, topics and vectors are derived from the text as it was (a topic's words, a name's
# mentions, embeddings a name can be read back from), so the copy leaves them out; they are
# extracted, fitted or indexed again in the copy.
TEXT_COLUMNS = {
    "gazetteer": {
        "label": Share.FIXED,
        "pattern": Share.FREE,
        "canonical": Share.FREE,
        "language": Share.FIXED,
        "created_at": Share.FIXED,
    },
    "entity_aliases": Share.DROP,
    "entity_runs": Share.DROP,
    "entities": Share.DROP,
    "embeddings": Share.DROP,
    "topic_models": Share.DROP,
    "topics": Share.DROP,
    "topic_assignments": Share.DROP,
    "passage_vectors": Share.DROP,
    "suggestion_thresholds": Share.DROP,
    "suggestion_decisions": {
        "decision": Share.FIXED,
        "coder": Share.FREE,
        "decided_at": Share.FIXED,
    },
}

register_text_columns("nlp", TEXT_COLUMNS)
