"""Issue 25 §4: a killed run leaves nothing behind and says so next time.

Real subprocesses are SIGKILLed midway (a hook makes each stop at a known point: an ingest with
files still unread, a merge holding its copy of the other project, a REFI import building its
hidden project, a search index half built); the next start of any command (a second subprocess)
removes what was left, logs an ingest's unread files and says so.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = str(ROOT / "cli.py")


def _env(tmp: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(
        TMPDIR=str(tmp),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
    )
    return env


@pytest.fixture
def tmpdir_env(tmp_path, monkeypatch):
    """A system temporary folder of the test's own (TMPDIR for subprocesses, tempfile here)."""
    tmp = tmp_path / "systmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


def _private(tmp: Path) -> Path:
    return tmp / f"qda-private-{os.getuid()}"


def _start(script: str, args: list[str], tmp: Path, out: Path) -> subprocess.Popen:
    path = out.with_suffix(".py")
    path.write_text(script.replace("ROOT", repr(str(ROOT))))
    return subprocess.Popen(
        [sys.executable, str(path), *args],
        stdout=open(out, "w"),
        stderr=subprocess.STDOUT,
        env=_env(tmp),
        start_new_session=True,
    )


def _wait_for(proc: subprocess.Popen, out: Path, word: str = "ready", timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if word in out.read_text():
            return
        if proc.poll() is not None:
            raise AssertionError(f"exited early ({proc.returncode}): {out.read_text()[-3000:]}")
        time.sleep(0.05)
    raise AssertionError("the run never reached the point where it is killed")


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)  # the process and any parse workers it started
    proc.wait(timeout=60)


def _next_start(tmp: Path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, CLI, *argv],
        env=_env(tmp),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _records(tmp: Path) -> list[dict]:
    runs = _private(tmp) / "runs"
    return [json.loads(f.read_text()) for f in runs.glob("*.json")] if runs.is_dir() else []


HOOKED_INGEST = """
import sys, time
sys.path.insert(0, ROOT)
import workflows  # noqa: F401
from corpus.ingest import ingest, timed_parse
from projectfile import open_project

def slow_parse(path, options):
    if path.endswith("doc003.txt"):
        print("ready", flush=True)
        time.sleep(600)  # killed here: doc003 and later never stored
    return timed_parse(path, options)

if __name__ == "__main__":
    db = open_project(sys.argv[1])
    ingest([sys.argv[2]], db, workers=1, parser=slow_parse, backup=False)
"""


