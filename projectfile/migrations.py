"""Each package's schema migrations, applied in layer order and recorded in ``_migrations``.

Every package lists its steps in ``<package>/schema.py`` as ``MIGRATIONS = [(name, function),
...]``. ``SCHEMA_PACKAGES`` names them in the layer order (``pyproject.toml``'s contract, checked by
``tests/test_layers.py``); a schema module holds DDL only and imports nothing above this package, so
loading it by name is configuration, not a dependency on the package's behaviour."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from .backups import backup_project
from .clock import now_iso
from .errors import ProjectError
from .transactions import transaction

# Layer order: later packages reference earlier packages' tables.
SCHEMA_PACKAGES = ("corpus", "interviews", "coding", "nlp", "exports")


def _migrations_for(package: str) -> list[tuple[str, Callable]]:
    try:
        module = importlib.import_module(f"{package}.schema")
    except ModuleNotFoundError as exc:
        if exc.name == f"{package}.schema" or exc.name == package:
            return []
        raise
    return list(getattr(module, "MIGRATIONS", []))


def known_migrations() -> list[tuple[str, str, Callable]]:
    """Return (package, name, function) for every migration this version knows, in order."""
    return [(pkg, name, fn) for pkg in SCHEMA_PACKAGES for name, fn in _migrations_for(pkg)]


def _applied(db: sqlite_utils.Database) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in db.conn.execute("SELECT package, name FROM _migrations")}


def _refuse_newer(applied: set[tuple[str, str]], known_keys: set[tuple[str, str]], path) -> None:
    unknown = sorted(applied - known_keys)
    if unknown:
        names = ", ".join(f"{p}.{n}" for p, n in unknown[:3])
        raise ProjectError(
            f"{path or 'project'}: written by a newer version of the workbench "
            f"(unknown schema steps: {names}). Upgrade the workbench to open it; "
            "the file was not changed.",
            code="newer",
        )


def _check_readonly_schema(db: sqlite_utils.Database, path: Path) -> None:
    has_table = db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = '_migrations'").fetchone()
    applied = _applied(db) if has_table else set()
    known_keys = {(p, n) for p, n, _ in known_migrations()}
    _refuse_newer(applied, known_keys, path)
    if known_keys - applied:
        raise ProjectError(
            f"{path}: the project file is read-only and needs an upgrade this version must write; "
            "make it writable (or copy it) and open it again",
            code="readonly",
        )


def migrate(db: sqlite_utils.Database, path: Path | None = None) -> list[str]:
    """Apply missing migrations (backing the file up first); return the names applied.

    Safe when several processes open the same file at once: the set of missing steps is
    re-read inside the write transaction, so each step runs exactly once.
    """
    known = known_migrations()
    known_keys = {(p, n) for p, n, _ in known}
    has_table = db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = '_migrations'").fetchone()
    applied = _applied(db) if has_table else set()
    _refuse_newer(applied, known_keys, path)
    if not [k for k in known_keys if k not in applied]:
        return []
    if applied and path is not None:
        backup_project(db, reason="before-migration")
    done = []
    with transaction(db):
        db.conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (package TEXT NOT NULL, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL, PRIMARY KEY (package, name))"
        )
        applied = _applied(db)  # another process may have migrated while we waited for the lock
        _refuse_newer(applied, known_keys, path)
        for pkg, name, fn in known:
            if (pkg, name) in applied:
                continue
            fn(db)
            db.conn.execute(
                "INSERT INTO _migrations (package, name, applied_at) VALUES (?, ?, ?)",
                (pkg, name, now_iso()),
            )
            done.append(f"{pkg}.{name}")
        db.conn.execute(f"PRAGMA user_version = {len(known)}")
    return done
