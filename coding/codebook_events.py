"""Codebook events: the record of one change to the codebook, written by the change's own
Recorder (so an undo takes it back with the change). Read in ``codebook_history``."""

from __future__ import annotations

import json

import sqlite_utils

from projectfile import now_iso

from .history import CodingError, Recorder

EVENT_KINDS = (
    "add",
    "rename",
    "move",
    "merge",
    "split",
    "define",
    "recolor",
    "trash",
    "restore",
    "import",
)


def record_event(
    rec: Recorder,
    kind: str,
    code_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
    other: int | None = None,
    touched: int = 0,
) -> int:
    """Record a codebook event inside the change's Recorder; return its id."""
    if kind not in EVENT_KINDS:
        raise CodingError(f"unknown codebook event '{kind}'")
    return rec.insert(
        "codebook_events",
        {
            "recorded_at": now_iso(),
            "coder": rec.coder,
            "kind": kind,
            "code_id": code_id,
            "other_code_id": other,
            "before": None if before is None else json.dumps(before, ensure_ascii=False),
            "after": None if after is None else json.dumps(after, ensure_ascii=False),
            "codings_touched": int(touched),
            "derived": 0,
        },
    )


def codebook_version(db: sqlite_utils.Database) -> int:
    """Return the codebook's version: the id of its last event (0 before any)."""
    return db.execute("SELECT COALESCE(MAX(id), 0) FROM codebook_events").fetchone()[0]
