"""Use case "correct a document": the corrected text becomes a new version, codings move with
their words (``coding.edit_document``), then everything that follows a new version
(``follow_versions``: entity mentions, search and meaning indexes)."""

from __future__ import annotations

import concurrent.futures as cf
from dataclasses import dataclass, field

import sqlite_utils

from coding import EditResult, edit_document
from projectfile import Progress

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
    same)."""
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
