"""What follows new document versions, whatever made them (an ingest, a transcript import, an edit,
pseudonymisation): codings carried, entity mentions carried, the search and meaning indexes
brought in step."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlite_utils

from coding import EditResult, follow_new_versions
from corpus import get_document, sync_search_index
from nlp import ENCODERS, IndexResult, carry_entities, index_passages, index_status
from projectfile import Progress, QdaError, writes


@dataclass
class VersionsReport:
    """What followed the new versions: codings carried, mentions carried, indexes updated."""

    codings: list[EditResult] = field(default_factory=list)
    entities: dict[int, int] = field(default_factory=dict)
    search: str = "none"
    meaning: dict[str, IndexResult] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for a person about the codings carried ('' when none were)."""
        return " ".join(r.summary() for r in self.codings)

    def lines(self) -> list[str]:
        """The lines the CLI prints: one per document whose codings were carried, then mentions."""
        out = [r.summary() for r in self.codings]
        if self.entities:
            out.append(f"entity mentions carried to {len(self.entities)} new versions")
        return out


@writes("documents")
def follow_versions(
    db: sqlite_utils.Database,
    new_ids: Iterable[int] = (),
    coder: str = "system",
    session: str | None = None,
    progress: Progress | None = None,
    executor: cf.Executor | None = None,
    encoder=None,
) -> VersionsReport:
    """Carry codings and entity mentions to every new version that has none yet, bring the search
    index in step and, where the project has a meaning index, embed the new versions among
    ``new_ids``; return what was done."""
    report = VersionsReport()
    report.codings = follow_new_versions(db, coder=coder, session=session)
    report.entities = carry_entities(db)
    report.search = sync_search_index(db, progress)
    versions = [int(i) for i in new_ids if get_document(db, int(i))["previous_id"] is not None]
    if versions:
        _update_meaning_index(db, versions, report, progress, executor, encoder)
    return report


def _update_meaning_index(
    db: sqlite_utils.Database,
    versions: list[int],
    report: VersionsReport,
    progress: Progress | None,
    executor: cf.Executor | None,
    encoder,
) -> None:
    """Embed ``versions`` with every model the project already has a meaning index for."""
    for model in ENCODERS:
        if not index_status(db, model)["passages"]:
            continue
        try:
            report.meaning[model] = index_passages(
                db, model, documents=versions, progress=progress, executor=executor, encoder=encoder
            )
        except (QdaError, OSError) as exc:  # the text is stored; the index catches up later
            report.notes.append(f"meaning index ({model}) not updated: {exc}")
