"""A derived, rebuildable search index beside the project file (tantivy), for large projects.

FTS5 scores every match before it can rank, so a common word costs seconds at a million
paragraphs; tantivy's block-max WAND finds the top k without scoring every match. The folder
(``search.folder``) holds per segment its id, document id, folded tokens (``search.tokens``:
exactly FTS5's), kind, language and whether its document is current; nothing that could be
read back but ids.

It is derived data. Deleting the folder, restoring a backup, or copying the project without it
only means it is rebuilt (FTS5 answers meanwhile, a thread rebuilds). It is kept in step by the
change queue (``search.sync``): before a search and after an ingest, queued changes are applied
(delete by segment id, then add: idempotent), the index is committed, the state file is written,
then the queue rows are deleted with the new state in one transaction; a kill anywhere in
between applies them again. One process at a time maintains it (the maintenance lock); a search
that finds it busy or stale answers with FTS5, never waits.

Built once a project has ``THRESHOLD`` segments (``sync_search_index`` after an ingest, or
``cli.py index rebuild``): small projects keep FTS5 alone and queue nothing.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
import tantivy

from projectfile import Progress, ProjectError, is_readonly, project_path, run_record

from .folder import (
    engine_failed,
    forget_state,
    index_dir,
    index_document,
    index_schema,
    maintenance_db,
    maintenance_lock,
    open_index,
    usable_state,
    write_state,
)
from .sync import (
    all_segment_rows,
    finish_apply,
    has_pending,
    index_meta,
    max_segment_id,
    pending_changes,
    pending_span,
    segment_count,
    segment_rows,
    start_epoch,
    stop_index,
)

log = logging.getLogger(__name__)

THRESHOLD = 100_000  # segments; below it FTS5 alone answers (tests lower it)
BACKGROUND_REBUILD = True  # a search that finds the index missing or stale rebuilds it in a thread
MERGE_AFTER = 12  # index segments before a search's apply waits for tantivy's merges
APPLY_IN_SEARCH = 5_000  # queued changes a search applies itself; more are applied in a thread
BUILD_HEAP = 256_000_000
APPLY_HEAP = 32_000_000


@dataclass
class _Handle:
    index: tantivy.Index
    epoch: str
    state: str = ""
    counted: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


_handles: dict[str, _Handle] = {}
_handles_lock = threading.Lock()
_building: set[str] = set()
_small: dict[str, int] = {}  # project -> largest segment id when it was last found below THRESHOLD


def _handle(project: Path, epoch: str) -> _Handle:
    key = str(project)
    with _handles_lock:
        h = _handles.get(key)
        if h is None or h.epoch != epoch:
            h = _handles[key] = _Handle(open_index(index_dir(project)), epoch)
        return h


def _forget(project: Path) -> None:
    with _handles_lock:
        _handles.pop(str(project), None)


# ---- maintenance -------------------------------------------------------------------------------


def rebuild_search_index(db: sqlite_utils.Database, progress: Progress | None = None) -> int:
    """Build the project's search index afresh (waiting for the maintenance lock); return the
    number of segments indexed."""
    project = project_path(db)
    if project is None:
        return 0
    if is_readonly(db):
        raise _unwritable(project, None)
    try:
        with maintenance_lock(project, blocking=True):
            return _rebuild_locked(project, progress)
    except PermissionError as exc:
        raise _unwritable(project, exc) from exc
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise _unwritable(project, exc) from exc
        raise


def _unwritable(project: Path, exc: OSError | None) -> ProjectError:
    why = f" ({exc.strerror})" if exc is not None and exc.strerror else ""
    return ProjectError(
        f"{project.name}: the search index cannot be built beside it, because its folder"
        f" {project.parent} (or the file) is read-only{why}. Search still works without it;"
        " to build it, copy the project to a folder you can write to.",
        code="readonly",
    )


def _rebuild_locked(project: Path, progress: Progress | None) -> int:
    folder = index_dir(project)
    maint = maintenance_db(project)
    try:
        epoch = uuid.uuid4().hex
        state = f"{epoch}:0"
        start_epoch(maint, epoch, state)  # from here every change is queued
        for old in folder.parent.glob(folder.name + ".tmp-*"):
            shutil.rmtree(old, ignore_errors=True)  # a build a kill stopped
        total = segment_count(maint)
        tmp = folder.with_name(f"{folder.name}.tmp-{epoch[:12]}")
        with run_record("search index build", [tmp], project=str(project)) as record:
            tmp.mkdir()
            index = open_index(tmp)
            writer = index.writer(heap_size=BUILD_HEAP, num_threads=min(2, os.cpu_count() or 1))
            done = 0
            for rows in all_segment_rows(maint):
                for row in rows:
                    writer.add_document(index_document(row))
                done += len(rows)
                if progress:
                    progress(done, total, "search index")
            writer.commit()
            writer.wait_merging_threads()
            del writer, index
            write_state(tmp, epoch, state, state)
            _swap(folder, tmp, record)
        _forget(project)
        _apply_locked(project, maint)  # what changed while it was built
        return done
    finally:
        maint.conn.close()


def _swap(folder: Path, tmp: Path, record=None) -> None:
    """Put the built folder ``tmp`` in place of ``folder``; remove the old one."""
    old = None
    if folder.exists():
        old = folder.with_name(f"{folder.name}.tmp-old-{uuid.uuid4().hex[:12]}")
        if record is not None:
            record.add(old)  # a kill before it is removed leaves it to the next start
        os.replace(folder, old)
    os.replace(tmp, folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def drop_search_index(db: sqlite_utils.Database) -> None:
    """Remove the project's search index and stop queueing changes for it."""
    project = project_path(db)
    if project is None or is_readonly(db):
        return
    with maintenance_lock(project, blocking=True):
        maint = maintenance_db(project)
        try:
            stop_index(maint)
        finally:
            maint.conn.close()
        _forget(project)
        shutil.rmtree(index_dir(project), ignore_errors=True)


