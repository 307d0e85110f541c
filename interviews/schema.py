"""Tables owned by ``interviews``: transcripts, cases, speakers, turns, attributes and their values.

Turn ranges are ``[char_start, char_end)`` code-point offsets into the document's canonical text
(the spoken words, without the speaker label). Real names behind pseudonyms are never stored here:
the de-identification key lives in a file next to the project.
"""

from __future__ import annotations

import sqlite_utils

from projectfile import Share, register_schema, register_text_columns


def create_interviews(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'person'
                CHECK (kind IN ('person', 'organisation', 'group', 'other')),
            description TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX cases_name ON cases(name COLLATE NOCASE)")
    db.execute(
        """
        CREATE TABLE transcripts (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            format TEXT NOT NULL,
            encoding TEXT,
            source_document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
            pseudonymized INTEGER NOT NULL DEFAULT 0,
            imported_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE speakers (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT 'other'
                CHECK (role IN ('interviewer', 'interviewee', 'other')),
            case_id INTEGER REFERENCES cases(id) ON DELETE SET NULL,
            UNIQUE (document_id, label)
        )
        """
    )
    db.execute("CREATE INDEX speakers_case ON speakers(case_id)")
    db.execute(
        """
        CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            turn_no INTEGER NOT NULL,
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            speaker_id INTEGER REFERENCES speakers(id) ON DELETE SET NULL,
            t_start REAL,
            t_end REAL,
            language TEXT,
            UNIQUE (document_id, turn_no)
        )
        """
    )
    db.execute("CREATE INDEX turns_document ON turns(document_id, char_start)")
    db.execute(
        """
        CREATE TABLE attributes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL DEFAULT 'text'
                CHECK (type IN ('text', 'number', 'date', 'category')),
            categories TEXT NOT NULL DEFAULT '[]',
            position INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX attributes_name ON attributes(name COLLATE NOCASE)")
    db.execute(
        """
        CREATE TABLE case_attributes (
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            attribute_id INTEGER NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
            value TEXT,
            PRIMARY KEY (case_id, attribute_id)
        )
        """
    )


def add_media(db: sqlite_utils.Database) -> None:
    """Recordings attached to transcripts, where each turn's time came from, and word times.

    A recording's bytes never enter the project file: ``media_files.path`` names the copy in the
    folder beside the project (``<project>.media/<sha256>.<ext>``, relative to the project's
    folder), ``sha256`` and ``size``/``mtime_ns`` tell a changed or missing file. ``path`` and
    ``sha256`` are NULL for a recording a REFI-QDA project referenced but did not carry (reported
    missing). ``waveform`` holds float16 peaks (0..1), at most 20,000. A transcript's recording is
    looked up along its version chain, so an edited or pseudonymised version needs no copy.
    ``turns.time_source``: 'file' (the imported file gave it), 'manual' ("this turn starts
    here"), 'stt' (speech to text), 'carried' (kept through an edit), NULL (no time).
    """
    db.execute(
        """
        CREATE TABLE media_files (
            id INTEGER PRIMARY KEY,
            sha256 TEXT UNIQUE,
            path TEXT,
            original_name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'audio' CHECK (kind IN ('audio', 'video')),
            container TEXT NOT NULL DEFAULT '',
            codec TEXT NOT NULL DEFAULT '',
            sample_rate INTEGER,
            channels INTEGER,
            duration_s REAL,
            size INTEGER,
            mtime_ns INTEGER,
            listening_path TEXT,
            waveform BLOB,
            attached_by TEXT NOT NULL DEFAULT '',
            attached_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE transcript_media (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            media_id INTEGER NOT NULL REFERENCES media_files(id) ON DELETE CASCADE,
            offset_s REAL NOT NULL DEFAULT 0,
            attached_by TEXT NOT NULL DEFAULT '',
            attached_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX transcript_media_media ON transcript_media(media_id)")
    db.execute(
        "ALTER TABLE turns ADD COLUMN time_source TEXT"
        " CHECK (time_source IN ('file', 'manual', 'stt', 'carried'))"
    )
    db.execute("UPDATE turns SET time_source = 'file' WHERE t_start IS NOT NULL")
    db.execute(
        """
        CREATE TABLE word_times (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            t_start REAL NOT NULL,
            t_end REAL,
            PRIMARY KEY (document_id, char_start)
        )
        """
    )


def add_surveys(db: sqlite_utils.Database) -> None:
    # a survey import: its file and choices, and the document holding each open question's answers
    db.execute(
        """
        CREATE TABLE surveys (
            id INTEGER PRIMARY KEY,
            source_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            id_column TEXT NOT NULL,
            per TEXT NOT NULL CHECK (per IN ('question', 'answer')),
            respondents INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE survey_questions (
            survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
            question TEXT NOT NULL,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            PRIMARY KEY (survey_id, question, document_id)
        )
        """
    )
    db.execute("CREATE INDEX survey_questions_document ON survey_questions(document_id)")


MIGRATIONS = [
    ("0001_interviews", create_interviews),
    ("0002_media", add_media),
    ("0003_surveys", add_surveys),
]

register_schema("interviews", MIGRATIONS)

# What a shareable (de-identified) copy does with each text column (projectfile.text_columns).
TEXT_COLUMNS = {
    "cases": {
        "name": Share.FREE,
        "kind": Share.FIXED,
        "description": Share.FREE,
        "created_at": Share.FIXED,
    },
    "transcripts": {"format": Share.FIXED, "encoding": Share.FIXED, "imported_at": Share.FIXED},
    "speakers": {"label": Share.FREE, "role": Share.FIXED},
    "turns": {"language": Share.FIXED, "time_source": Share.FIXED},
    # recordings stay on this computer: a shareable copy carries neither their rows nor files
    "media_files": Share.DROP,
    "transcript_media": Share.DROP,
    "attributes": {"name": Share.FREE, "type": Share.FIXED, "categories": Share.JSON},
    "case_attributes": {"value": Share.FREE},
    "surveys": {
        "source_name": Share.FREE,
        "sha256": Share.FIXED,
        "id_column": Share.FREE,
        "per": Share.FIXED,
        "imported_at": Share.FIXED,
    },
    "survey_questions": {"question": Share.FREE},
}

register_text_columns("interviews", TEXT_COLUMNS)
