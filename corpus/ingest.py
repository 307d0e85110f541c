"""Batch ingestion: discover files, parse them in worker processes, write in the main process.

A batch never stops at a bad file: each file gets an Outcome (ok / skipped / failed) that is
returned and recorded in the ingest log.  Only the main process writes the project file.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import sqlite_utils

from projectfile import (
    Progress,
    backup_project,
    open_project,
    project_path,
    run_record,
    transaction,
    writes,
)

from .limited import CRASHED, run_limited
from .memory_limit import guarded_call
from .model import Document, Outcome, OutcomeStatus, sha256_file
from .ocr_redo import as_ocr_version, pending_ocr
from .parse import (
    OVER_MEMORY,
    SUPPORTED,
    ParseOptions,
    discover,
    in_limited_worker,
    init_worker,
    parse_in_worker,
)
from .search import optimize_index, sync_search_index
from .store import DuplicateDocument, known_hashes, log_outcomes, store_document
from .worker_context import worker_context

WORKER_MEMORY_BYTES = ParseOptions.memory_bytes
WATCHDOG_GRACE_S = 15  # a file still parsing this long after its time limit: its worker is killed
OPTIMIZE_AFTER = 50  # merge the full-text index after batches that stored this many documents


def default_workers() -> int:
    """Return the default number of parsing processes (the machine's cores)."""
    return max(1, os.cpu_count() or 1)


def process_executor(workers: int, memory_bytes: int = WORKER_MEMORY_BYTES) -> cf.Executor:
    """Return a process pool whose workers carry a per-process memory limit."""
    return cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=worker_context(),
        initializer=init_worker,
        initargs=(memory_bytes, os.getpid()),
    )


def limited_map(
    fn: Callable,
    items: list,
    executor: cf.Executor | None = None,
    on_error: Callable | None = None,
    memory_bytes: int = WORKER_MEMORY_BYTES,
    timeout_s: float = ParseOptions.timeout_s,
) -> Iterator:
    """Yield ``fn(item)`` for each item, in order, computed in worker processes, never here.

    With no ``executor`` a one-process pool with the per-process memory cap is made (and shut
    down at the end), so a caller parsing outside files (the interview import, from the CLI or
    the app's thread) never parses in its own process.  A task that raises or kills its worker
    yields ``on_error(item, message)`` (re-raised when ``on_error`` is None); a dead pool of our
    own is replaced and the next items go on.  In our own pool an item still running after
    ``timeout_s`` has its worker killed and fails with a message.
    """
    own = executor is None
    pool = executor or process_executor(1, memory_bytes)
    try:
        futures = [(item, pool.submit(fn, item)) for item in items] if not own else None
        for i, item in enumerate(items):
            try:
                if futures:
                    yield futures[i][1].result()
                else:
                    task = pool.submit(guarded_call, fn, item)
                    yield task.result(timeout=timeout_s or None)
            except Exception as exc:
                if on_error is None:
                    raise
                if isinstance(exc, cf.TimeoutError):
                    message = f"reading it took longer than {timeout_s:g} s and was stopped"
                    _kill_workers(pool)
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = process_executor(1, memory_bytes)
                elif isinstance(exc, cf.process.BrokenProcessPool):
                    message = CRASHED
                    if own:
                        _kill_workers(pool)
                        pool.shutdown(wait=False, cancel_futures=True)
                        pool = process_executor(1, memory_bytes)
                elif isinstance(exc, MemoryError):
                    message = "reading it needed more memory than the limit for one file allows"
                else:
                    message = f"could not be read ({type(exc).__name__}: {str(exc)[:160]})"
                yield on_error(item, message)
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)


def dask_executor(address: str):
    """Return (client, executor) for a Dask distributed scheduler at ``address``."""
    from distributed import Client

    client = Client(address)
    return client, client.get_executor()


@contextlib.contextmanager
def scheduler_executor(address: str | None) -> Iterator[cf.Executor | None]:
    """Yield a Dask executor for the scheduler at ``address`` (its client closed after), or None."""
    if not address:
        yield None
        return
    client, executor = dask_executor(address)
    try:
        yield executor
    finally:
        client.close()


