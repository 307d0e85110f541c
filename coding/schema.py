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


def add_coder_kinds(db: sqlite_utils.Database) -> None:
    # the assistant codes as a coder of its own kind, kept out of every count unless chosen
    # (coding.Scope.assistants); 'consensus' is reserved for a team's agreed coding (issue 22);
    # ``detail`` holds what made an assistant's codings (model, version, date, thresholds)
    db.execute(
        "ALTER TABLE coders ADD COLUMN kind TEXT NOT NULL DEFAULT 'person'"
        " CHECK (kind IN ('person', 'assistant', 'consensus'))"
    )
    db.execute("ALTER TABLE coders ADD COLUMN detail TEXT NOT NULL DEFAULT '{}'")


def add_cell_memos(db: sqlite_utils.Database) -> None:
    # a framework matrix's cell summary is a memo on (row, code): SQLite cannot widen a CHECK, so
    # the table is rebuilt by hand (sqlite-utils' transform() dropped CHECK constraints) with the
    # target 'cell' and ``cell_row`` (the row key: 'case:12', 'document:5', 'attribute:Sector=x');
    # every memo keeps its id, so undo images, merge origins and the search index still match
    # other triggers on memos (0009_team's change counter, on a file that had it first) are kept
    kept = [
        r[0]
        for r in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'memos'"
            " AND name NOT IN ('memos_ai', 'memos_ad', 'memos_au')"
        ).fetchall()
    ]
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
    for sql in kept:
        db.execute(sql)
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


