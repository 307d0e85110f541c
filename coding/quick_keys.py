"""Quick keys: each coder pins codes to the keys 1-9 (stored in the project, table
``code_quick_keys``); pressing the key in the reader codes the selection with that code.

Pins never move by themselves (not by usage, not when codes are added): only the coder changes
them. A key holds one code and a code one key (per coder); pinning a code to a new key frees its
old one. A pin of a code in the trash is kept but not shown, so the key comes back with the code
unless the coder has pinned something else to it meanwhile. Pins are preferences, not research
data: they are written in one transaction with an audit-log row, but are not on the undo stack.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from projectfile import now_iso, transaction, writes

from .codes import code_paths, resolve_code
from .history import CodingError, audit, ensure_coder

KEYS = range(1, 10)
QUICK_KEY_COLUMNS = ["key", "id", "path", "color"]


def _coder_id(db: sqlite_utils.Database, coder: str) -> int | None:
    row = db.execute("SELECT id FROM coders WHERE name = ?", [(coder or "").strip()]).fetchone()
    return row[0] if row else None


def quick_keys(db: sqlite_utils.Database, coder: str) -> pd.DataFrame:
    """Return the coder's pinned keys of active codes, by key (columns QUICK_KEY_COLUMNS)."""
    coder_id = _coder_id(db, coder)
    if coder_id is None:
        return pd.DataFrame(columns=QUICK_KEY_COLUMNS)
    rows = db.execute(
        "SELECT q.key, c.id, c.color FROM code_quick_keys q JOIN codes c ON c.id = q.code_id"
        " WHERE q.coder_id = ? AND c.deleted_at IS NULL ORDER BY q.key",
        [coder_id],
    ).fetchall()
    paths = code_paths(db) if rows else {}
    out = [(k, i, paths.get(i, ""), col) for k, i, col in rows if i in paths]
    return pd.DataFrame(out, columns=QUICK_KEY_COLUMNS)


def quick_key_code(db: sqlite_utils.Database, coder: str, key: int) -> int | None:
    """Return the id of the active code the coder pinned to ``key``, or None."""
    df = quick_keys(db, coder)
    hit = df[df["key"] == int(key)]
    return int(hit["id"].iloc[0]) if len(hit) else None


def free_quick_keys(db: sqlite_utils.Database, coder: str) -> list[int]:
    """Return the keys 1-9 that show no code for the coder."""
    used = set(quick_keys(db, coder)["key"].astype(int))
    return [k for k in KEYS if k not in used]


def _check_key(key: int) -> int:
    try:
        k = int(key)
    except (TypeError, ValueError):
        raise CodingError(f"'{key}' is not a quick key: use 1 to 9") from None
    if k not in KEYS:
        raise CodingError(f"'{key}' is not a quick key: use 1 to 9")
    return k


@writes("keys")
def pin_quick_key(db: sqlite_utils.Database, coder: str, key: int, code: int | str | None) -> None:
    """Pin ``code`` (id or path) to ``key`` for ``coder``; ``code=None`` frees the key.

    The code's previous key (if any) is freed; whatever was on ``key`` is replaced."""
    k = _check_key(key)
    code_id = resolve_code(db, code) if code not in (None, "") else None
    coder_id = ensure_coder(db, coder)
    with transaction(db):
        db.execute("DELETE FROM code_quick_keys WHERE coder_id = ? AND key = ?", [coder_id, k])
        if code_id is not None:
            db.execute(
                "DELETE FROM code_quick_keys WHERE coder_id = ? AND code_id = ?",
                [coder_id, code_id],
            )
            db.execute(
                "INSERT INTO code_quick_keys (coder_id, key, code_id, pinned_at)"
                " VALUES (?, ?, ?, ?)",
                [coder_id, k, code_id, now_iso()],
            )
        audit(db, coder, "pin" if code_id else "unpin", "quick_key", k, {"code_id": code_id})


@writes("keys")
def set_quick_keys(db: sqlite_utils.Database, coder: str, pins: dict[int, int | None]) -> None:
    """Set several keys at once ({key: code id or None}); a code given twice is refused."""
    chosen = [c for c in pins.values() if c is not None]
    if len(chosen) != len(set(chosen)):
        raise CodingError("a code can be pinned to one quick key only: pick another code")
    keys = {_check_key(k): v for k, v in pins.items()}
    with transaction(db):
        for k, code in keys.items():
            if code is None:
                pin_quick_key(db, coder, k, None)
        for k, code in keys.items():
            if code is not None:
                pin_quick_key(db, coder, k, code)