def ingest(
    paths: Iterable[str],
    project: sqlite_utils.Database | str | os.PathLike,
    executor: cf.Executor | None = None,
    workers: int | None = None,
    password: str | None = None,
    kind: str = "policy",
    progress: Progress | None = None,
    max_bytes: int = ParseOptions.max_bytes,
    timeout_s: int = ParseOptions.timeout_s,
    backup: bool = True,
    parser: Callable | None = None,
    memory_bytes: int = WORKER_MEMORY_BYTES,
    ocr_languages: str | None = ParseOptions.ocr_languages,
) -> list[Outcome]:
    """Ingest files and folders into the project; return one Outcome per file found.

    Every file is parsed in a worker process with a memory limit (``memory_bytes`` of resident
    memory) and a time limit, whatever the number of files or the calling thread (the app runs
    this in a Streamlit thread, where SIGALRM cannot fire): ``executor``, or a pool of
    ``workers`` processes (at least one).  Documents are written here, each in one
    transaction, and logged as they are stored, so a killed batch leaves a log of what it kept.
    ``parser`` replaces the worker task ``timed_parse`` (a picklable module-level function with
    the same signature; used by tests).
    """
    db = project if isinstance(project, sqlite_utils.Database) else open_project(project)
    files = discover(list(paths))
    report = progress or (lambda done, total, msg: None)
    redo = pending_ocr(db, ocr_languages)  # files whose scanned pages OCR can read now
    hashes = known_hashes(db) - redo
    run_id = uuid.uuid4().hex[:12]
    outcomes, todo = _check_files(files, hashes)
    if outcomes:
        log_outcomes(db, run_id, outcomes)
    report(len(outcomes), len(files), "checked for duplicates")
    if todo:
        if backup and hashes:
            backup_project(db, reason="before-ingest")
        options = ParseOptions(
            password=password,
            max_bytes=max_bytes,
            timeout_s=timeout_s,
            kind=kind,
            memory_bytes=memory_bytes,
            ocr_languages=ocr_languages,
        )
        n = max(1, min(workers or default_workers(), len(todo)))
        where = project_path(db)
        # a kill stops this loop with files unread: the next start logs them as interrupted
        with run_record("ingest", project=str(where or ""), run_id=run_id, files=todo):
            parsed = _parse_all(todo, options, executor, n, parser or timed_parse)
            for path, doc, _code, reason, seconds in parsed:
                if doc is not None and doc.sha256 in redo:
                    as_ocr_version(doc, ocr_languages or "")
                outcome = _store_parsed(db, path, doc, reason, seconds)
                log_outcomes(db, run_id, [outcome])
                outcomes.append(outcome)
                report(len(outcomes), len(files), Path(path).name)
    return _finish(db, files, outcomes, progress)


INTERRUPTED = (
    "interrupted: the ingest was stopped (its process was killed) before this file was stored;"
    " ingest it again"
)


def log_interrupted_ingest(db: sqlite_utils.Database, run_id: str, files: list[str]) -> list[str]:
    """Log as failed (``INTERRUPTED``) each of ``files`` that the killed ingest run ``run_id``
    never logged; return those files."""
    logged = {r[0] for r in db.execute("SELECT path FROM ingest_log WHERE run_id = ?", [run_id])}
    missing = [f for f in files if f not in logged]
    if missing:
        log_outcomes(db, run_id, [Outcome(f, OutcomeStatus.FAILED, INTERRUPTED) for f in missing])
    return missing


@writes("documents")
def forget_ingest_log(db: sqlite_utils.Database) -> int:
    """Empty the ingest log (it names local files and folders); return the rows removed.

    For copies that leave the researcher's machine; the documents keep their own metadata.
    """
    with transaction(db):
        n = db.execute("SELECT COUNT(*) FROM ingest_log").fetchone()[0]
        db.execute("DELETE FROM ingest_log")
    return n


