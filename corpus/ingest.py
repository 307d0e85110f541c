"""Batch ingestion: discover files, parse them in worker processes, write in the main process.

A batch never stops at a bad file: each file gets an Outcome (ok / skipped / failed) that is
returned and recorded in the ingest log.  Only the main process writes the project file.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import time
import uuid
from pathlib import Path
from typing import Callable, Iterable

import sqlite_utils

from .model import Outcome, sha256_file
from .parse import SUPPORTED, ParseOptions, discover, limit_worker_memory, parse_in_worker
from .project import backup_project, open_project
from .store import DuplicateDocument, known_hashes, log_outcomes, store_document

Progress = Callable[[int, int, str], None]
WORKER_MEMORY_BYTES = 4 * 1024**3


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
) -> list[Outcome]:
    """Ingest files and folders into the project; return one Outcome per file found."""
    db = project if isinstance(project, sqlite_utils.Database) else open_project(project)
    files = discover(list(paths))
    total = len(files)
    report = progress or (lambda done, total, msg: None)
    outcomes: list[Outcome] = []
    options = ParseOptions(password=password, max_bytes=max_bytes, timeout_s=timeout_s, kind=kind)
    hashes = known_hashes(db)
    todo: list[str] = []
    seen: dict[str, str] = {}
    for f in files:
        name = Path(f).name
        if Path(f).suffix.lower() not in SUPPORTED:
            outcomes.append(Outcome(f, "failed", f"{name}: unsupported file type '{Path(f).suffix or '(none)'}'"))
            continue
        try:
            digest = sha256_file(f)
        except OSError as exc:
            outcomes.append(Outcome(f, "failed", f"{name}: cannot be read ({exc.strerror})"))
            continue
        if digest in hashes:
            outcomes.append(Outcome(f, "skipped", "duplicate: identical content already in the project"))
        elif digest in seen:
            outcomes.append(Outcome(f, "skipped", f"duplicate: same content as {Path(seen[digest]).name} in this batch"))
        else:
            seen[digest] = f
            todo.append(f)
    done = len(outcomes)
    report(done, total, "checked for duplicates")
    if todo and backup and hashes:
        backup_project(db, reason="before-ingest")
    own_pool = None
    if todo:
        n = workers or default_workers()
        if executor is None and n > 1 and len(todo) > 1:
            own_pool = executor = process_executor(min(n, len(todo)))
        try:
            for path, doc, code, reason, seconds in _parse_all(todo, options, executor):
                name = Path(path).name
                if doc is None:
                    outcomes.append(Outcome(path, "failed", f"{name}: {reason}", seconds=seconds))
                else:
                    try:
                        doc_id = store_document(db, doc)
                        note = "; ".join(doc.warnings)
                        outcomes.append(Outcome(path, "ok", note, document_id=doc_id, pages=len(doc.pages), seconds=seconds))
                    except DuplicateDocument as dup:
                        outcomes.append(Outcome(path, "skipped", f"duplicate: {dup}"))
                    except Exception as exc:  # nothing half-written: store_document is one transaction
                        outcomes.append(Outcome(path, "failed", f"{name}: could not be saved ({exc})", seconds=seconds))
                done += 1
                report(done, total, name)
        finally:
            if own_pool is not None:
                own_pool.shutdown(wait=True, cancel_futures=True)
    order = {f: i for i, f in enumerate(files)}
    outcomes.sort(key=lambda o: order.get(o.path, 0))
    log_outcomes(db, uuid.uuid4().hex[:12], outcomes)
    return outcomes


def _timed_parse(path: str, options: ParseOptions):
    start = time.perf_counter()
    path, doc, code, reason = parse_in_worker(path, options)
    return path, doc, code, reason, time.perf_counter() - start


def _parse_all(paths: list[str], options: ParseOptions, executor: cf.Executor | None):
    """Yield (path, document, error code, reason, seconds) as files finish parsing."""
    if executor is None:
        for p in paths:
            yield _timed_parse(p, options)
        return
    # Largest first keeps both workers busy to the end of the batch.
    ordered = sorted(paths, key=lambda p: -_size(p))
    futures = {executor.submit(_timed_parse, p, options): p for p in ordered}
    for fut in cf.as_completed(futures):
        path = futures[fut]
        try:
            yield fut.result()
        except cf.process.BrokenProcessPool:
            yield path, None, "crashed", "the parser process died (out of memory or a crash in the PDF library)", 0.0
        except Exception as exc:
            yield path, None, "failed", f"worker error ({type(exc).__name__}: {str(exc)[:160]})", 0.0


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
