"""Tables owned by ``exports``: ``exports_meta`` holds the project's REFI-QDA GUID namespace.

Export GUIDs are ``uuid5(namespace, '<kind>:<id>')`` so that two exports of one project agree, while
two different projects never share GUIDs.
"""

from __future__ import annotations

import uuid

import sqlite_utils

from projectfile import register_schema


def create_exports_meta(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE exports_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        "INSERT INTO exports_meta (key, value) VALUES ('refi_namespace', ?)", [str(uuid.uuid4())]
    )


MIGRATIONS = [("0001_exports_meta", create_exports_meta)]

register_schema("exports", MIGRATIONS)