def test_killed_ingest_is_logged_with_the_files_it_never_reached(tmp_path, tmpdir_env):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(8):
        (folder / f"doc{i:03}.txt").write_text(f"Documento ficticio {i}.\n\nTexto {i}.")
    project = tmp_path / "p.qda.sqlite"
    proc = _start(HOOKED_INGEST, [str(project), str(folder)], tmpdir_env, tmp_path / "ingest.out")
    _wait_for(proc, tmp_path / "ingest.out")
    assert [r["kind"] for r in _records(tmpdir_env)] == ["ingest"]
    _kill(proc)

    done = _next_start(tmpdir_env, "log", "--project", str(project), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "an ingest into p.qda.sqlite was interrupted" in done.stderr
    assert "before it stored 5 of its 8 file(s)" in done.stderr
    log = json.loads(done.stdout)
    interrupted = sorted(Path(r["path"]).name for r in log if "interrupted" in r["reason"])
    assert interrupted == [f"doc{i:03}.txt" for i in range(3, 8)]
    assert sorted(Path(r["path"]).name for r in log if r["status"] == "ok") == [
        "doc000.txt",
        "doc001.txt",
        "doc002.txt",
    ]
    assert _records(tmpdir_env) == []
    again = _next_start(tmpdir_env, "log", "--project", str(project))
    assert "interrupted (" not in again.stderr  # said once, not at every start


HOOKED_MERGE = """
import sys, time
sys.path.insert(0, ROOT)
import coding.project_merge as pm

def blocked(*args, **kwargs):
    print("ready", flush=True)
    time.sleep(600)  # killed here, the other project open

pm.backup_project = blocked
from cli import main
sys.exit(main(sys.argv[1:]))
"""


def _project_with_wal(path: Path) -> sqlite3.Connection:
    """A project whose last commits sit in its -wal file (a connection holds it open)."""
    from coding import add_code
    from projectfile import open_project

    db = open_project(path)
    add_code(db, "Consejo ficticio")
    db.conn.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("INSERT INTO project_meta (key, value) VALUES ('probe', 'x')")
    assert Path(f"{path}-wal").stat().st_size > 0
    return conn


def test_killed_merge_leaves_no_copy_of_the_other_project(tmp_path, tmpdir_env):
    from projectfile import open_project

    ours = tmp_path / "ours.qda.sqlite"
    open_project(ours).conn.close()
    other = tmp_path / "other.qda.sqlite"
    holder = _project_with_wal(other)
    try:
        out = tmp_path / "merge.out"
        proc = _start(HOOKED_MERGE, ["merge", str(other), "--project", str(ours)], tmpdir_env, out)
        _wait_for(proc, out)
        private = _private(tmpdir_env)
        left = [d for d in private.iterdir() if d.name.startswith(f"run-{proc.pid}-")]
        assert left, "the merge reads the other project through a private copy"
        assert oct(private.stat().st_mode & 0o777) == "0o700"
        _kill(proc)
    finally:
        holder.close()
    assert all(d.exists() for d in left)  # what a kill leaves today

    done = _next_start(tmpdir_env, "docs", "--project", str(ours))
    assert done.returncode == 0, done.stderr
    assert "removed a merge's copy of the other project" in done.stderr
    assert not any(d.exists() for d in left)


HOOKED_IMPORT = """
import sys, time
sys.path.insert(0, ROOT)
import exports.refi.store as store

def blocked(*args, **kwargs):
    print("ready", flush=True)
    time.sleep(600)  # killed here, the hidden project made

store.store_refi = blocked
from cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_killed_refi_import_leaves_no_hidden_project(tmp_path, tmpdir_env, coded_qdpx):
    target = tmp_path / "new.qda.sqlite"
    out = tmp_path / "import.out"
    argv = ["import", "qdpx", str(coded_qdpx), "--project", str(target)]
    proc = _start(HOOKED_IMPORT, argv, tmpdir_env, out)
    _wait_for(proc, out)
    hidden = list(tmp_path.glob(".new.qda.sqlite.importing-*"))
    assert hidden, "the import builds its project in a hidden file"
    _kill(proc)
    assert all(h.exists() for h in hidden)

    # the next start of any command, on any project, even one that then fails
    done = _next_start(tmpdir_env, "docs", "--project", str(tmp_path / "elsewhere.qda.sqlite"))
    assert "no such project file" in done.stderr
    assert "a REFI-QDA import was interrupted" in done.stderr
    assert ".new.qda.sqlite.importing-" in done.stderr
    assert not list(tmp_path.glob(".new.qda.sqlite*"))
    assert not target.exists()


HOOKED_INDEX = """
import sys, time
sys.path.insert(0, ROOT)
import workflows  # noqa: F401
from corpus.search import index as si
from projectfile import open_project

real = si.index_document

def blocked(row):
    print("ready", flush=True)
    time.sleep(600)  # killed here, the new index half written
    return real(row)

si.index_document = blocked
db = open_project(sys.argv[1])
si.rebuild_search_index(db)
"""


def test_killed_search_index_build_leaves_no_tmp_folder(tmp_path, tmpdir_env):
    from corpus.model import Document, paragraphs_from_text, sha256_bytes
    from corpus.store import store_document
    from projectfile import open_project

    project = tmp_path / "p.qda.sqlite"
    db = open_project(project)
    text = "El consejo binacional ficticio.\n\nFinanció tres consorcios."
    doc = Document(text=text, title="t", source_name="t.txt", file_type="txt")
    doc.segments, doc.sha256, doc.size = paragraphs_from_text(text), sha256_bytes(b"t"), 1
    store_document(db, doc)
    db.conn.close()
    out = tmp_path / "index.out"
    proc = _start(HOOKED_INDEX, [str(project)], tmpdir_env, out)
    _wait_for(proc, out)
    half = list(tmp_path.glob("p.qda.sqlite.search-index.tmp-*"))
    assert half
    _kill(proc)

    done = _next_start(tmpdir_env, "docs", "--project", str(project))
    assert done.returncode == 0, done.stderr
    assert "a search index build was interrupted" in done.stderr
    assert not list(tmp_path.glob("*.search-index.tmp-*"))


def test_index_rebuild_in_a_read_only_folder_says_so(project_path, capsys, monkeypatch):
    import contextlib

    from cli import main
    from corpus.search import index as si

    @contextlib.contextmanager
    def refused(project, blocking):
        raise PermissionError(13, "Permission denied", str(project) + ".search-index.lock")
        yield

    monkeypatch.setattr(si, "maintenance_lock", refused)
    code = main(["index", "rebuild", "--force", "--project", str(project_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "read-only" in err and "Traceback" not in err
    if os.geteuid() != 0:  # a real read-only folder too (root writes anywhere)
        monkeypatch.undo()
        folder = project_path.parent
        folder.chmod(0o555)
        try:
            code = main(["index", "rebuild", "--force", "--project", str(project_path)])
        finally:
            folder.chmod(0o755)
        assert code == 2 and "read-only" in capsys.readouterr().err


def test_clean_leftovers_keeps_live_runs_and_removes_dead_ones(tmpdir_env, tmp_path):
    from projectfile import clean_leftovers, private_root, run_record

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    dead_pid = int(dead.stdout)
    leftover = tmp_path / "left.tmp"
    leftover.write_text("x")
    runs = private_root() / "runs"
    with run_record("test run", [tmp_path / "mine.tmp"]):
        (tmp_path / "mine.tmp").write_text("x")
        record = {"kind": "test run", "paths": [str(leftover)], "info": {}, "pid": dead_pid}
        (runs / f"{dead_pid}-0123abcd.json").write_text(json.dumps(record))
        (private_root() / f"run-{dead_pid}-merge-xyz").mkdir()
        found = clean_leftovers()
        assert (tmp_path / "mine.tmp").exists()  # our own run is alive: untouched
    assert not leftover.exists()
    assert sorted(f.kind for f in found) == ["temporary folder", "test run"]
    assert list(runs.iterdir()) == []  # ours went when its block ended
    assert clean_leftovers() == []


@pytest.fixture
def coded_qdpx(tmp_path) -> Path:
    """A small .qdpx exported from a project of ours."""
    from coding import add_code, code_span
    from corpus.model import Document, paragraphs_from_text, sha256_bytes
    from corpus.store import store_document
    from exports import export_qdpx
    from projectfile import open_project

    db = open_project(tmp_path / "src.qda.sqlite")
    text = "El consejo binacional ficticio financió tres consorcios."
    doc = Document(text=text, title="t", source_name="t.txt", file_type="txt")
    doc.segments, doc.sha256, doc.size = paragraphs_from_text(text), sha256_bytes(b"q"), 1
    doc_id = store_document(db, doc)
    code_span(db, doc_id, 3, 10, add_code(db, "Consejo"), "ana")
    path = export_qdpx(db, tmp_path / "src.qdpx")
    db.conn.close()
    return Path(path)
