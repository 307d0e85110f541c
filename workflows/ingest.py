"""Use case "ingest files": documents (or, for kind ``interview``, transcripts) into the project,
then everything that follows their new versions (``follow_versions``)."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from corpus import Outcome, ingest, ingest_uploads, save_uploads
from interviews import import_transcripts as store_transcripts
from projectfile import Progress, writes

from .versions import VersionsReport, follow_versions

INTERVIEW = "interview"


@dataclass
class IngestReport:
    """One outcome per file, and what followed the new versions."""

    outcomes: list[Outcome]
    versions: VersionsReport = field(default_factory=VersionsReport)

    @property
    def stored_ids(self) -> list[int]:
        """The ids of the documents stored by this run."""
        return [int(o.document_id) for o in self.outcomes if o.status == "ok" and o.document_id]


@writes("documents")
def ingest_files(
    db: sqlite_utils.Database,
    paths: Iterable[str],
    kind: str = "policy",
    executor: cf.Executor | None = None,
    progress: Progress | None = None,
    roles: dict[str, str] | None = None,
    coder: str = "system",
    session: str | None = None,
    encoder=None,
    **options,
) -> IngestReport:
    """Ingest files and folders; transcripts when ``kind`` is 'interview'; return the outcomes.

    ``options`` go to ``corpus.ingest`` (workers, password, max_bytes, timeout_s, ocr_languages);
    a transcript import parses in ``executor`` and takes ``roles`` instead.
    """
    paths = [str(p) for p in paths]
    if kind == INTERVIEW:
        outcomes = store_transcripts(paths, db, progress=progress, roles=roles, executor=executor)
    else:
        outcomes = ingest(paths, db, executor=executor, kind=kind, progress=progress, **options)
    return _followed(db, outcomes, coder, session, progress, executor, encoder)


@writes("documents")
def ingest_upload_files(
    db: sqlite_utils.Database,
    files: list[tuple[str, bytes]],
    folder: str | Path,
    kind: str = "policy",
    progress: Progress | None = None,
    coder: str = "system",
    session: str | None = None,
    **options,
) -> IngestReport:
    """Ingest uploaded (name, bytes) pairs saved into ``folder``; as ``ingest_files`` otherwise."""
    if kind == INTERVIEW:
        paths = [str(p) for p in save_uploads(files, folder)]
        outcomes = store_transcripts(paths, db, progress=progress)
    else:
        outcomes = ingest_uploads(db, files, folder, kind=kind, progress=progress, **options)
    return _followed(db, outcomes, coder, session, progress, None, None)


def _followed(db, outcomes, coder, session, progress, executor, encoder) -> IngestReport:
    report = IngestReport(outcomes)
    report.versions = follow_versions(
        db,
        report.stored_ids,
        coder=coder,
        session=session,
        progress=progress,
        executor=executor,
        encoder=encoder,
    )
    return report
