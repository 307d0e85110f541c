"""A shareable copy of a project: without the earlier (real-name) versions of pseudonymized
transcripts, with every free-text field de-identified, without the undo history and audit log,
vacuumed so no deleted text stays in free pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from coding import drop_history
from corpus import delete_document, forget_ingest_log, forget_source_paths, rebuild_index
from interviews import transcripts_frame
from projectfile import compact_project, copy_project, open_project, project_path

from .apply import deidentify_free_text
from .errors import DeidError
from .key import key_path_for, load_key


@dataclass
class ShareableReport:
    """What the shareable copy left out or changed (printed by the CLI, shown by the app)."""

    path: Path
    originals_removed: int = 0
    fields_deidentified: int = 0
    dropped: dict[str, int] = field(default_factory=dict)

    def __fspath__(self) -> str:  # usable wherever the copy's path is
        return str(self.path)

    def lines(self) -> list[str]:
        return [
            f"shareable copy: {self.path}",
            f"  earlier (real-name) transcript versions removed: {self.originals_removed}",
            f"  free-text fields de-identified (memos, codes, titles): {self.fields_deidentified}",
            "  left out: the undo history"
            f" ({self.dropped.get('coding_actions', 0)} actions) and the audit log"
            f" ({self.dropped.get('audit_log', 0)} entries), which hold text as it was before"
            " pseudonymization, and the ingest log"
            f" ({self.dropped.get('ingest_log', 0)} rows), which names files on this computer",
            "  left out: where the source files are"
            f" ({self.dropped.get('source_paths', 0)} documents; the copy carries no originals)",
        ]


def shareable_copy(
    db: sqlite_utils.Database, dest: str | Path, key_file: str | Path | None = None
) -> ShareableReport:
    """Write a de-identified copy of the project; return what it left out.

    The copy is made with SQLite's backup API; the originals of pseudonymized transcripts are
    deleted (with their segments, turns and FTS entries); every real name of the key file is
    replaced in the free text coding and corpus keep (memos including deleted ones, code
    definitions, coding memos, batch rules, document titles); the undo history, audit log and
    ingest log are emptied; the full-text indexes are rebuilt and the file vacuumed, so no
    deleted text stays in free pages or index segments.
    """
    dest = Path(dest)
    if dest.exists():
        raise DeidError(f"{dest}: already exists")
    base = project_path(db) or Path("project")
    key = load_key(Path(key_file or key_path_for(base)))
    mapping = {k: v for sec in ("people", "organisations") for k, v in key.get(sec, {}).items()}
    copy_project(db, dest)
    copy = open_project(dest)
    report = ShareableReport(dest)
    try:
        tr = transcripts_frame(copy, include_old=True)
        sources = set(tr.loc[tr["pseudonymized"] == 1, "source_document_id"].dropna().astype(int))
        old = tr[(tr["is_current"] == 0) | tr["document_id"].isin(sources)]
        for doc_id in sorted(set(old["document_id"].astype(int))):
            delete_document(copy, doc_id)
            report.originals_removed += 1
        if mapping:
            report.fields_deidentified = deidentify_free_text(
                copy, mapping, people=key.get("people", {})
            )
        report.dropped = drop_history(copy)
        report.dropped["ingest_log"] = forget_ingest_log(copy)
        report.dropped["source_paths"] = forget_source_paths(copy)  # never the kept originals
        rebuild_index(copy)
        compact_project(copy)
    finally:
        copy.conn.close()
    return report
