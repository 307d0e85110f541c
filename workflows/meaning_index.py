"""Meaning indexing that follows every change by itself: one background job per project file.

A job is a daemon thread with its own connection that runs ``nlp.index_passages`` over the
current documents (incremental: only passages without a vector are embedded, each chunk committed
in its own transaction, so the app's writes go on meanwhile). One job per project file and model
in this process, and one process at a time per project file (a flock on
``<project>.meaning-index.lock``, as the search index does). A change that arrives while a job
runs asks it for one more pass instead of starting a second job. The app reads ``done``,
``total`` and ``message`` from the job to draw its progress; nothing in the thread touches
Streamlit.

The project setting ``meaning_index`` (``corpus.set_project_meta``): ``off`` never indexes by
itself; ``on`` indexes every change; unset, a change is indexed for each model the project
already has an index for, and the app indexes by itself on view (``MEANING_INDEX`` below).
"""

from __future__ import annotations

import fcntl
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from corpus import get_project_meta, set_project_meta
from nlp import EMBEDDING_MODEL, ENCODERS, IndexResult, index_passages, index_status
from projectfile import QdaError, open_project, project_path

MEANING_INDEX = "meaning_index"  # project setting: on | off (unset: follow existing indexes)
LOCK_SUFFIX = ".meaning-index.lock"


@dataclass
class IndexJob:
    """A background meaning-index run of one project file and model; read it for progress."""

    project: Path
    model: str
    done: int = 0
    total: int = 0
    message: str = "starting"
    error: str | None = None
    result: IndexResult | None = None
    finished: bool = False
    again: bool = False  # a change arrived during the run: one more pass at its end
    covers: tuple = ()  # what the caller asked it to cover (the app: the current document ids)
    thread: threading.Thread | None = field(default=None, repr=False)

    def running(self) -> bool:
        return not self.finished

    def fraction(self) -> float:
        return min(self.done / self.total, 1.0) if self.total else 0.0

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the job to end; return True when it has."""
        if self.thread is not None:
            self.thread.join(timeout)
        return self.finished

    def _progress(self, done: int, total: int, message: str = "") -> None:
        self.done, self.total, self.message = int(done), int(total), message or self.message


_JOBS: dict[tuple[str, str], IndexJob] = {}
_LOCK = threading.Lock()
# follow_versions' default, per thread: the app sets it in the thread of each run of its
# script (another thread, a test's or the CLI's, keeps indexing in front of the caller)
_BACKGROUND = threading.local()


def set_background_default(on: bool) -> None:
    """Make ``follow_versions`` in this thread index in the background by default (the app calls
    this at the top of every run of its script)."""
    _BACKGROUND.on = bool(on)


def background_default() -> bool:
    return getattr(_BACKGROUND, "on", False)


def meaning_setting(db: sqlite_utils.Database) -> str | None:
    """Return the project's ``meaning_index`` setting: 'on', 'off' or None (unset)."""
    value = get_project_meta(db, MEANING_INDEX)
    return value if value in ("on", "off") else None


def set_meaning_setting(db: sqlite_utils.Database, value: str) -> None:
    if value not in ("on", "off"):
        raise ValueError(f"meaning_index is 'on' or 'off', not {value!r}")
    set_project_meta(db, MEANING_INDEX, value)


def models_to_follow(db: sqlite_utils.Database, unset_means_on: bool = False) -> list[str]:
    """Return the models whose index follows changes: each model the project has an index for,
    and the default model when the setting is on (or unset and ``unset_means_on``); none when
    it is off."""
    setting = meaning_setting(db)
    if setting == "off":
        return []
    models = [m for m in ENCODERS if index_status(db, m)["passages"]]
    if EMBEDDING_MODEL not in models and (setting == "on" or unset_means_on):
        models.insert(0, EMBEDDING_MODEL)
    return models


def lock_path(project: Path) -> Path:
    return project.with_name(project.name + LOCK_SUFFIX)


def _key(project: Path, model: str) -> tuple[str, str]:
    return (str(Path(project).resolve()), model)


def index_job(project: Path | str, model: str = EMBEDDING_MODEL) -> IndexJob | None:
    """Return the latest background job of ``project`` and ``model`` in this process, if any."""
    with _LOCK:
        return _JOBS.get(_key(Path(project), model))


def start_background_index(
    project: Path | str | sqlite_utils.Database,
    model: str = EMBEDDING_MODEL,
    encoder=None,
    workers: int | None = 1,
    covers: tuple = (),
) -> IndexJob:
    """Start indexing ``project``'s passages for ``model`` in a background thread, or, when a job
    is already running for it, ask that job for one more pass; return the job. ``covers`` is
    kept on the job (the app passes the document ids it saw, so as not to start a job again for
    documents that have no passage to index)."""
    if isinstance(project, sqlite_utils.Database):
        project = project_path(project)
    project = Path(project)
    key = _key(project, model)
    with _LOCK:
        job = _JOBS.get(key)
        if job is not None and job.running():
            job.again, job.covers = True, covers or job.covers
            return job
        job = IndexJob(project, model, covers=covers)
        job.thread = threading.Thread(
            target=_run, args=(job, encoder, workers), daemon=True, name="meaning-index"
        )
        _JOBS[key] = job
        job.thread.start()
    return job


def _run(job: IndexJob, encoder, workers: int | None) -> None:
    fd = os.open(lock_path(job.project), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            job.message = "another program is indexing this project"
            return
        try:
            while True:
                db = open_project(job.project)
                try:
                    job.result = index_passages(
                        db, job.model, progress=job._progress, workers=workers, encoder=encoder
                    )
                finally:
                    db.conn.close()
                with _LOCK:
                    if not job.again:
                        break
                    job.again = False
            job.message = "indexed"
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    except (QdaError, OSError, ValueError) as exc:  # the texts are stored; a later run catches up
        job.error = str(exc)
    finally:
        os.close(fd)
        with _LOCK:
            job.finished = True
