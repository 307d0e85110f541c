"""Build the demo project from the fictional demo corpus: ``python -m demo.build --out FILE``.

Each package contributes one step module ``demo/step_<package>.py`` with ``build(db, root)``;
steps run in package order, each in its own transactions, so a later package builds on earlier data.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

STEPS = ("corpus", "interviews", "coding", "nlp")


def build(out: Path) -> Path:
    """Build a fresh demo project at ``out`` (replacing an old one); return its path."""
    import workflows  # noqa: F401  (every package, so every package's tables are registered)
    from corpus import set_project_meta
    from projectfile import open_project

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    db = open_project(tmp)
    for step in STEPS:
        module = importlib.import_module(f"demo.step_{step}")
        start = time.perf_counter()
        module.build(db, ROOT)
        print(f"demo: {step} step done in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    set_project_meta(db, "demo", "1")  # the app asks before the first write into the demo
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    os.replace(tmp, out)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=str(ROOT / "build" / "demo.qda.sqlite"))
    print(build(Path(ap.parse_args().out)))
