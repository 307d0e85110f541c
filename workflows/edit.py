"""Use case "correct a document": the corrected text becomes a new version, codings move with
their words (``coding.edit_document``), then everything that follows a new version
(``follow_versions``: entity mentions, search and meaning indexes)."""

from __future__ import annotations

import concurrent.futures as cf
import os
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from coding import EditResult, edit_document
from corpus import bytes_to_text
from projectfile import EDIT_FILE, Progress, QdaError, check_limit, writes

from .versions import VersionsReport, follow_versions


@dataclass
class Correction:
    """What a correction did: the edit itself and what followed the new version."""

    edit: EditResult
    versions: VersionsReport = field(default_factory=VersionsReport)

    def summary(self) -> str:
        """One line for a person (the edit's own summary)."""
        return self.edit.summary()

    def lines(self) -> list[str]:
        """The lines the CLI prints after the edit's summary and review table."""
        return self.versions.lines()


@writes("documents")
def correct_document(
    db: sqlite_utils.Database,
    document_id: int,
    new_text: str,
    coder: str,
    session: str | None = None,
    progress: Progress | None = None,
    executor: cf.Executor | None = None,
    encoder=None,
) -> Correction:
    """Store ``new_text`` as the next version of ``document_id``, move its codings, carry its
    entity mentions and update the indexes; return what was done (nothing when the text is the
    same).  A text over ``EDIT_FILE`` is refused before it is compared (nothing changes)."""
    check_limit("the corrected text", EDIT_FILE, "it", len(new_text))
    result = edit_document(db, document_id, new_text, coder, session=session)
    if result.unchanged:
        return Correction(result)
    versions = follow_versions(
        db,
        [result.new_document_id],
        session=session,
        progress=progress,
        executor=executor,
        encoder=encoder,
    )
    return Correction(result, versions)


def read_corrected_text(path: str | os.PathLike) -> str:
    """Return the text of the corrected file at ``path`` (any encoding, CRLF ok); its size is
    checked against ``EDIT_FILE`` before it is read."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise QdaError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise QdaError(f"{path}: not a regular file; give the corrected text as a file")
    check_limit(path.name, EDIT_FILE, "the file", size)
    with open(path, "rb") as fh:
        data = fh.read(EDIT_FILE.value + 1)  # a file that grew since: still never past the cap
    check_limit(path.name, EDIT_FILE, "the file", len(data))
    return bytes_to_text(data, path.name)[0]