def _check_files(files: list[str], hashes: set[str]) -> tuple[list[Outcome], list[str]]:
    """Return (outcomes of files refused or skipped, files to parse).

    Refused: unsupported types and unreadable files.  Skipped: content already in the project
    (``hashes``) or seen earlier in this batch.
    """
    outcomes: list[Outcome] = []
    todo: list[str] = []
    seen: dict[str, str] = {}
    for f in files:
        name = Path(f).name
        suffix = Path(f).suffix
        if suffix.lower() not in SUPPORTED:
            reason = f"{name}: unsupported file type '{suffix or '(none)'}'"
            outcomes.append(Outcome(f, OutcomeStatus.FAILED, reason))
            continue
        try:
            digest = sha256_file(f)
        except OSError as exc:
            outcomes.append(
                Outcome(f, OutcomeStatus.FAILED, f"{name}: cannot be read ({exc.strerror})")
            )
            continue
        if digest in hashes:
            reason = "duplicate: identical content already in the project"
            outcomes.append(Outcome(f, OutcomeStatus.SKIPPED, reason))
        elif digest in seen:
            reason = f"duplicate: same content as {Path(seen[digest]).name} in this batch"
            outcomes.append(Outcome(f, OutcomeStatus.SKIPPED, reason))
        else:
            seen[digest] = f
            todo.append(f)
    return outcomes, todo


def _store_parsed(
    db: sqlite_utils.Database, path: str, doc: Document | None, reason: str, seconds: float
) -> Outcome:
    """Store one parsed file (or record why it failed); return its Outcome."""
    name = Path(path).name
    if doc is None:
        return Outcome(path, OutcomeStatus.FAILED, f"{name}: {reason}", seconds=seconds)
    try:
        doc_id = store_document(db, doc)
    except DuplicateDocument as dup:
        return Outcome(path, OutcomeStatus.SKIPPED, f"duplicate: {dup}")
    except Exception as exc:  # nothing half-written: store_document is one transaction
        return Outcome(
            path, OutcomeStatus.FAILED, f"{name}: could not be saved ({exc})", seconds=seconds
        )
    note = "; ".join(doc.warnings)
    return Outcome(
        path, OutcomeStatus.OK, note, document_id=doc_id, pages=len(doc.pages), seconds=seconds
    )


def _finish(
    db: sqlite_utils.Database,
    files: list[str],
    outcomes: list[Outcome],
    progress: Progress | None = None,
) -> list[Outcome]:
    """Merge the index after a large batch, bring the search index beside the project in step
    (``search.index``: built once the project is large), put outcomes in file order; return them.

    Each outcome was logged as it happened (a killed batch still logs what it stored).
    """
    if sum(o.status == OutcomeStatus.OK for o in outcomes) >= OPTIMIZE_AFTER:
        optimize_index(db)
    if any(o.status == OutcomeStatus.OK for o in outcomes):
        sync_search_index(db, progress)
    order = {f: i for i, f in enumerate(files)}
    outcomes.sort(key=lambda o: order.get(o.path, 0))
    return outcomes


def timed_parse(path: str, options: ParseOptions):
    """Worker task: return (path, document or None, error code, reason, seconds); never raises.

    Outside a limited worker's main thread (a Dask worker's thread, any other executor) the
    file is parsed in a fresh limited child process instead (``corpus.limited``).
    """
    if not in_limited_worker():
        return run_limited(path, options, options.memory_bytes)
    start = time.perf_counter()
    path, doc, code, reason = parse_in_worker(path, options)
    return path, doc, code, reason, time.perf_counter() - start


def _parse_all(
    paths: list[str],
    options: ParseOptions,
    executor: cf.Executor | None,
    workers: int,
    parser: Callable,
):
    """Yield (path, document, error code, reason, seconds) as files finish parsing.

    At most a small window of files is in flight, so that when a worker dies
    (BrokenProcessPool) only those files are suspects: the pool is recreated, each suspect is
    retried alone (the one that kills its pool again is marked failed) and the rest go on in
    parallel.  A file still parsing ``WATCHDOG_GRACE_S`` after its time limit (stuck where the
    worker's alarm cannot interrupt it) has its worker killed and is marked as timed out.
    """
    own = executor is None
    pool = executor or process_executor(workers, options.memory_bytes)
    # largest first keeps both workers busy to the end
    remaining = sorted(paths, key=lambda p: -_size(p))
    # our own pool: no more in flight than workers, so a running future is really parsing
    window = (
        workers
        if own
        else (
            max(2, 2 * workers) if isinstance(executor, cf.ProcessPoolExecutor) else len(remaining)
        )
    )
    suspects: list[str] = []
    finished = False
    try:
        while remaining or suspects:
            if suspects:
                # one suspect alone in a fresh pool: if it breaks the pool, it is the culprit
                path = suspects.pop(0)
                lost, broken = yield from _parse_window(pool, [path], 1, parser, options, own)
                if lost:
                    yield path, None, "crashed", CRASHED, 0.0
                if broken:
                    pool, own = _renew(pool, own, workers, options), True
                continue
            suspects, broken = yield from _parse_window(
                pool, remaining, window, parser, options, own
            )
            if broken:
                pool, own = _renew(pool, own, workers, options), True
        finished = True
    finally:
        if own:
            if not finished:  # stopped early (killed, interrupted): no parser left running
                _kill_workers(pool)
            pool.shutdown(wait=finished, cancel_futures=True)


