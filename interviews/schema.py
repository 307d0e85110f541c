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


MIGRATIONS = [("0001_interviews", create_interviews), ("0003_surveys", add_surveys)]

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
    "turns": {"language": Share.FIXED},
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