def _apply_locked(project: Path, maint: sqlite_utils.Database, merge: bool = True) -> bool:
    """Apply the queued changes to the index (the maintenance lock is held); return True when
    the index is then in step with the project. Each apply adds a small index segment, and
    dropping the writer can cancel tantivy's merges: with ``merge`` (or once there are
    ``MERGE_AFTER`` segments) it waits for them."""
    folder = index_dir(project)
    epoch, state = index_meta(maint)
    fs = usable_state(folder, maint)
    if fs is None:
        return False
    if state == fs["state"] and not has_pending(maint):
        return True
    try:
        index = open_index(folder)
        merge = merge or index.searcher().num_segments >= MERGE_AFTER
        writer = index.writer(heap_size=APPLY_HEAP, num_threads=1)
    except BaseException as exc:
        if not engine_failed(exc):
            raise
        if "LockBusy" not in str(exc):  # not tantivy's writer lock held elsewhere: damaged
            forget_state(folder)
        return False
    try:
        expected = state
        while True:
            last, ids = pending_changes(maint)
            if not ids:
                if merge:
                    writer.wait_merging_threads()
                return expected == fs["state"]
            rows = segment_rows(maint, ids)
            # by query: delete_documents_by_term would take a Python int for another type
            writer.delete_documents_by_query(
                tantivy.Query.term_set_query(index_schema(), "sid", ids)
            )
            for row in rows:
                writer.add_document(index_document(row))
            writer.commit()
            new = f"{epoch}:{last}:{uuid.uuid4().hex[:8]}"
            write_state(folder, epoch, new, expected, last)
            if not finish_apply(maint, last, expected, new):
                return False
            expected = fs["state"] = new
    except BaseException as exc:  # a failed apply leaves the queue; FTS5 answers meanwhile
        if not (isinstance(exc, Exception) or engine_failed(exc)):
            raise
        if engine_failed(exc):
            forget_state(folder)  # rebuilt by the next search
        log.warning("search index: applying queued changes failed (%s)", type(exc).__name__)
        return False
    finally:
        del writer


def sync_search_index(db: sqlite_utils.Database, progress: Progress | None = None) -> str:
    """Bring the search index in step after writes (ingest): build it once the project reaches
    ``THRESHOLD`` segments, rebuild it when stale, else apply the queue; return what it did
    ('none', 'applied', 'built', 'dropped', 'busy')."""
    project = project_path(db)
    if project is None or is_readonly(db) or db.conn.in_transaction:
        return "none"
    epoch, state = index_meta(db)
    if epoch is None:
        if max_segment_id(db) < THRESHOLD or segment_count(db) < THRESHOLD:
            return "none"
        rebuild_search_index(db, progress)
        return "built"
    if segment_count(db) < THRESHOLD:
        drop_search_index(db)
        return "dropped"
    if usable_state(index_dir(project), db) is None:
        rebuild_search_index(db, progress)
        return "built"
    with maintenance_lock(project, blocking=True):
        maint = maintenance_db(project)
        try:
            return "applied" if _apply_locked(project, maint) else "busy"
        finally:
            maint.conn.close()


