"""Every column that can hold text, declared by the package that owns its table, with what a
shareable (de-identified) copy does with it.

Each package's ``schema.py`` registers its tables' text columns next to its migrations
(``register_text_columns``); a column that is not declared is a test failure
(``undeclared_columns``), so a new text column cannot slip past de-identification. The copy's
use of the declarations is generic: ``rewrite_text_columns`` applies a text function to every
FREE and JSON cell, ``empty_dropped_tables`` empties the DROP tables, ``rebuild_fts`` rebuilds
the REBUILD (FTS5) tables from their content, and ``text_cells`` reads every text in the file for
the final check.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from enum import StrEnum

import sqlite_utils

from .transactions import transaction


class Share(StrEnum):
    """What a shareable copy does with a column (or a whole table)."""

    FREE = "free"  # free text a person wrote or a file name gave: names rewritten
    JSON = "json"  # JSON: every string inside rewritten
    TEXT = "text"  # a document's own text: pseudonymized as a new version; the check refuses a name
    REBUILD = "rebuild"  # a full-text index over other columns: rebuilt from them
    DROP = "drop"  # history, logs and derived indexes: emptied (rebuilt in the copy when wanted)
    FIXED = "fixed"  # not free text: ids, hashes, kinds, dates, language codes, model names


FTS5_SHADOWS = ("_data", "_idx", "_config", "_docsize", "_content")

_REGISTRY: dict[str, dict[str, Share | dict[str, Share]]] = {}


def register_text_columns(package: str, tables: dict[str, Share | dict[str, Share]]) -> None:
    """Declare ``package``'s tables: a Share for a whole table, or {column: Share}."""
    _REGISTRY[package] = {t: (v if isinstance(v, Share) else dict(v)) for t, v in tables.items()}


def declared_tables() -> dict[str, Share | dict[str, Share]]:
    """Return every declared table: a Share for the whole table or {column: Share}."""
    out: dict[str, Share | dict[str, Share]] = {}
    for tables in _REGISTRY.values():
        out.update(tables)
    return out


def _columns(declared, share: Share) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for table, spec in declared.items():
        if isinstance(spec, dict):
            cols = [c for c, s in spec.items() if s == share]
            if cols:
                out[table] = cols
    return out


def _tables(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    return [
        (r[0], r[1] or "")
        for r in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    ]


def undeclared_columns(db: sqlite_utils.Database) -> list[tuple[str, str, str]]:
    """Return (table, column, declared type) of every column of the file that may hold text (any
    type but INTEGER and REAL) and is not declared; FTS5 shadow tables of a declared REBUILD table
    and SQLite's own tables are covered."""
    declared = declared_tables()
    rebuilt = [t for t, s in declared.items() if s == Share.REBUILD]
    out = []
    for table, _sql in _tables(db):
        if table.startswith("sqlite_") or table in declared and isinstance(declared[table], Share):
            continue
        if any(table == f"{t}{suffix}" for t in rebuilt for suffix in FTS5_SHADOWS):
            continue
        spec = declared.get(table, {})
        for _cid, name, type_, *_ in db.execute(f'PRAGMA table_info("{table}")').fetchall():
            if (type_ or "").upper() in ("INTEGER", "REAL"):
                continue
            if name not in spec:
                out.append((table, name, type_ or ""))
    return out


def _rewrite_json(value, rewrite: Callable[[str], str]):
    if isinstance(value, str):
        return rewrite(value)
    if isinstance(value, dict):
        return {rewrite(k): _rewrite_json(v, rewrite) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite_json(v, rewrite) for v in value]
    return value


def _rewrite_cell(value, share: Share, rewrite: Callable[[str], str]):
    if not isinstance(value, str):
        return value
    if share == Share.JSON:
        try:
            parsed = json.loads(value)
        except ValueError:
            return rewrite(value)
        new = _rewrite_json(parsed, rewrite)
        return value if new == parsed else json.dumps(new, ensure_ascii=False)
    return rewrite(value)


def rewrite_text_columns(db: sqlite_utils.Database, rewrite: Callable[[str], str]) -> int:
    """Apply ``rewrite`` to every FREE cell and every string inside every JSON cell of the
    declared tables, in one transaction; return the cells changed.

    A new value that another row already has where values must be unique (a case, code or
    attribute name) is suffixed with the row's id.
    """
    declared = declared_tables()
    present = {t for t, _ in _tables(db)}
    changed = 0
    with transaction(db):
        for table, spec in declared.items():
            if table not in present or not isinstance(spec, dict):
                continue
            cols = [c for c, s in spec.items() if s in (Share.FREE, Share.JSON)]
            if not cols:
                continue
            select = ", ".join(f'"{c}"' for c in cols)
            for row in db.execute(f'SELECT rowid, {select} FROM "{table}"').fetchall():
                for col, old in zip(cols, row[1:]):
                    new = _rewrite_cell(old, spec[col], rewrite)
                    if new == old:
                        continue
                    sql = f'UPDATE "{table}" SET "{col}" = ? WHERE rowid = ?'
                    try:
                        with transaction(db):
                            db.execute(sql, [new, row[0]])
                    except sqlite3.IntegrityError:
                        db.execute(sql, [f"{new} ({row[0]})", row[0]])
                    changed += 1
    return changed


def empty_dropped_tables(db: sqlite_utils.Database) -> dict[str, int]:
    """Empty every table declared DROP; return the rows removed per table."""
    declared = declared_tables()
    present = {t for t, _ in _tables(db)}
    dropped = {}
    with transaction(db):
        db.execute("PRAGMA defer_foreign_keys = ON")
        for table, spec in declared.items():
            if spec == Share.DROP and table in present:
                dropped[table] = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                db.execute(f'DELETE FROM "{table}"')
    return dropped


def rebuild_fts(db: sqlite_utils.Database) -> None:
    """Rebuild every declared REBUILD (FTS5) table from its content table."""
    present = {t for t, _ in _tables(db)}
    with transaction(db):
        for table, spec in declared_tables().items():
            if spec == Share.REBUILD and table in present:
                db.execute(f'INSERT INTO "{table}"("{table}") VALUES (\'rebuild\')')


def text_cells(db: sqlite_utils.Database) -> Iterator[tuple[str, str, str]]:
    """Yield (table, column, text) of every text or blob cell of every table of the file (blobs
    decoded as UTF-8 with replacement), the schema's own SQL included."""
    for name, sql in _tables(db):
        yield "sqlite_master", name, sql
        cur = db.execute(f'SELECT * FROM "{name}"')
        cols = [d[0] for d in cur.description]
        for row in cur:
            for col, v in zip(cols, row):
                if isinstance(v, bytes):
                    v = v.decode("utf-8", "replace")
                if isinstance(v, str):
                    yield name, col, v


# the project file's own table
register_text_columns(
    "projectfile",
    {"_migrations": {"package": Share.FIXED, "name": Share.FIXED, "applied_at": Share.FIXED}},
)
