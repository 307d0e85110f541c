"""Batch ingestion: discover files, parse them in worker processes, write in the main process.

A batch never stops at a bad file: each file gets an Outcome (ok / skipped / failed) that is
returned and recorded in the ingest log.  Only the main process writes the project file.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import sqlite_utils

from projectfile import Progress, backup_project, open_project

from .model import Document, Outcome, sha256_file
from .parse import SUPPORTED, ParseOptions, discover, limit_worker_memory, parse_in_worker
from .search import optimize_index
from .store import DuplicateDocument, known_hashes, log_outcomes, store_document

WORKER_MEMORY_BYTES = 4 * 1024**3
OPTIMIZE_AFTER = 50  # merge the full-text index after batches that stored this many documents


def default_workers() -> int:
    """Return the default number of parsing processes (the machine's cores)."""
    return max(1, os.cpu_count() or 1)


def process_executor(workers: int, memory_bytes: int = WORKER_MEMORY_BYTES) -> cf.Executor:
    """Return a process pool whose workers carry a per-process memory limit."""
    return cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("forkserver"),
        initializer=limit_worker_memory,
        initargs=(memory_bytes,),
    )


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
) -> list[Outcome]:
    """Ingest files and folders into the project; return one Outcome per file found.

    Files are parsed in worker processes (``executor``, or a pool of ``workers`` processes) and
    written here, each in one transaction.  ``parser`` replaces the worker task ``timed_parse``
    (a picklable module-level function with the same signature; used by tests).
    """
    db = project if isinstance(project, sqlite_utils.Database) else open_project(project)
    files = discover(list(paths))
    report = progress or (lambda done, total, msg: None)
    hashes = known_hashes(db)
    outcomes, todo = _check_files(files, hashes)
    report(len(outcomes), len(files), "checked for duplicates")
    if todo:
        if backup and hashes:
            backup_project(db, reason="before-ingest")
        options = ParseOptions(
            password=password, max_bytes=max_bytes, timeout_s=timeout_s, kind=kind
        )
        n = workers or default_workers()
        pooled = executor is not None or (n > 1 and len(todo) > 1)
        parsed = _parse_all(
            todo, options, executor, min(n, len(todo)) if pooled else 0, parser or timed_parse
        )
        for path, doc, _code, reason, seconds in parsed:
            outcomes.append(_store_parsed(db, path, doc, reason, seconds))
            report(len(outcomes), len(files), Path(path).name)
    return _finish(db, files, outcomes)


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
            outcomes.append(Outcome(f, "failed", reason))
            continue
        try:
            digest = sha256_file(f)
        except OSError as exc:
            outcomes.append(Outcome(f, "failed", f"{name}: cannot be read ({exc.strerror})"))
            continue
        if digest in hashes:
            reason = "duplicate: identical content already in the project"
            outcomes.append(Outcome(f, "skipped", reason))
        elif digest in seen:
            reason = f"duplicate: same content as {Path(seen[digest]).name} in this batch"
            outcomes.append(Outcome(f, "skipped", reason))
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
        return Outcome(path, "failed", f"{name}: {reason}", seconds=seconds)
    try:
        doc_id = store_document(db, doc)
    except DuplicateDocument as dup:
        return Outcome(path, "skipped", f"duplicate: {dup}")
    except Exception as exc:  # nothing half-written: store_document is one transaction
        return Outcome(path, "failed", f"{name}: could not be saved ({exc})", seconds=seconds)
    note = "; ".join(doc.warnings)
    return Outcome(path, "ok", note, document_id=doc_id, pages=len(doc.pages), seconds=seconds)


def _finish(db: sqlite_utils.Database, files: list[str], outcomes: list[Outcome]) -> list[Outcome]:
    """Merge the index after a large batch, put outcomes in file order, log them; return them."""
    if sum(o.status == "ok" for o in outcomes) >= OPTIMIZE_AFTER:
        optimize_index(db)
    order = {f: i for i, f in enumerate(files)}
    outcomes.sort(key=lambda o: order.get(o.path, 0))
    log_outcomes(db, uuid.uuid4().hex[:12], outcomes)
    return outcomes


def timed_parse(path: str, options: ParseOptions):
    """Worker task: return (path, document or None, error code, reason, seconds); never raises."""
    start = time.perf_counter()
    path, doc, code, reason = parse_in_worker(path, options)
    return path, doc, code, reason, time.perf_counter() - start


CRASHED = (
    "the parser process died while reading this file (out of memory or a crash in the PDF library)"
)


def _parse_all(
    paths: list[str],
    options: ParseOptions,
    executor: cf.Executor | None,
    workers: int,
    parser: Callable,
):
    """Yield (path, document, error code, reason, seconds) as files finish parsing.

    With no executor and ``workers`` 0 files are parsed here, one by one.  Otherwise at most a
    small window of files is in flight, so that when a worker dies (BrokenProcessPool) only
    those files are suspects: the pool is recreated, each suspect is retried alone (the one that
    kills its pool again is marked failed) and the rest go on in parallel.
    """
    if executor is None and workers == 0:
        for p in paths:
            yield parser(p, options)
        return
    own = executor is None
    pool = executor or process_executor(workers)
    # largest first keeps both workers busy to the end
    remaining = sorted(paths, key=lambda p: -_size(p))
    window = (
        max(2, 2 * workers)
        if own or isinstance(executor, cf.ProcessPoolExecutor)
        else len(remaining)
    )
    suspects: list[str] = []
    try:
        while remaining or suspects:
            if suspects:
                # one suspect alone in a fresh pool: if it breaks the pool, it is the culprit
                path = suspects.pop(0)
                try:
                    yield pool.submit(parser, path, options).result()
                except cf.process.BrokenProcessPool:
                    yield path, None, "crashed", CRASHED, 0.0
                    pool, own = _renew(pool, own, workers), True
                continue
            suspects = yield from _parse_window(pool, remaining, window, parser, options)
            if suspects:
                pool, own = _renew(pool, own, workers), True
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)


def _parse_window(
    pool: cf.Executor, remaining: list[str], window: int, parser: Callable, options: ParseOptions
):
    """Yield results of files taken from ``remaining``, at most ``window`` in flight at once.

    Return the suspects when a worker died (the files in flight whose result was lost; the
    pool is then broken and no more files are taken), else an empty list.
    """
    suspects: list[str] = []
    inflight: dict[cf.Future, str] = {}
    while remaining or inflight:
        while remaining and len(inflight) < window and not suspects:
            path = remaining.pop(0)
            inflight[pool.submit(parser, path, options)] = path
        if not inflight:
            break
        finished, _ = cf.wait(inflight, return_when=cf.FIRST_COMPLETED)
        for fut in finished:
            path = inflight.pop(fut)
            try:
                yield fut.result()
            except cf.process.BrokenProcessPool:
                suspects.append(path)
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
    return suspects


def _renew(pool: cf.Executor, own: bool, workers: int) -> cf.Executor:
    """Return a fresh process pool in place of a broken one (shutting ours down)."""
    if own:
        pool.shutdown(wait=False, cancel_futures=True)
    return process_executor(max(1, workers))


def _size(path: str) -> int:
    """Return the size of ``path`` in bytes, 0 when it cannot be read."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
