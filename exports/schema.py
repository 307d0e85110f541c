"""Tables owned by ``exports``: ``exports_meta`` holds the project's REFI-QDA GUID namespace.

Export GUIDs are ``uuid5(namespace, '<kind>:<id>')`` so that two exports of one project agree, while
two different projects never share GUIDs.
"""

from __future__ import annotations

import uuid

import sqlite_utils

from projectfile import Share, register_schema, register_text_columns


def create_exports_meta(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE exports_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        "INSERT INTO exports_meta (key, value) VALUES ('refi_namespace', ?)", [str(uuid.uuid4())]
    )


MIGRATIONS = [("0001_exports_meta", create_exports_meta)]

register_schema("exports", MIGRATIONS)

# What a shareable (de-identified) copy does with each text column (projectfile.text_columns):
# a citation template may name a person.
register_text_columns("exports", {"exports_meta": {"key": Share.FIXED, "value": Share.FREE}})
