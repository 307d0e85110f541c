"""Each package's schema migrations, applied in layer order and recorded in ``_migrations``.

Every package lists its steps in ``<package>/schema.py`` as ``MIGRATIONS = [(name, function),
...]`` and registers them there with ``register_schema(package, MIGRATIONS)``; the package's
``__init__`` imports its schema module, so importing a package (or any module of it) registers its
tables. This floor imports nothing above it: it only knows the names in ``SCHEMA_PACKAGES``, the
layer order (``pyproject.toml``'s contract, checked by ``tests/test_layers.py``), and applies the
registered schemas in that order. A process that imports only ``corpus`` gets corpus's tables; one
that imports ``coding`` has imported ``interviews`` and ``corpus`` too, so their tables come first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import sqlite_utils

from .backups import backup_project
from .clock import now_iso
from .errors import ProjectError
from .transactions import transaction

# Layer order: later packages reference earlier packages' tables.
SCHEMA_PACKAGES = ("corpus", "interviews", "coding", "nlp", "exports")

Migration = tuple[str, Callable[[sqlite_utils.Database], None]]
_REGISTERED: dict[str, tuple[Migration, ...]] = {}
_OPENED_WITH: list[str] = []  # the packages whose tables the first project opened here got


class SchemaNotRegistered(RuntimeError):
    """A project was opened before the schemas it stands on were registered: a bug in the tool
    (a missing import), not a problem with the file, so it is not a ``QdaError``."""


def register_schema(package: str, migrations: Sequence[Migration]) -> None:
    """Register ``package``'s migrations (called by ``<package>/schema.py`` when imported)."""
    if package not in SCHEMA_PACKAGES:
        raise ValueError(
            f"{package!r} is not a package with tables; known: {', '.join(SCHEMA_PACKAGES)}"
        )
    names = [name for name, _ in migrations]
    if len(set(names)) != len(names):
        raise ValueError(f"{package}: a migration name appears twice")
    if _OPENED_WITH and package not in _REGISTERED:
        # the project already open has none of this package's tables: its first query would
        # fail with "no such table" far from the cause
        raise SchemaNotRegistered(
            f"{package} was imported after a project was opened with the tables of "
            f"{', '.join(_OPENED_WITH)} only: import every package the tool uses (`import "
            "workflows` imports them all) before `open_project`"
        )
    _REGISTERED[package] = tuple(migrations)  # a reloaded module replaces its own entry


def registered_packages() -> list[str]:
    """Return the packages whose schemas are registered, in layer order.

    A package's imports register what it stands on (coding imports interviews and corpus), so
    a gap in the layer order (exports without nlp) is a package that needs none of the tables
    in between; a full tool adds them when it opens the file."""
    registered = [pkg for pkg in SCHEMA_PACKAGES if pkg in _REGISTERED]
    if not registered:
        raise SchemaNotRegistered(
            "no package has registered its tables, so a project cannot be opened: import the "
            "packages the tool uses (`import workflows` imports them all) before `open_project`"
        )
    return registered


def _migrations_for(package: str) -> list[Migration]:
    return list(_REGISTERED.get(package, ()))


def known_migrations() -> list[tuple[str, str, Callable]]:
    """Return (package, name, function) for every registered migration, in layer order."""
    return [(pkg, name, fn) for pkg in registered_packages() for name, fn in _migrations_for(pkg)]


def _applied(db: sqlite_utils.Database) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in db.conn.execute("SELECT package, name FROM _migrations")}


def _refuse_newer(applied: set[tuple[str, str]], known_keys: set[tuple[str, str]], path) -> None:
    # Steps of a package this version knows but this process did not import are not its business
    # (a tool that imports only corpus opens a project with codings); any other unknown step is.
    unknown = sorted(
        (p, n) for p, n in applied - known_keys if p in _REGISTERED or p not in SCHEMA_PACKAGES
    )
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
    if not _OPENED_WITH:
        _OPENED_WITH.extend(registered_packages())
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
        steps = db.conn.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0]
        db.conn.execute(f"PRAGMA user_version = {int(steps)}")
    return done
