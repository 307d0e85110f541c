"""Store a parsed REFI-QDA project (``refi.parse``) in a project file, in one transaction.

Nothing is written until the whole file has parsed; then documents, codes, coders, codings, memos
and cases go in one transaction, so a failure leaves the project exactly as it was (a project file
this import created is removed again).
"""

from __future__ import annotations

import functools
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from coding import (
    add_code,
    add_memo,
    apply_batch,
    check_project,
    code_case,
    code_document,
    codes_frame,
    ensure_coder,
    name_key,
)
from corpus import (
    Document,
    DuplicateDocument,
    detect_language,
    language_bucket,
    paragraphs_from_text,
    sha256_bytes,
    store_document,
)
from interviews import cases_frame, import_refi_cases, store_transcript
from projectfile import (
    Progress,
    QdaError,
    WriteRefused,
    backup_project,
    open_project,
    run_record,
    transaction,
    writes,
)

from ..errors import ImportFileError
from .model import RefiProject
from .parse import parse_qdc, parse_qdpx
from .recordings import attach_recordings
from .transcript_doc import transcript_document

IMPORT_CODER = "imported"


@dataclass
class ImportReport:
    """What an import wrote (counts) and what it could not (one line per item)."""

    source: str
    imported: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    document_ids: dict[str, int] = field(default_factory=dict)  # REFI source GUID -> document id

    def lines(self) -> list[str]:
        """Return the report as printable lines."""
        out = [f"imported from {self.source}:"]
        out += [f"  {k}: {v}" for k, v in self.imported.items()]
        out += [f"note: {n}" for n in self.notices]
        out += (
            ([f"not imported ({len(self.skipped)}):"] + [f"  - {s}" for s in self.skipped])
            if self.skipped
            else ["not imported: nothing"]
        )
        return out


