"""What follows new document versions, whatever made them (an ingest, a transcript import, an edit,
pseudonymisation): codings carried, entity mentions carried, the search and meaning indexes
brought in step."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlite_utils

from coding import EditResult, follow_new_versions
from corpus import sync_search_index
from nlp import IndexResult, carry_entities, index_passages
from projectfile import Progress, QdaError, writes

from .meaning_index import background_default, models_to_follow, start_background_index


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
    background: bool | None = None,
) -> VersionsReport:
    """Carry codings and entity mentions to every new version that has none yet, bring the search
    index in step and embed the passages of ``new_ids`` (new documents and new versions alike)
    for every model whose index follows changes (``meaning_index.models_to_follow``); return
    what was done.

    ``background`` (default: ``meaning_index.background_default()``, set by the app) starts or
    extends a background job instead of embedding before returning."""
    report = VersionsReport()
    report.codings = follow_new_versions(db, coder=coder, session=session)
    report.entities = carry_entities(db)
    report.search = sync_search_index(db, progress)
    ids = [int(i) for i in new_ids]
    if ids:
        follow_meaning_index(db, ids, report, progress, executor, encoder, background)
    return report


def follow_meaning_index(
    db: sqlite_utils.Database,
    ids: list[int] | None = None,
    report: VersionsReport | None = None,
    progress: Progress | None = None,
    executor: cf.Executor | None = None,
    encoder=None,
    background: bool | None = None,
) -> VersionsReport:
    """Embed the documents ``ids`` (None: every current document; only passages without a
    vector are embedded) for every model whose index follows changes; return the report."""
    report = VersionsReport() if report is None else report
    background = background_default() if background is None else background
    for model in models_to_follow(db, unset_means_on=background):
        try:
            if background:
                start_background_index(db, model, encoder=encoder)
                report.notes.append(f"meaning index ({model}) updating in the background")
                continue
            report.meaning[model] = index_passages(
                db, model, documents=ids, progress=progress, executor=executor, encoder=encoder
            )
        except (QdaError, OSError) as exc:  # the text is stored; the index catches up later
            report.notes.append(f"meaning index ({model}) not updated: {exc}")
    return report
