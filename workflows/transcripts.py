"""Use case "import transcripts": parse and store transcript files (or one previewed transcript),
then everything that follows their new versions (``follow_versions``)."""

from __future__ import annotations

import concurrent.futures as cf
import os
from collections.abc import Iterable

import sqlite_utils

from corpus import delete_document
from interviews import import_transcripts as store_transcripts
from interviews import save_transcript as store_previewed
from projectfile import Progress, writes

from .ingest import IngestReport, _followed
from .media import MediaReport, attach_media, check_recording
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
    media: str | os.PathLike | None = None,
    media_name: str | None = None,
    progress: Progress | None = None,
) -> tuple[int, VersionsReport]:
    """Store a transcript parsed for preview (the Interviews page); return (document id, what
    followed). A duplicate or a failure is logged and raised, as ``interviews.save_transcript``.

    ``media``: a recording to attach to it (``media_name`` the name to show, e.g. an upload's),
    checked before the transcript is stored; when attaching it still fails the new transcript is
    removed again, so either both are stored or neither (and codings follow only then)."""
    if media is not None:
        check_recording(media)
    doc_id = store_previewed(db, transcript, data, path=path, roles=roles)
    if media is not None:
        _attach_or_remove(db, doc_id, media, coder, progress, media_name)
    return doc_id, follow_versions(db, [doc_id], coder=coder, session=session)


def _attach_or_remove(db, doc_id, media, coder, progress, media_name) -> MediaReport:
    try:
        return attach_media(db, doc_id, media, coder, progress, original_name=media_name)
    except BaseException:
        delete_document(db, doc_id)
        raise
