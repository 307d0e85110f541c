"""The folder of the search index beside a project file: its files, its lock, its state.

``<project>.search-index/`` holds a tantivy index (per segment: its id, document id, folded
tokens, kind, language and whether its document is current; nothing stored but ids) and
``qda-state.json``: the index's epoch and the queue position last applied, which the project
records too (``search.sync``). ``<project>.search-index.lock`` is the maintenance lock: one
process, one thread at a time applies changes or rebuilds.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils
import tantivy

from projectfile import connect

from .sync import index_meta, last_pending_id
from .tokens import fold_text

FORMAT = 2  # of the folder: schema and tokenisation; another value means rebuild
SUFFIX = ".search-index"
STATE_FILE = "qda-state.json"
MAINTENANCE_BUSY_MS = 2_000  # a maintenance write waits this long for another writer, then gives up
_TOKENIZER = "qda_unicode61"  # input is already folded (search.tokens): split on spaces only


def index_dir(project: Path) -> Path:
    """Return the index folder of the project file ``project``."""
    return project.with_name(project.name + SUFFIX)


def lock_path(project: Path) -> Path:
    return project.with_name(project.name + SUFFIX + ".lock")


@contextlib.contextmanager
def maintenance_lock(project: Path, blocking: bool) -> Iterator[bool]:
    """Hold the project's index maintenance lock (flock; any process, any thread); yield whether
    it was taken (never waits when ``blocking`` is False)."""
    fd = os.open(lock_path(project), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@functools.cache
def index_schema() -> tantivy.Schema:
    """Return the index's schema (the folder's FORMAT names it)."""
    b = tantivy.SchemaBuilder()
    b.add_unsigned_field("sid", indexed=True, fast=True)
    b.add_unsigned_field("doc", indexed=True)
    b.add_text_field("text", tokenizer_name=_TOKENIZER, index_option="position")
    # each two adjacent tokens as one term (a_b: _ is never inside a token): a two-word phrase is
    # then one term, ranked top-k like a word instead of checking positions in every match
    b.add_text_field("pairs", tokenizer_name=_TOKENIZER, index_option="freq")
    b.add_text_field("kind", tokenizer_name="raw", index_option="basic")
    b.add_text_field("lang", tokenizer_name="raw", index_option="basic")
    b.add_boolean_field("cur", indexed=True, fast=True)
    return b.build()


def open_index(folder: Path) -> tantivy.Index:
    index = tantivy.Index(index_schema(), path=str(folder), reuse=True)
    index.register_tokenizer(
        _TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    )
    index.config_reader(reload_policy="manual")
    return index


def index_document(row: tuple) -> tantivy.Document:
    sid, doc_id, text, language, kind, current = row
    folded = fold_text(text)
    toks = [t for t in folded.split(" ") if t]
    fields = {
        "sid": sid,
        "doc": doc_id,
        "text": folded,
        "pairs": " ".join(f"{a}_{b}" for a, b in zip(toks, toks[1:])),
        "kind": kind,
        "cur": bool(current),
    }
    if language:
        fields["lang"] = language
    return tantivy.Document.from_dict(fields, index_schema())


def read_state(folder: Path) -> dict | None:
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("format") == FORMAT else None


def write_state(folder: Path, epoch: str, state: str, prev: str, last: int = 0) -> None:
    """Write the state file atomically (temporary file, fsync, rename): ``state`` after applying
    the queue up to id ``last``, ``prev`` the project's state before."""
    tmp = folder / (STATE_FILE + ".partial")
    data = {"format": FORMAT, "epoch": epoch, "state": state, "prev": prev, "last": last}
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, folder / STATE_FILE)


def usable_state(folder: Path, db: sqlite_utils.Database) -> dict | None:
    """Return the folder's state when it is the index of this project as it is now, else None.

    The project records the state of the last apply. It may record the one before when a kill
    came between the index's commit and the project's: then the queue still holds the rows that
    apply took (up to ``last``) and they are applied again. A restored backup records an older
    state without those rows, or one older still: the folder is not used.
    """
    epoch, state = index_meta(db)
    if epoch is None:
        return None
    fs = read_state(folder)
    if fs is None or fs.get("epoch") != epoch:
        return None
    if state == fs.get("state"):
        return fs
    if state == fs.get("prev") and last_pending_id(db) >= fs.get("last", 0) > 0:
        return fs
    return None


def maintenance_db(project: Path) -> sqlite_utils.Database:
    db = connect(project)
    db.conn.execute(f"PRAGMA busy_timeout = {MAINTENANCE_BUSY_MS}")
    return db


def engine_failed(exc: BaseException) -> bool:
    """Return True for what tantivy raises on a damaged or vanished folder: its errors
    (ValueError, OSError) and its Rust panics (pyo3's PanicException, a BaseException)."""
    return isinstance(exc, (ValueError, OSError)) or type(exc).__name__ == "PanicException"


def forget_state(folder: Path) -> None:
    """Remove the state file: the folder is then never used, and is rebuilt."""
    with contextlib.suppress(OSError):
        (folder / STATE_FILE).unlink()