def refresh_search_index(db: sqlite_utils.Database) -> None:
    """Rebuild the search index if the project has one (or should), else remove any folder:
    after de-identification no token of deleted text may stay in it."""
    project = project_path(db)
    if project is None or is_readonly(db):
        return
    epoch, _state = index_meta(db)
    if epoch is None and not index_dir(project).exists():
        if segment_count(db) >= THRESHOLD:
            rebuild_search_index(db)
        return
    if segment_count(db) >= THRESHOLD:
        rebuild_search_index(db)
    else:
        drop_search_index(db)


def _rebuild_in_background(db: sqlite_utils.Database, project: Path, apply: bool = False) -> None:
    """Start one thread per project that rebuilds its index (or drops it when too small), or
    with ``apply`` applies a long change queue."""
    if is_readonly(db):
        return
    key = str(project)
    with _handles_lock:
        if not BACKGROUND_REBUILD or key in _building:
            return
        _building.add(key)

    def run() -> None:
        try:
            with maintenance_lock(project, blocking=False) as taken:
                if not taken:
                    return
                maint = maintenance_db(project)
                try:
                    if apply:
                        _apply_locked(project, maint)
                    elif segment_count(maint) >= THRESHOLD:
                        _rebuild_locked(project, None)
                    else:
                        _small[key] = max_segment_id(maint)
                        if index_meta(maint)[0] is not None:
                            stop_index(maint)
                            shutil.rmtree(index_dir(project), ignore_errors=True)
                finally:
                    maint.conn.close()
        except BaseException as exc:  # FTS5 keeps answering; the next search tries again
            if not (isinstance(exc, Exception) or engine_failed(exc)):
                raise
            log.warning("search index: background rebuild failed (%s)", type(exc).__name__)
        finally:
            with _handles_lock:
                _building.discard(key)

    threading.Thread(target=run, name="qda-search-index", daemon=True).start()


def wait_for_background() -> None:
    """Wait until no background rebuild runs (tests, clean shutdown)."""
    for t in threading.enumerate():
        if t.name == "qda-search-index":
            t.join()


# ---- searching ---------------------------------------------------------------------------------


def _fresh_searcher(db: sqlite_utils.Database) -> tantivy.Searcher | None:
    """Return a searcher over an index in step with the project, or None (FTS5 answers)."""
    project = project_path(db)
    if project is None:
        return None
    if index_meta(db)[0] is None:
        top = max_segment_id(db)
        if top >= THRESHOLD and top > _small.get(str(project), 0) * 1.1:
            _rebuild_in_background(db, project)
        return None
    folder = index_dir(project)
    fs = usable_state(folder, db)
    if fs is None:
        _rebuild_in_background(db, project)
        return None
    if index_meta(db)[1] != fs["state"] or has_pending(db):
        if is_readonly(db) or db.conn.in_transaction:
            return None
        if pending_span(db) > APPLY_IN_SEARCH:
            _rebuild_in_background(db, project, apply=True)
            return None
        with maintenance_lock(project, blocking=False) as taken:
            if not taken:
                return None
            maint = maintenance_db(project)
            try:
                if not _apply_locked(project, maint, merge=False):
                    return None
            finally:
                maint.conn.close()
        fs = usable_state(folder, db)
        if fs is None or index_meta(db)[1] != fs["state"] or has_pending(db):
            return None
    try:
        h = _handle(project, fs["epoch"])
        with h.lock:
            if h.state != fs["state"]:
                h.index.reload()
                h.state = fs["state"]
            searcher = h.index.searcher()
            if not h.counted:
                if searcher.num_docs != segment_count(db):
                    _forget(project)
                    _rebuild_in_background(db, project)
                    return None
                h.counted = True
            return searcher
    except BaseException as exc:  # a folder removed, replaced or damaged: FTS5, and rebuild
        if not engine_failed(exc):
            raise
        _forget(project)
        forget_state(folder)
        _rebuild_in_background(db, project)
        return None
