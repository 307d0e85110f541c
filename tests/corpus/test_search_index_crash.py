"""The search index beside the project after SIGKILL (during a write, during an apply of the
change queue, during a rebuild) and while another process holds its writer lock: searches
always answer as FTS5 does, never hang, and the index catches up."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from search_index_fixtures import index_from_ten_segments, same_hits, store_generated

from corpus import sync_search_index
from corpus.search import index as search_index
from corpus.search.sync import index_meta
from projectfile import open_project

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ["the OR de", "tecnologia", "innov*", '"peña nieto"', "council NOT trade"]

_PRELUDE = f"""
import os, signal, sys, time
sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests" / "corpus")!r}]
from corpus.search import index as si
si.THRESHOLD = 10
si.BACKGROUND_REBUILD = False
from projectfile import open_project
from search_index_fixtures import store_generated
db = open_project(sys.argv[1])
"""


@pytest.fixture
def small_threshold(monkeypatch):
    index_from_ten_segments(monkeypatch)


def _child(body: str, project: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _PRELUDE + body, str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_line(proc: subprocess.Popen, word: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if word in line:
            return
        if proc.poll() is not None:
            raise AssertionError(f"child ended early: {proc.stderr.read()[-2000:]}")
    raise AssertionError(f"child never printed {word!r}")


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def _all_in_step(project: Path) -> None:
    """Every query answers as FTS5 does; then the index holds every segment once."""
    db = open_project(project)
    try:
        for q in QUERIES:
            same_hits(db, q)
            same_hits(db, q, include_old=True, languages=["es"])
        assert sync_search_index(db) in ("applied", "built")
        assert db.execute("SELECT COUNT(*) FROM search_changes").fetchone()[0] == 0
        index = search_index.open_index(search_index.index_dir(project))
        assert (
            index.searcher().num_docs == db.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
        )
    finally:
        db.conn.close()


def _project_with_index(project: Path) -> None:
    db = open_project(project)
    store_generated(db)
    assert sync_search_index(db) == "built"
    db.conn.close()


@pytest.mark.timeout(300)
def test_sigkill_during_writes(project_path, small_threshold):
    _project_with_index(project_path)
    rng = random.Random(1)
    for round_ in range(3):
        proc = _child(
            f"""
print("ready", flush=True)
for i in range(1000):
    store_generated(db, n_docs=2, seed={round_} * 1000 + i)
""",
            project_path,
        )
        _wait_line(proc, "ready")
        time.sleep(rng.uniform(0.2, 1.5))
        _kill(proc)
        _all_in_step(project_path)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("window", ["after_index_commit", "after_state_file"])
def test_sigkill_between_the_index_and_the_project(project_path, small_threshold, window):
    """A kill after the index committed (before its state file), or after the state file (before
    the project dropped the queue rows): the next search applies the queue again."""
    _project_with_index(project_path)
    target = "write_state" if window == "after_index_commit" else "finish_apply"
    proc = _child(
        f"""
store_generated(db, n_docs=3, seed=77)
def die(*a, **k):
    os.kill(os.getpid(), signal.SIGKILL)
si.{target} = die
si.sync_search_index(db)
print("not killed", flush=True)
""",
        project_path,
    )
    proc.wait(timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
    db = open_project(project_path)
    epoch = index_meta(db)[0]
    assert db.execute("SELECT COUNT(*) FROM search_changes").fetchone()[0] > 0
    assert search_index.usable_state(search_index.index_dir(project_path), db) is not None
    db.conn.close()
    _all_in_step(project_path)
    db = open_project(project_path)
    assert index_meta(db)[0] == epoch  # applied again, not rebuilt
    db.conn.close()


@pytest.mark.timeout(300)
def test_sigkill_during_a_large_apply_and_a_rebuild(project_path, small_threshold):
    _project_with_index(project_path)
    rng = random.Random(2)
    for round_, action in enumerate(["sync", "sync", "rebuild", "rebuild"]):
        proc = _child(
            f"""
store_generated(db, n_docs=60, per_doc=20, seed=500 + {round_})
print("ready", flush=True)
{"si.sync_search_index(db)" if action == "sync" else "si.rebuild_search_index(db)"}
print("done", flush=True)
""",
            project_path,
        )
        _wait_line(proc, "ready", timeout=120)
        time.sleep(rng.uniform(0.0, 0.8))
        _kill(proc)
        _all_in_step(project_path)
    leftovers = list(project_path.parent.glob(project_path.name + ".search-index.tmp-*"))
    assert leftovers == []


@pytest.mark.timeout(120)
@pytest.mark.parametrize("lock", ["tantivy writer", "maintenance lock"])
def test_another_process_holding_the_lock(project_path, small_threshold, lock):
    """Searches answer correctly (with FTS5) while another process holds the index's writer, and
    the index catches up once it lets go."""
    _project_with_index(project_path)
    hold = (
        "w = si.open_index(si.index_dir(db_path)).writer(heap_size=15_000_000, num_threads=1)"
        if lock == "tantivy writer"
        else "ctx = si.maintenance_lock(db_path, True); ctx.__enter__()"
    )
    proc = _child(
        f"""
from pathlib import Path
db_path = Path(sys.argv[1])
{hold}
print("holding", flush=True)
time.sleep(600)
""",
        project_path,
    )
    try:
        _wait_line(proc, "holding")
        db = open_project(project_path)
        try:
            store_generated(db, n_docs=2, seed=4242)
            from corpus import store_version

            current = db.execute("SELECT MAX(id) FROM documents WHERE is_current = 1").fetchone()
            store_version(db, current[0], "Texto nuevo: cuauhtemoc y la tecnología.")
            started = time.monotonic()
            for q in [*QUERIES, "cuauhtemoc"]:
                same_hits(db, q)
            assert same_hits(db, "cuauhtemoc") >= 1
            assert time.monotonic() - started < 60
            assert db.execute("SELECT COUNT(*) FROM search_changes").fetchone()[0] > 0
        finally:
            db.conn.close()
    finally:
        _kill(proc)
    _all_in_step(project_path)
