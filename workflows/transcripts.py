"""Use case "import transcripts": parse and store transcript files (or one previewed transcript),
then everything that follows their new versions (``follow_versions``)."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Iterable

import sqlite_utils

from interviews import import_transcripts as store_transcripts
from interviews import save_transcript as store_previewed
from projectfile import Progress, writes

from .ingest import IngestReport, _followed
from .versions import VersionsReport, follow_versions


@writes("documents")
def import_transcripts(
    db: sqlite_utils.Database,
    paths: Iterable[str],
    roles: dict[str, str] | None = None,
    progress: Progress | None = None,
    executor: cf.Executor | None = None,
    coder: str = "system",
    session: str | None = None,
    encoder=None,
) -> IngestReport:
    """Import transcript files and folders; return one outcome per file and what followed."""
    outcomes = store_transcripts(
        [str(p) for p in paths], db, progress=progress, roles=roles, executor=executor
    )
    return _followed(db, outcomes, coder, session, progress, executor, encoder)


@writes("documents")
def save_transcript(
    db: sqlite_utils.Database,
    transcript,
    data: bytes | None = None,
    path: str | None = None,
    roles: dict[str, str] | None = None,
    coder: str = "system",
    session: str | None = None,
) -> tuple[int, VersionsReport]:
    """Store a transcript parsed for preview (the Interviews page); return (document id, what
    followed). A duplicate or a failure is logged and raised, as ``interviews.save_transcript``."""
    doc_id = store_previewed(db, transcript, data, path=path, roles=roles)
    return doc_id, follow_versions(db, [doc_id], coder=coder, session=session)