def add_codebook_history(db: sqlite_utils.Database) -> None:
    # every change to the codebook as an event (who, when, before/after, codings it touched), named
    # snapshots of the codebook, and the codebook version each coding was made under
    db.execute(
        """
        CREATE TABLE codebook_events (
            id INTEGER PRIMARY KEY,
            recorded_at TEXT NOT NULL,
            coder TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('add', 'rename', 'move', 'merge', 'split', 'define',
              'recolor', 'trash', 'restore', 'import')),
            code_id INTEGER,
            other_code_id INTEGER,
            before TEXT,
            after TEXT,
            codings_touched INTEGER NOT NULL DEFAULT 0,
            derived INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE INDEX codebook_events_code ON codebook_events(code_id, id)")
    db.execute(
        """
        CREATE TABLE codebook_snapshots (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            event_id INTEGER NOT NULL,
            codebook TEXT NOT NULL
        )
        """
    )
    db.execute("ALTER TABLE codings ADD COLUMN codebook_event_id INTEGER")
    # best effort: one derived 'add' event per code the audit log saw created (or, without one,
    # at the code's own creation time), in id order
    db.execute(
        """
        INSERT INTO codebook_events (recorded_at, coder, kind, code_id, after, derived)
        SELECT COALESCE(a.at, k.created_at), COALESCE(a.coder, k.created_by, ''), 'add', k.id,
               json_object('name', k.name), 1
        FROM codes k
        LEFT JOIN (SELECT entity_id, MIN(at) AS at, MIN(coder) AS coder FROM audit_log
                   WHERE entity = 'codes' AND action = 'create' GROUP BY entity_id) a
          ON a.entity_id = k.id
        ORDER BY k.id
        """
    )


def add_team(db: sqlite_utils.Database) -> None:
    # members and roles (workflows.access decides what each role may do), blind rounds, consensus
    db.execute(
        """
        CREATE TABLE members (
            coder_id INTEGER PRIMARY KEY REFERENCES coders(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'coder', 'viewer')),
            added_by TEXT NOT NULL,
            added_at TEXT NOT NULL
        )
        """
    )
    # coders.kind ('person', 'assistant', 'consensus') comes from 0006_coder_kinds
    db.execute(
        "ALTER TABLE codes ADD COLUMN status TEXT NOT NULL DEFAULT 'active'"
        " CHECK (status IN ('active', 'proposed'))"
    )
    # a code merged away points at the code it went into, so a coder still holding its id lands
    # on the merge target (coding.resolve_code follows it)
    db.execute("ALTER TABLE codes ADD COLUMN merged_into INTEGER REFERENCES codes(id)")
    db.execute(
        """
        CREATE TABLE blind_rounds (
            id INTEGER PRIMARY KEY,
            label TEXT NOT NULL DEFAULT '',
            all_documents INTEGER NOT NULL DEFAULT 0 CHECK (all_documents IN (0, 1)),
            started_by TEXT NOT NULL,
            started_at TEXT NOT NULL,
            opened_by TEXT,
            opened_at TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE blind_documents (
            round_id INTEGER NOT NULL REFERENCES blind_rounds(id) ON DELETE CASCADE,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            PRIMARY KEY (round_id, document_id)
        )
        """
    )
    db.execute("CREATE INDEX blind_documents_doc ON blind_documents(document_id)")
    db.execute(
        """
        CREATE TABLE consensus_decisions (
            id INTEGER PRIMARY KEY,
            round_id INTEGER REFERENCES blind_rounds(id) ON DELETE SET NULL,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('a', 'b', 'both', 'neither', 'edit')),
            source_coding_ids TEXT NOT NULL DEFAULT '[]',
            result_coding_ids TEXT NOT NULL DEFAULT '[]',
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            CHECK (char_start >= 0 AND char_end >= char_start)
        )
        """
    )
    db.execute(
        "CREATE UNIQUE INDEX consensus_decisions_item ON consensus_decisions(document_id,"
        " code_id, char_start, char_end)"
    )
    # memos now bump the change counter too, so a live reader sees a new memo
    for event in ("INSERT", "UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER memos_{event.lower()}_version AFTER {event} ON memos"
            " BEGIN UPDATE coding_version SET version = version + 1 WHERE id = 1; END"
        )


MIGRATIONS = [
    ("0001_coding", create_coding_tables),
    ("0002_covering_indexes", add_covering_indexes),
    ("0003_change_counter", add_change_counter),
    ("0004_quick_keys", add_quick_keys),
    ("0005_coding_reviews", add_coding_reviews),
    ("0006_coder_kinds", add_coder_kinds),
    ("0007_cell_memos", add_cell_memos),
    ("0008_codebook_history", add_codebook_history),
    ("0009_team", add_team),
]

register_schema("coding", MIGRATIONS)

# What a shareable (de-identified) copy does with each text column (projectfile.text_columns):
# the undo images and the audit log hold text as it was before, so the copy leaves them out.
TEXT_COLUMNS = {
    "coders": {
        "name": Share.FREE,
        "created_at": Share.FIXED,
        "kind": Share.FIXED,
        "detail": Share.FIXED,
    },
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
        "status": Share.FIXED,
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
    # member names are coder names (coders.name, FREE); who added whom is a name too
    "members": {"role": Share.FIXED, "added_by": Share.FREE, "added_at": Share.FIXED},
    "blind_rounds": {
        "label": Share.FREE,
        "started_by": Share.FREE,
        "started_at": Share.FIXED,
        "opened_by": Share.FREE,
        "opened_at": Share.FIXED,
    },
    "consensus_decisions": {
        "decision": Share.FIXED,
        "source_coding_ids": Share.FIXED,
        "result_coding_ids": Share.FIXED,
        "decided_by": Share.FREE,
        "decided_at": Share.FIXED,
    },
    "codebook_events": {
        "recorded_at": Share.FIXED,
        "coder": Share.FREE,
        "kind": Share.FIXED,
        "before": Share.FREE,
        "after": Share.FREE,
    },
    "codebook_snapshots": {
        "name": Share.FREE,
        "created_at": Share.FIXED,
        "created_by": Share.FREE,
        "codebook": Share.FREE,
    },
}

register_text_columns("coding", TEXT_COLUMNS)
