"""Storage of transcripts: the document (via corpus), speakers, cases and turns, one transaction."""

from __future__ import annotations

import concurrent.futures as cf
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from corpus import (
    Document,
    DuplicateDocument,
    Outcome,
    OutcomeStatus,
    ParseError,
    limited_map,
    log_outcomes,
    project_stats,
    store_document,
)
from projectfile import Progress, backup_project, now_iso, transaction, writes

from .document import is_generic, suggest_roles, transcript_to_document
from .errors import InterviewError
from .model import Transcript
from .parse import SUFFIXES, parse_transcript


@writes("cases")
def ensure_case(
    db: sqlite_utils.Database, name: str, kind: str = "person", description: str = ""
) -> int:
    """Return the id of the case called ``name`` (case-insensitive), creating it if needed."""
    name = " ".join(name.split())
    if not name:
        raise InterviewError("a case needs a name")
    row = db.execute("SELECT id FROM cases WHERE name = ? COLLATE NOCASE", [name]).fetchone()
    if row:
        return row[0]
    with transaction(db):
        return db.execute(
            "INSERT INTO cases (name, kind, description, created_at) VALUES (?, ?, ?, ?)",
            [name, kind, description, now_iso()],
        ).lastrowid


@writes("documents")
def store_transcript(
    db: sqlite_utils.Database,
    tr: Transcript,
    data: bytes | None = None,
    title: str | None = None,
    roles: dict[str, str] | None = None,
    cases: dict[str, str | None] | None = None,
    source_document_id: int | None = None,
    pseudonymized: bool = False,
    document: Document | None = None,
    time_source: str = "file",
) -> int:
    """Store a parsed transcript in one transaction; return the document id.

    Turn times are recorded as coming from ``time_source`` ('file': the imported file; 'stt':
    speech to text); timed words the parser found (``Turn.words``) go to ``word_times``.

    The document, its speakers linked to cases, and its turns.

    ``roles`` overrides the suggested role per speaker; ``cases`` maps a speaker to a case name
    (None: no case).
    By default a named speaker joins the case of the same name across interviews; a role label
    ('Interviewee', 'R', 'Speaker 2') gets a case of its own per interview.
    ``document`` is the document to store when its text must stay as given (a REFI-QDA
    transcript): its 'turn' segments carry the data ``transcript_to_document`` gives them.
    """
    doc = document or transcript_to_document(tr, data, title)
    suggested = suggest_roles(tr)
    suggested.update(roles or {})
    with transaction(db):
        doc_id = store_document(db, doc, segment_language=False)
        db.execute(
            "INSERT INTO transcripts (document_id, format, encoding, source_document_id,"
            " pseudonymized, imported_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [doc_id, tr.format, tr.encoding, source_document_id, int(pseudonymized), now_iso()],
        )
        speaker_ids: dict[str, int] = {}
        for label in tr.speakers:
            if cases is not None and label in cases:
                case_name = cases[label]
            else:
                case_name = f"{label} ({doc.title})" if is_generic(label) else label
            case_id = ensure_case(db, case_name) if case_name else None
            speaker_ids[label] = db.execute(
                "INSERT INTO speakers (document_id, label, role, case_id) VALUES (?, ?, ?, ?)",
                [doc_id, label, suggested.get(label, "other"), case_id],
            ).lastrowid
        db.conn.executemany(
            "INSERT INTO turns (document_id, turn_no, char_start, char_end, speaker_id, t_start,"
            " t_end, language, time_source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc_id,
                    s.data["turn_no"],
                    s.start,
                    s.end,
                    speaker_ids.get(s.data["speaker"]),
                    s.data["t_start"],
                    s.data["t_end"],
                    s.data["language"],
                    time_source if s.data["t_start"] is not None else None,
                )
                for s in doc.segments
            ],
        )
        db.conn.executemany(
            "INSERT OR REPLACE INTO word_times (document_id, char_start, char_end, t_start, t_end)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (doc_id, a, b, float(ts), None if te is None else float(te))
                for s in doc.segments
                for a, b, ts, te in s.data.get("words", ())
            ],
        )
    return doc_id


def save_transcript(
    db: sqlite_utils.Database,
    tr: Transcript,
    data: bytes | None = None,
    path: str | None = None,
    roles: dict[str, str] | None = None,
) -> int:
    """Store a parsed transcript as the Interviews page does and record it in the ingest log (like
    ``import_transcripts``); return the document id.

    A duplicate or a failure is logged too, then raised (DuplicateDocument, InterviewError)."""
    t0 = time.perf_counter()
    source = path or tr.name
    try:
        doc_id = store_transcript(db, tr, data, roles=roles)
    except DuplicateDocument as exc:
        log_outcomes(
            db,
            uuid.uuid4().hex[:12],
            [
                Outcome(
                    source,
                    OutcomeStatus.SKIPPED,
                    f"duplicate of document {exc.document_id}",
                    exc.document_id,
                )
            ],
        )
        raise
    except InterviewError as exc:
        log_outcomes(
            db, uuid.uuid4().hex[:12], [Outcome(source, OutcomeStatus.FAILED, f"{tr.name}: {exc}")]
        )
        raise
    outcome = Outcome(
        source,
        OutcomeStatus.OK,
        "; ".join(tr.warnings),
        doc_id,
        pages=len(tr.turns),
        seconds=time.perf_counter() - t0,
    )
    log_outcomes(db, uuid.uuid4().hex[:12], [outcome])
    return doc_id


