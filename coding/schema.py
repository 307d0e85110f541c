"""Tables owned by ``coding``: codes, coders, codings, batches, memos, the action stack, the audit
log.

Codings are ``[char_start, char_end)`` code-point ranges of a document's canonical text.
``scope`` says whether a coding is a span, a whole document or a whole case (``case_id`` refers to
an interviews case by id, without a foreign key: ``merge_cases`` and ``delete_case`` keep the
two in step).  Deletions are soft (``deleted_at``) so they can be undone and restored.
"""

from __future__ import annotations

import json

import sqlite_utils

from projectfile import Share, register_schema, register_text_columns


def create_coding_tables(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE coders (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE codes (
            id INTEGER PRIMARY KEY,
            parent_id INTEGER REFERENCES codes(id) ON DELETE CASCADE,
            name TEXT NOT NULL CHECK (length(trim(name)) > 0),
            color TEXT NOT NULL DEFAULT '#999999',
            definition TEXT NOT NULL DEFAULT '',
            inclusion TEXT NOT NULL DEFAULT '',
            exclusion TEXT NOT NULL DEFAULT '',
            example TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0,
            created_by TEXT NOT NULL DEFAULT 'default',
            created_at TEXT NOT NULL,
            deleted_at TEXT
        )
        """
    )
    db.execute(
        "CREATE UNIQUE INDEX codes_sibling_name ON codes(COALESCE(parent_id, 0), lower(name))"
        " WHERE deleted_at IS NULL"
    )
    db.execute("CREATE INDEX codes_parent ON codes(parent_id, position)")
    db.execute(
        """
        CREATE TABLE coding_batches (
            id INTEGER PRIMARY KEY,
            rule TEXT NOT NULL,
            coder_id INTEGER NOT NULL REFERENCES coders(id),
            created_at TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            undone_at TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE codings (
            id INTEGER PRIMARY KEY,
            document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
            case_id INTEGER,
            scope TEXT NOT NULL DEFAULT 'span' CHECK (scope IN ('span', 'document', 'case')),
            char_start INTEGER NOT NULL DEFAULT 0,
            char_end INTEGER NOT NULL DEFAULT 0,
            code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            coder_id INTEGER NOT NULL REFERENCES coders(id),
            created_at TEXT NOT NULL,
            memo TEXT,
            weight REAL,
            batch_id INTEGER REFERENCES coding_batches(id) ON DELETE SET NULL,
            deleted_at TEXT,
            CHECK (char_start >= 0 AND char_end >= char_start),
            CHECK ((scope = 'case' AND case_id IS NOT NULL) OR (scope != 'case' AND document_id IS
              NOT NULL))
        )
        """
    )
    db.execute(
        "CREATE INDEX codings_code_doc ON codings(code_id, document_id, char_start, char_end)"
    )
    db.execute("CREATE INDEX codings_doc ON codings(document_id, char_start, char_end)")
    db.execute("CREATE INDEX codings_coder ON codings(coder_id)")
    db.execute("CREATE INDEX codings_batch ON codings(batch_id)")
    db.execute("CREATE INDEX codings_case ON codings(case_id) WHERE case_id IS NOT NULL")
    db.execute(
        """
        CREATE TABLE memos (
            id INTEGER PRIMARY KEY,
            target TEXT NOT NULL CHECK (target IN ('project', 'document', 'code', 'case',
              'coding')),
            document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
            code_id INTEGER REFERENCES codes(id) ON DELETE CASCADE,
            coding_id INTEGER REFERENCES codings(id) ON DELETE CASCADE,
            case_id INTEGER,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted_at TEXT
        )
        """
    )
    db["memos"].enable_fts(
        ["title", "text"], tokenize="unicode61 remove_diacritics 2", create_triggers=True
    )
    db.execute(
        """
        CREATE TABLE coding_actions (
            id INTEGER PRIMARY KEY,
            session TEXT NOT NULL,
            coder TEXT NOT NULL,
            at TEXT NOT NULL,
            label TEXT NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('done', 'undone', 'discarded'))
        )
        """
    )
    db.execute("CREATE INDEX coding_actions_session ON coding_actions(session, state, id)")
    db.execute(
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            coder TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id INTEGER,
            detail TEXT NOT NULL DEFAULT '{}'
        )
        """
    )
    db.execute("CREATE INDEX audit_log_entity ON audit_log(entity, entity_id)")


def add_covering_indexes(db: sqlite_utils.Database) -> None:
    # interval joins (co-occurrence, boolean queries) read only these columns: no table lookups
    db.execute(
        "CREATE INDEX codings_doc_cover ON codings(document_id, char_start, char_end, code_id,"
        " coder_id, id)"
        " WHERE deleted_at IS NULL"
    )
    db.execute(
        "CREATE INDEX codings_code_cover ON codings(code_id, document_id, char_start, char_end,"
        " coder_id, id)"
        " WHERE deleted_at IS NULL"
    )


def add_change_counter(db: sqlite_utils.Database) -> None:
    # a counter bumped by every write to codings or codes, so readers can cache derived arrays
    # safely
    db.execute(
        "CREATE TABLE coding_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT"
        " NULL)"
    )
    db.execute("INSERT INTO coding_version (id, version) VALUES (1, 0)")
    for table in ("codings", "codes"):
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_{event.lower()}_version AFTER {event} ON {table}"
                " BEGIN UPDATE coding_version SET version = version + 1 WHERE id = 1; END"
            )


