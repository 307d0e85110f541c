"""A shareable copy of a project: without the earlier (real-name) versions of pseudonymized
transcripts, with every name of the key replaced in every text column the packages declare
(``projectfile.text_columns``), without the undo history, audit log, ingest log, entities,
topics and meaning index, vacuumed so no deleted text stays in free pages.

The copy is written under a hidden temporary name in the destination's folder (owner-only), and
renamed into place only when it is complete and a check of every text cell and every byte of
its files finds no form of any name of the key (``deid.forms``); a run stopped midway leaves
nothing at the destination, and the next run removes what it left.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from corpus import delete_document, forget_source_paths, rebuild_index
from interviews import transcripts_frame
from projectfile import (
    compact_project,
    copy_project,
    empty_dropped_tables,
    open_project,
    project_path,
    rebuild_fts,
    rewrite_text_columns,
    text_cells,
)

from .apply import key_renamer
from .errors import DeidError
from .forms import fold_text
from .key import key_path_for, load_key

PARTIAL = ".partial-"
CHUNK = 8 * 1024 * 1024
OVERLAP = 512  # bytes read twice between chunks, longer than any name form


@dataclass
class ShareableReport:
    """What the shareable copy left out or changed (printed by the CLI, shown by the app)."""

    path: Path
    originals_removed: int = 0
    fields_deidentified: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    forms_checked: int = 0

    def __fspath__(self) -> str:  # usable wherever the copy's path is
        return str(self.path)

    def lines(self) -> list[str]:
        d = self.dropped
        derived = sum(
            d.get(t, 0)
            for t in (
                "entities",
                "entity_runs",
                "entity_aliases",
                "topic_models",
                "topics",
                "topic_assignments",
                "embeddings",
                "passage_vectors",
            )
        )
        return [
            f"shareable copy: {self.path}",
            f"  earlier (real-name) transcript versions removed: {self.originals_removed}",
            "  free-text fields de-identified (memos, codes, titles, source names, cases,"
            f" speakers, attributes, ...): {self.fields_deidentified}",
            "  left out: the undo history"
            f" ({d.get('coding_actions', 0)} actions) and the audit log"
            f" ({d.get('audit_log', 0)} entries), which hold text as it was before"
            " pseudonymization, and the ingest log"
            f" ({d.get('ingest_log', 0)} rows), which names files on this computer",
            "  left out: entities, topics and the meaning-search index"
            f" ({derived} rows), made from the text before pseudonymization; extract, fit"
            " or index them again in the copy",
            "  left out: where the source files are"
            f" ({d.get('source_paths', 0)} documents; the copy carries no originals)",
            f"  checked: no form of the key's {self.forms_checked} names in any table or byte",
        ]


def _partials(dest: Path) -> list[Path]:
    return sorted(dest.parent.glob(f".{dest.name}{PARTIAL}*"))


def remove_partials(dest: str | Path) -> int:
    """Remove what a stopped shareable copy to ``dest`` left (its hidden temporary file, -wal,
    -shm, search-index folder and lock); return how many were removed."""
    found = _partials(Path(dest))
    _remove(found)
    return len(found)


def _temporary(dest: Path) -> Path:
    tmp = dest.with_name(f".{dest.name}{PARTIAL}{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    return tmp


def _own_files(path: Path) -> list[Path]:
    """A project file's own files that exist: itself, its -wal, -shm and -journal, its search
    index folder and lock."""
    suffixes = ("", "-wal", "-shm", "-journal", ".search-index", ".search-index.lock")
    return [p for p in (path.with_name(path.name + s) for s in suffixes) if p.exists()]


def _remove(paths: list[Path]) -> None:
    for p in paths:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)


def check_copy(path: str | Path, key: dict) -> list[str]:
    """Return where a form of a name of ``key`` is left in the project file ``path`` (its text
    cells, then every byte of its files and the folders beside it): 'table.column: [pseudonym]'
    or 'file name: [pseudonym]', never the name itself."""
    renamer = key_renamer(key)
    forms = renamer.forms
    if not forms:
        return []
    found: dict[str, set[str]] = {}

    def note(where: str, folded_hits: list[str]) -> None:
        for hit in folded_hits:
            owners = forms.owners_of(hit)
            found.setdefault(where, set()).add(
                f"[{renamer.pseudonym_of(owners)}]" if owners else "an e-mail address of a name"
            )

    copy = open_project(path, create=False, readonly=True)
    try:
        for table, column, text in text_cells(copy):
            hits = forms.search_folded(fold_text(text))
            if hits:
                note(f"{table}.{column}", hits)
    finally:
        copy.conn.close()
    path = Path(path)
    files = [p for p in _own_files(path) if p.is_file()]
    for p in _own_files(path):
        if p.is_dir():
            files += [f for f in p.rglob("*") if f.is_file()]
    for f in files:
        for chunk in _chunks(f):
            hits = forms.search_folded(fold_text(chunk.decode("utf-8", "replace")))
            if hits:
                note(f.name, hits)
    return [f"{where}: {', '.join(sorted(p))}" for where, p in sorted(found.items())]


def _chunks(path: Path):
    with open(path, "rb") as fh:
        tail = b""
        while True:
            block = fh.read(CHUNK)
            if not block:
                break
            yield tail + block
            tail = block[-OVERLAP:]


def shareable_copy(
    db: sqlite_utils.Database, dest: str | Path, key_file: str | Path | None = None
) -> ShareableReport:
    """Write a de-identified copy of the project at ``dest``; return what it left out.

    The copy is made with SQLite's backup API under a hidden temporary name beside ``dest``
    (owner-only); the originals of pseudonymized transcripts are deleted (with their segments,
    turns and FTS entries); every form of every name of the key is replaced in every declared
    free-text and JSON column; history, logs and derived tables are emptied; the full-text
    indexes are rebuilt and the file vacuumed; then every text cell and every byte is checked
    for every form of every name, and only a clean copy is renamed to ``dest``. A name left
    (a review row not accepted, a document that is not a transcript) refuses the copy with
    DeidError naming the table or file and the pseudonym, and leaves nothing behind.
    """
    dest = Path(dest)
    remove_partials(dest)
    if dest.exists():
        raise DeidError(f"{dest}: already exists")
    dest.parent.mkdir(parents=True, exist_ok=True)
    base = project_path(db) or Path("project")
    key = load_key(Path(key_file or key_path_for(base)))
    rename = key_renamer(key, emails=True)
    tmp = _temporary(dest)
    report = ShareableReport(dest)
    try:
        copy_project(db, tmp)
        copy = open_project(tmp)
        try:
            tr = transcripts_frame(copy, include_old=True)
            sources = set(
                tr.loc[tr["pseudonymized"] == 1, "source_document_id"].dropna().astype(int)
            )
            old = tr[(tr["is_current"] == 0) | tr["document_id"].isin(sources)]
            for doc_id in sorted(set(old["document_id"].astype(int))):
                delete_document(copy, doc_id)
                report.originals_removed += 1
            report.dropped = empty_dropped_tables(copy)
            report.dropped["source_paths"] = forget_source_paths(copy)  # never the originals
            report.fields_deidentified = rewrite_text_columns(copy, rename)
            rebuild_fts(copy)
            rebuild_index(copy)
            compact_project(copy)
        finally:
            copy.conn.close()
        left = check_copy(tmp, key)
        if left:
            raise DeidError(
                "the shareable copy was not written: a form of a name in the key is still"
                f" in {'; '.join(left)}. Accept the review rows of those names (or pseudonymize"
                " the documents that still hold them) and run again"
            )
        report.forms_checked = len(key.get("people", {})) + len(key.get("organisations", {}))
        _publish(tmp, dest)
    except BaseException:
        _remove(_own_files(tmp))
        raise
    return report


def _publish(tmp: Path, dest: Path) -> None:
    """Rename the checked copy (and a search-index folder beside it) to ``dest``, never over a
    file that appeared meanwhile."""
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    index = tmp.with_name(tmp.name + ".search-index")
    if index.is_dir():
        index.rename(dest.with_name(dest.name + ".search-index"))
    try:
        os.link(tmp, dest)
    except FileExistsError:
        raise DeidError(f"{dest}: already exists") from None
    except OSError:  # a file system without hard links
        if dest.exists():
            raise DeidError(f"{dest}: already exists") from None
        os.replace(tmp, dest)
    else:
        tmp.unlink()
    _remove(_own_files(tmp))  # the search index's lock file
    fd = os.open(dest.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
