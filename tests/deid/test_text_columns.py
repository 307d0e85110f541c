"""Issue 25 §2: every column of the project file that can hold text is declared, with what a
shareable copy does with it, so a new text column cannot slip past de-identification."""

from __future__ import annotations

import sqlite3

from projectfile import Share, declared_tables, undeclared_columns


def test_every_text_column_of_every_table_is_declared(db):
    missing = undeclared_columns(db)
    assert missing == [], (
        "text columns no package declared for de-identification (add them to TEXT_COLUMNS in"
        f" the package's schema.py): {missing}"
    )


def test_a_new_text_column_is_caught(db, project_path):
    db.conn.execute("ALTER TABLE cases ADD COLUMN nickname TEXT")
    db.conn.execute("CREATE TABLE notes_extra (id INTEGER PRIMARY KEY, body)")
    assert ("cases", "nickname", "TEXT") in undeclared_columns(db)
    assert ("notes_extra", "body", "") in undeclared_columns(db)


def test_declared_tables_exist_and_free_columns_are_real(project_path):
    conn = sqlite3.connect(project_path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for table, spec in declared_tables().items():
            assert table in tables, table  # a renamed or dropped table is noticed
            if isinstance(spec, dict):
                cols = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
                assert set(spec) <= cols, (table, set(spec) - cols)
    finally:
        conn.close()
    # what holds names that people wrote or file names gave is rewritten, not left as is
    spec = declared_tables()
    for table, col in [
        ("case_attributes", "value"),
        ("cases", "name"),
        ("speakers", "label"),
        ("documents", "title"),
        ("documents", "source_name"),
        ("memos", "text"),
        ("codes", "definition"),
        ("segments", "data"),
    ]:
        assert spec[table][col] in (Share.FREE, Share.JSON), (table, col)
    for table in ("audit_log", "coding_actions", "topics", "embeddings", "passage_vectors"):
        assert spec[table] == Share.DROP, table