def add_quick_keys(db: sqlite_utils.Database) -> None:
    # quick keys 1-9 pinned by each coder to codes (coding.quick_keys); a pin of a trashed code is
    # kept (it comes back with the code) but a key holds one code and a code one key per coder
    db.execute(
        """
        CREATE TABLE code_quick_keys (
            coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
            key INTEGER NOT NULL CHECK (key BETWEEN 1 AND 9),
            code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            pinned_at TEXT NOT NULL,
            PRIMARY KEY (coder_id, key)
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX code_quick_keys_code ON code_quick_keys(coder_id, code_id)")


def add_coding_reviews(db: sqlite_utils.Database) -> None:
    # a coding whose words were deleted by an edit stays on the old version and waits here for
    # the researcher to re-anchor or discard it (never dropped silently)
    db.execute(
        """
        CREATE TABLE coding_reviews (
            id INTEGER PRIMARY KEY,
            coding_id INTEGER NOT NULL REFERENCES codings(id) ON DELETE CASCADE,
            old_document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            new_document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            reason TEXT NOT NULL,
            created_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open'
              CHECK (status IN ('open', 'reanchored', 'discarded')),
            new_coding_id INTEGER REFERENCES codings(id) ON DELETE SET NULL,
            resolved_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX coding_reviews_open ON coding_reviews(status, new_document_id)")
    # a merge remembers where each incoming row came from, so merging twice adds nothing
    db.execute(
        """
        CREATE TABLE merge_origins (
            source TEXT NOT NULL,
            entity TEXT NOT NULL,
            source_id INTEGER NOT NULL,
            local_id INTEGER NOT NULL,
            merged_at TEXT NOT NULL,
            PRIMARY KEY (source, entity, source_id)
        )
        """
    )


def add_cell_memos(db: sqlite_utils.Database) -> None:
    # a framework matrix's cell summary is a memo on (row, code): SQLite cannot widen a CHECK, so
    # the table is rebuilt by hand (sqlite-utils' transform() dropped CHECK constraints) with the
    # target 'cell' and ``cell_row`` (the row key: 'case:12', 'document:5', 'attribute:Sector=x');
    # every memo keeps its id, so undo images, merge origins and the search index still match
    for suffix in ("ai", "ad", "au"):
        db.execute(f"DROP TRIGGER IF EXISTS memos_{suffix}")
    db.execute("DROP TABLE IF EXISTS memos_fts")
    db.execute("ALTER TABLE memos RENAME TO memos_before_cells")
    db.execute(
        """
        CREATE TABLE memos (
            id INTEGER PRIMARY KEY,
            target TEXT NOT NULL CHECK (target IN ('project', 'document', 'code', 'case',
              'coding', 'cell')),
            document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
            code_id INTEGER REFERENCES codes(id) ON DELETE CASCADE,
            coding_id INTEGER REFERENCES codings(id) ON DELETE CASCADE,
            case_id INTEGER,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted_at TEXT,
            cell_row TEXT,
            CHECK ((target = 'cell') = (cell_row IS NOT NULL AND code_id IS NOT NULL))
        )
        """
    )
    columns = (
        "id, target, document_id, code_id, coding_id, case_id, title, text, author, created_at,"
        " updated_at, deleted_at"
    )
    db.execute(f"INSERT INTO memos ({columns}) SELECT {columns} FROM memos_before_cells")
    db.execute("DROP TABLE memos_before_cells")
    db.execute("CREATE INDEX memos_cell ON memos(cell_row, code_id) WHERE target = 'cell'")
    db["memos"].enable_fts(
        ["title", "text"], tokenize="unicode61 remove_diacritics 2", create_triggers=True
    )
    # undo and merge-undo compare a memo's row with the image kept in the action: the images
    # written before this step lack the new column, so they get it (empty) to still match
    actions = db.execute(
        "SELECT id, payload FROM coding_actions WHERE state != 'discarded'"
        " AND payload LIKE '%\"memos\"%'"
    ).fetchall()
    for action_id, payload in actions:
        data = json.loads(payload)
        for change in data.get("changes", []):
            if change[0] == "memos":
                for image in change[2:4]:
                    if isinstance(image, dict):
                        image.setdefault("cell_row", None)
        db.execute(
            "UPDATE coding_actions SET payload = ? WHERE id = ?",
            [json.dumps(data, ensure_ascii=False, default=str), action_id],
        )


MIGRATIONS = [
    ("0001_coding", create_coding_tables),
    ("0002_covering_indexes", add_covering_indexes),
    ("0003_change_counter", add_change_counter),
    ("0004_quick_keys", add_quick_keys),
    ("0005_coding_reviews", add_coding_reviews),
    ("0007_cell_memos", add_cell_memos),
]

register_schema("coding", MIGRATIONS)

# What a shareable (de-identified) copy does with each text column (projectfile.text_columns):
# the undo images and the audit log hold text as it was before, so the copy leaves them out.
TEXT_COLUMNS = {
    "coders": {"name": Share.FREE, "created_at": Share.FIXED},
    "codes": {
        "name": Share.FREE,
        "color": Share.FIXED,
        "definition": Share.FREE,
        "inclusion": Share.FREE,
        "exclusion": Share.FREE,
        "example": Share.FREE,
        "created_by": Share.FREE,
        "created_at": Share.FIXED,
        "deleted_at": Share.FIXED,
    },
    "coding_batches": {"rule": Share.FREE, "created_at": Share.FIXED, "undone_at": Share.FIXED},
    "codings": {
        "scope": Share.FIXED,
        "created_at": Share.FIXED,
        "memo": Share.FREE,
        "deleted_at": Share.FIXED,
    },
    "memos": {
        "target": Share.FIXED,
        "title": Share.FREE,
        "text": Share.FREE,
        "author": Share.FREE,
        "created_at": Share.FIXED,
        "updated_at": Share.FIXED,
        "deleted_at": Share.FIXED,
        "cell_row": Share.FREE,
    },
    "memos_fts": Share.REBUILD,
    "coding_actions": Share.DROP,
    "audit_log": Share.DROP,
    "code_quick_keys": {"pinned_at": Share.FIXED},
    "coding_reviews": {
        "reason": Share.FREE,
        "created_at": Share.FIXED,
        "status": Share.FIXED,
        "resolved_at": Share.FIXED,
    },
    "merge_origins": {"source": Share.FREE, "entity": Share.FIXED, "merged_at": Share.FIXED},
}

register_text_columns("coding", TEXT_COLUMNS)
