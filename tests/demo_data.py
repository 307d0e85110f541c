"""The bilingual demo project (fictional expert interviews in English and Spanish, policy texts,
a codebook coded by two coders, case attributes such as ``sector``) for tests of the analysis
views: built once per test session through the demo's own steps (no NLP step), copied per test.

Imported by name (``from demo_data import demo_copy``).
"""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("corpus", "interviews", "coding")
_BUILT: dict[str, Path] = {}


def build_demo(out: Path, steps=STEPS) -> Path:
    """Build the demo project's ``steps`` into a new project file ``out``; return it."""
    import workflows  # noqa: F401  (every package's tables)
    from projectfile import open_project

    db = open_project(out)
    try:
        for step in steps:
            importlib.import_module(f"demo.step_{step}").build(db, ROOT / "demo")
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.conn.close()
    return out


def demo_copy(tmp_path: Path, cache: Path, name: str = "demo.qda.sqlite") -> Path:
    """Return a fresh copy of the demo project in ``tmp_path`` (built once into ``cache``, a
    session-wide folder)."""
    key = str(cache)
    if key not in _BUILT:
        _BUILT[key] = build_demo(cache / "demo-template.qda.sqlite")
    out = tmp_path / name
    shutil.copyfile(_BUILT[key], out)
    return out