@writes("documents")
def store_transcript_version(
    db: sqlite_utils.Database,
    old_id: int,
    new_id: int,
    map_offset: Callable[[int], int],
    rename: Callable[[str], str],
) -> None:
    """Record document ``new_id`` as a pseudonymized version of transcript ``old_id``.

    Copies the transcript row (marked pseudonymized), its speakers (labels through ``rename``, same
    roles and cases) and its turns (offsets through ``map_offset``), in one transaction.
    """
    with transaction(db):
        fmt = db.execute(
            "SELECT format, encoding FROM transcripts WHERE document_id = ?", [old_id]
        ).fetchone()
        db.execute(
            "INSERT INTO transcripts (document_id, format, encoding, source_document_id,"
            " pseudonymized, imported_at) VALUES (?, ?, ?, ?, 1, ?)",
            [new_id, fmt[0] if fmt else "plain", fmt[1] if fmt else None, old_id, now_iso()],
        )
        speaker_map = {}
        for sid, label, role, case_id in db.execute(
            "SELECT id, label, role, case_id FROM speakers WHERE document_id = ?", [old_id]
        ).fetchall():
            speaker_map[sid] = db.execute(
                "INSERT INTO speakers (document_id, label, role, case_id) VALUES (?, ?, ?, ?)",
                [new_id, rename(label), role, case_id],
            ).lastrowid
        turns = db.execute(
            "SELECT turn_no, char_start, char_end, speaker_id, t_start, t_end, language,"
            " time_source FROM turns WHERE document_id = ?",
            [old_id],
        ).fetchall()
        db.conn.executemany(
            "INSERT INTO turns (document_id, turn_no, char_start, char_end, speaker_id, t_start,"
            " t_end, language, time_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (new_id, no, map_offset(s), map_offset(e), speaker_map.get(sp), ts, te, lang, src)
                for no, s, e, sp, ts, te, lang, src in turns
            ],
        )
        words = db.execute(
            "SELECT char_start, char_end, t_start, t_end FROM word_times WHERE document_id = ?",
            [old_id],
        ).fetchall()
        db.conn.executemany(
            "INSERT OR IGNORE INTO word_times (document_id, char_start, char_end, t_start, t_end)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (new_id, map_offset(a), map_offset(b), t0, t1)
                for a, b, t0, t1 in words
                if map_offset(b) > map_offset(a)
            ],
        )


def _parse_file(path: str) -> tuple[str, Transcript | None, bytes | None, str]:
    """Parse one file (in a worker when an executor is given); return (path, transcript, bytes,
    error)."""
    try:
        data = Path(path).read_bytes()
        return path, parse_transcript(path, data=data), data, ""
    except (ParseError, OSError) as exc:
        return (
            path,
            None,
            None,
            str(exc)
            if not isinstance(exc, OSError)
            else f"{Path(path).name}: {exc.strerror or exc}",
        )


def _parse_failed(path: str, message: str) -> tuple[str, None, None, str]:
    return path, None, None, f"{Path(path).name}: {message}"


def import_transcripts(
    paths: list[str],
    db: sqlite_utils.Database,
    progress: Progress | None = None,
    roles: dict[str, str] | None = None,
    executor: cf.Executor | None = None,
) -> list[Outcome]:
    """Parse and store transcript files; return one Outcome per file.

    Folders are searched for .txt/.vtt/.srt/.docx.

    Parsing runs in ``executor`` when given (e.g. ``corpus.process_executor``), writing in this
    process.
    Each file is stored whole or not at all; failures are returned (and logged), never half-saved.
    """
    files = discover_transcripts(paths)
    outcomes: list[Outcome] = []
    run_id = uuid.uuid4().hex[:12]
    if files and project_stats(db)["documents"]:
        backup_project(db, reason="before-transcript-import")
    parsed = limited_map(_parse_file, files, executor, on_error=_parse_failed)
    t0 = time.perf_counter()
    for i, (path, tr, data, error) in enumerate(parsed):
        if tr is None:
            outcomes.append(Outcome(path, OutcomeStatus.FAILED, error))
        else:
            try:
                doc_id = store_transcript(db, tr, data, roles=roles)
                outcomes.append(
                    Outcome(
                        path,
                        OutcomeStatus.OK,
                        "; ".join(tr.warnings),
                        doc_id,
                        pages=len(tr.turns),
                        seconds=time.perf_counter() - t0,
                    )
                )
            except DuplicateDocument as exc:
                outcomes.append(
                    Outcome(
                        path,
                        OutcomeStatus.SKIPPED,
                        f"duplicate of document {exc.document_id}",
                        exc.document_id,
                    )
                )
            except InterviewError as exc:
                outcomes.append(Outcome(path, OutcomeStatus.FAILED, f"{Path(path).name}: {exc}"))
        t0 = time.perf_counter()
        if progress:
            progress(i + 1, len(files), Path(path).name)
    log_outcomes(db, run_id, outcomes)
    return outcomes


def discover_transcripts(paths: list[str]) -> list[str]:
    """Return the transcript files named by ``paths`` (folders searched recursively), sorted."""
    out: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(
                str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
            )
        else:
            out.append(str(p))
    return out