def _color(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip()
    if re.fullmatch(r"#[0-9a-fA-F]{3}", v):
        v = "#" + "".join(ch * 2 for ch in v[1:])
    return v.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", v) else None


def _store_codes(db, project: RefiProject, coder: str, report: ImportReport) -> dict[str, int]:
    """Add the file's codes (merging with same-named existing ones); return {GUID: code id}.

    The codebook is read once into a dictionary of (parent, name key) so that each code costs
    the same whatever the number of codes (linear in codes, not quadratic).
    """
    ids: dict[str, int] = {}
    made = merged = 0
    taken: dict[tuple[int, str], int] = {}
    frame = codes_frame(db)
    for cid, parent_id, name in frame[["id", "parent_id", "name"]].itertuples(index=False):
        parent_key = 0 if parent_id is None or parent_id != parent_id else int(parent_id)
        taken.setdefault((parent_key, name_key(name)), int(cid))
    mapped: set[int] = set()  # codes a GUID of this file already points at
    for code in project.codes:
        parent = ids.get(code.parent) if code.parent else None
        clean = " ".join(code.name.replace(">", "\u203a").split()) or "(unnamed code)"
        if clean != code.name:
            report.notices.append(
                f"code '{code.name}' is called '{clean}' here ('>' separates levels of a code path)"
            )
            code.name = clean
        existing = taken.get((parent or 0, name_key(code.name)))
        if existing is not None and existing not in mapped:
            ids[code.guid] = existing
            mapped.add(existing)
            merged += 1
            continue
        name, n = code.name, 2
        while (parent or 0, name_key(name)) in taken:
            name = f"{code.name} ({n})"
            n += 1
        if name != code.name:
            report.notices.append(
                f"code '{code.name}' appears twice under one parent; the second is called '{name}'"
            )
        new_id = add_code(
            db,
            name,
            parent=parent,
            color=_color(code.color),
            definition=code.description,
            coder=coder,
        )
        ids[code.guid] = new_id
        taken[(parent or 0, name_key(name))] = new_id
        mapped.add(new_id)
        made += 1
    report.imported["codes"] = made
    if merged:
        report.imported["codes merged with existing ones"] = merged
    return ids


def _store_documents(
    db, project: RefiProject, report: ImportReport, progress: Progress | None
) -> dict[str, int]:
    ids: dict[str, int] = {}
    new = 0
    for i, src in enumerate(project.sources):
        text = src.text
        data = text.encode("utf-8")
        if src.sync_points is not None:  # the transcript of a recording: turns with times
            tr, doc = transcript_document(src, report.source)
            store = functools.partial(store_transcript, db, tr, document=doc)
        else:
            # the source name carries the file's name, so an import never makes a new version of
            # an unrelated document
            doc = Document(
                text=text,
                title=src.name,
                source_name=f"{report.source}/{src.name}",
                kind=src.kind,
                file_type=src.file_type,
                segments=paragraphs_from_text(text),
                sha256=sha256_bytes(data),
                size=len(data),
                language=language_bucket(detect_language(text[:5000])) if text.strip() else None,
                metadata={
                    "imported_from": report.source,
                    "refi_guid": src.guid,
                    "positions": src.reading,
                },
            )
            store = functools.partial(store_document, db, doc)
        try:
            ids[src.guid] = store()
            new += 1
        except DuplicateDocument as dup:
            ids[src.guid] = dup.document_id
            report.notices.append(
                f"source '{src.name}' is already in the project (document {dup.document_id}); "
                "its codings were added to that document"
            )
        if src.media is not None:  # cases name the recording's source
            ids.setdefault(src.media.guid, ids[src.guid])
        if progress:
            progress(i + 1, len(project.sources), src.name)
    report.imported["documents"] = new
    report.document_ids = ids
    return ids


def _user(project: RefiProject, guid: str | None, fallback: str) -> str:
    return project.users.get(guid or "", fallback) if guid else fallback


def _note_text(project: RefiProject, guids: list[str], used: set[str]) -> str | None:
    parts = []
    for g in guids:
        note = project.notes.get(g)
        if note is not None and note.text.strip():
            parts.append(note.text)
            used.add(g)
    return "\n\n".join(parts) or None


@dataclass
class _Stored:
    """What the later steps of ``store_refi`` share: the project file, the parsed file, the ids
    its documents and codes got, the fallback coder, the report and the notes already used."""

    db: sqlite_utils.Database
    project: RefiProject
    docs: dict[str, int]
    codes: dict[str, int]
    coder: str
    report: ImportReport
    used_notes: set[str] = field(default_factory=set)

    def user(self, guid: str | None) -> str:
        """Return the coder name of a REFI user GUID (the fallback coder when unknown)."""
        return _user(self.project, guid, self.coder)

    def note_text(self, guids: list[str]) -> str | None:
        """Return the joined text of the notes ``guids`` and mark them used."""
        return _note_text(self.project, guids, self.used_notes)


def _store_codings(st: _Stored) -> None:
    db, project, docs, codes, report = st.db, st.project, st.docs, st.codes, st.report
    per_coder: dict[str, list[dict]] = defaultdict(list)
    whole = 0
    for src in project.sources:
        doc_id = docs[src.guid]
        for sel in src.selections:
            if sel.start is None:
                continue
            sel_memo = st.note_text(sel.notes)
            for c in sel.codings:
                memo = "\n\n".join(m for m in (st.note_text(c.notes), sel_memo) if m) or None
                per_coder[st.user(c.user)].append(
                    {
                        "document_id": doc_id,
                        "char_start": sel.start,
                        "char_end": sel.end,
                        "code": codes[c.code],
                        "memo": memo,
                    }
                )
        for c in src.whole:
            code_document(
                db,
                doc_id,
                codes[c.code],
                st.user(c.user),
                memo=st.note_text(c.notes),
            )
            whole += 1
    total = 0
    for name, rows in sorted(per_coder.items()):
        apply_batch(db, rows, rule=f"import {report.source}", coder=name)
        total += len(rows)
    report.imported["codings"] = total
    if whole:
        report.imported["whole-document codings"] = whole


def _store_memos(st: _Stored) -> None:
    project, docs, codes, report, used = st.project, st.docs, st.codes, st.report, st.used_notes
    count = 0

    def put(guid: str, target: str, target_id) -> None:
        nonlocal count
        note = project.notes.get(guid)
        if note is None or guid in used:
            return
        used.add(guid)
        if not note.text.strip() and not note.name.strip():
            report.skipped.append(f"empty note {guid}")
            return
        add_memo(
            st.db,
            note.text,
            st.user(note.user),
            target=target,
            target_id=target_id,
            title=note.name,
        )
        count += 1

    for g in project.project_notes:
        put(g, "project", None)
    for code in project.codes:
        for g in code.notes:
            put(g, "code", codes[code.guid])
    for src in project.sources:
        for g in src.notes:
            put(g, "document", docs[src.guid])
    for g in list(project.notes):
        put(g, "project", None)  # notes not attached to anything we keep become project memos
    report.imported["memos"] = count


def _store_cases(st: _Stored) -> None:
    db, project, docs, codes, coder, report = (
        st.db,
        st.project,
        st.docs,
        st.codes,
        st.coder,
        st.report,
    )
    if not project.cases:
        return
    rows = [
        {
            "name": c.name,
            "description": c.description,
            "attributes": {k: v for k, v in c.variables.items() if v is not None and v != ""},
            "document_ids": [docs[g] for g in c.sources if g in docs],
            "code_ids": [codes[g] for g in c.codes],
        }
        for c in project.cases
    ]
    report.imported["cases"] = import_refi_cases(db, rows, coder=coder)
    coded = [c for c in project.cases if c.codes]
    if coded:
        ids = {
            str(n).lower(): int(i)
            for i, n in cases_frame(db)[["case_id", "name"]].itertuples(index=False)
        }
        done = 0
        for case in coded:
            case_id = ids.get(case.name.lower())
            if case_id is None:
                report.skipped.append(
                    f"case '{case.name}': {len(case.codes)} whole-case coding(s) skipped "
                    "(case not found after import)"
                )
                continue
            for g in case.codes:
                code_case(db, case_id, codes[g], coder)
                done += 1
        report.imported["whole-case codings"] = done


@writes("merge")
def store_refi(
    db: sqlite_utils.Database,
    project: RefiProject,
    report: ImportReport,
    coder: str = IMPORT_CODER,
    progress: Progress | None = None,
) -> ImportReport:
    """Write a parsed REFI project into ``db`` in one transaction; fill and return ``report``."""
    with transaction(db):
        for name in project.users.values():
            ensure_coder(db, name)
        report.imported["users"] = len(set(project.users.values()))
        codes = _store_codes(db, project, coder, report)
        docs = _store_documents(db, project, report, progress)
        stored = _Stored(db, project, docs, codes, coder, report)
        _store_codings(stored)
        _store_memos(stored)
        _store_cases(stored)
    report.skipped += project.skipped
    report.notices += project.notices
    report.notices += [  # the project's own check after the import (cli.py check)
        f"check: {p.kind} in {p.table} {p.row_id}: {p.message}"
        for p in check_project(db).itertuples()
    ]
    return report


def _into_project(
    project: RefiProject,
    label: str,
    project_path: str | os.PathLike,
    coder: str,
    progress: Progress | None,
) -> ImportReport:
    """Store ``project`` in the project file; on any failure leave that file as it was.

    A new project is built in a hidden file beside the target and renamed into place only when
    the import has finished, so an import stopped at any point (an error, Ctrl-C, the app's
    Stop, even SIGKILL) never leaves an empty or half-made project under the target name.
    """
    project_path = Path(project_path)
    existed = project_path.exists()
    target = project_path
    if not existed:
        _remove_stale_partials(project_path)
        target = project_path.with_name(f".{project_path.name}.importing-{os.getpid()}")
    partials = [] if existed else [Path(f"{target}{s}") for s in ("", "-wal", "-shm", "-journal")]
    # a kill leaves the hidden partial project and its WAL: the next start removes them
    with run_record("REFI-QDA import", partials, project=str(project_path)):
        return _import_into(project, label, project_path, target, existed, coder, progress)


def _import_into(project, label, project_path, target, existed, coder, progress) -> ImportReport:
    db = open_project(target)
    if existed:
        backup_project(db, reason="before-refi-import")
    done = False
    try:
        report = store_refi(db, project, ImportReport(label), coder, progress)
        done = True
        return report
    except (ImportFileError, WriteRefused):
        raise
    except QdaError as exc:
        raise ImportFileError(label, f"import failed and was undone ({exc})") from exc
    finally:
        if done and not existed:
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.close()
        if not existed:
            if done:
                os.replace(target, project_path)
            for suffix in ("", "-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)


def _remove_stale_partials(project_path: Path) -> None:
    """Remove hidden partial projects left beside ``project_path`` by killed imports."""
    for stale in project_path.parent.glob(f".{project_path.name}.importing-*"):
        m = re.search(r"\.importing-(\d+)", stale.name)
        pid = m.group(1) if m else ""
        if pid and pid != str(os.getpid()) and not Path(f"/proc/{pid}").exists():
            stale.unlink(missing_ok=True)


@writes("merge")
def import_qdpx(
    path: str | os.PathLike,
    project_path: str | os.PathLike,
    coder: str = IMPORT_CODER,
    progress: Progress | None = None,
    recordings: bool = True,
) -> ImportReport:
    """Import a ``.qdpx`` file into the project at ``project_path`` (created if absent); return the
    report. The recordings of its audio and video sources are attached afterwards
    (``refi.recordings``) unless ``recordings`` is False."""
    project = parse_qdpx(path)
    report = _into_project(project, Path(path).name, project_path, coder, progress)
    if not recordings:
        media = sorted({s.media.name for s in project.sources if s.media is not None})
        if media:
            report.skipped.append(
                f"recordings not attached ({', '.join(media)}): attach each to its transcript"
                " with `interviews media attach` or on the Interviews page"
            )
        return report
    attached, lines = attach_recordings(project, path, project_path, report.document_ids)
    if attached:
        report.imported["recordings"] = attached
    report.skipped += lines
    return report


@writes("codebook")
def import_qdc(
    path: str | os.PathLike, project_path: str | os.PathLike, coder: str = IMPORT_CODER
) -> ImportReport:
    """Import a ``.qdc`` codebook into the project at ``project_path``; return the report."""
    project = parse_qdc(path)
    return _into_project(project, Path(path).name, project_path, coder, None)