def _parse_window(
    pool: cf.Executor,
    remaining: list[str],
    window: int,
    parser: Callable,
    options: ParseOptions,
    watch: bool,
):
    """Yield results of files taken from ``remaining``, at most ``window`` in flight at once.

    Return (suspects, broken): suspects are the files in flight whose result was lost when a
    worker died; broken says the pool must be replaced (no more files are taken from it).
    With ``watch`` (our own process pool) a file overrunning its time limit by
    ``WATCHDOG_GRACE_S`` is yielded as timed out and its pool killed (the other files in
    flight become suspects).
    """
    suspects: list[str] = []
    inflight: dict[cf.Future, str] = {}
    started: dict[cf.Future, float] = {}
    limit = options.timeout_s + WATCHDOG_GRACE_S if options.timeout_s > 0 else None
    while remaining or inflight:
        while remaining and len(inflight) < window and not suspects:
            path = remaining.pop(0)
            inflight[pool.submit(parser, path, options)] = path
        if not inflight:
            break
        finished, _ = cf.wait(inflight, timeout=1.0, return_when=cf.FIRST_COMPLETED)
        now = time.monotonic()
        for fut in inflight:
            if fut not in started and (fut.running() or fut.done()):
                started[fut] = now
        if not finished and watch and limit is not None:
            overdue = [f for f in inflight if now - started.get(f, now) > limit]
            if overdue:
                for fut in overdue:
                    path = inflight.pop(fut)
                    reason = f"parsing took longer than {options.timeout_s} s and was stopped"
                    yield path, None, "timeout", reason, now - started[fut]
                _kill_workers(pool)
                suspects.extend(inflight.values())
                return suspects, True
        for fut in finished:
            path = inflight.pop(fut)
            try:
                yield fut.result()
            except cf.process.BrokenProcessPool:
                suspects.append(path)
            except MemoryError:  # the result was too large to send back from the worker
                yield path, None, "too_large", OVER_MEMORY, 0.0
            except Exception as exc:
                # e.g. a Dask worker lost: this file fails, the batch goes on
                reason = f"worker error ({type(exc).__name__}: {str(exc)[:160]})"
                yield path, None, "failed", reason, 0.0
        if suspects:
            for fut, path in list(inflight.items()):
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    yield fut.result()
                else:
                    suspects.append(path)
            inflight.clear()
    return suspects, bool(suspects)


def _kill_workers(pool: cf.Executor) -> None:
    """Kill the worker processes of our process pool (and their children, e.g. Tesseract)."""
    import psutil

    procs = getattr(pool, "_processes", None) or {}  # ProcessPoolExecutor keeps them by pid
    for pid in list(procs):
        try:
            proc = psutil.Process(pid)
            for child in proc.children(recursive=True):
                child.kill()
            proc.kill()
        except psutil.Error:
            pass


def _renew(pool: cf.Executor, own: bool, workers: int, options: ParseOptions) -> cf.Executor:
    """Return a fresh process pool in place of a broken one (shutting ours down)."""
    if own:
        pool.shutdown(wait=False, cancel_futures=True)
        _kill_workers(pool)
    return process_executor(max(1, workers), options.memory_bytes)


def _size(path: str) -> int:
    """Return the size of ``path`` in bytes, 0 when it cannot be read."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
