"""Project-wide settings kept inside the project file (table ``project_meta``: key -> text).

Examples: ``demo`` = "1" marks the fictional demo project (written by ``demo/build.py``; the app
asks before the first write into it).
"""

from __future__ import annotations

import sqlite_utils

from projectfile import transaction, writes

MAX_KEY = 100
MAX_VALUE = 100_000


def get_project_meta(db: sqlite_utils.Database, key: str, default: str | None = None) -> str | None:
    """Return the project setting ``key`` (``default`` when it is not set)."""
    row = db.execute("SELECT value FROM project_meta WHERE key = ?", [str(key)]).fetchone()
    return row[0] if row else default


@writes("settings")
def set_project_meta(db: sqlite_utils.Database, key: str, value: str | None) -> None:
    """Set the project setting ``key`` to ``value`` (None removes it)."""
    key = str(key)
    if not key or len(key) > MAX_KEY:
        raise ValueError(f"a project setting name has 1 to {MAX_KEY} characters")
    with transaction(db):
        if value is None:
            db.execute("DELETE FROM project_meta WHERE key = ?", [key])
            return
        value = str(value)
        if len(value) > MAX_VALUE:
            raise ValueError(f"the project setting '{key}' is longer than {MAX_VALUE} characters")
        db.execute(
            "INSERT INTO project_meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )
