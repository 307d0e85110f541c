"""Recordings attached to transcripts: the rows, the folder beside the project, their status.

A recording is copied into ``<project>.media/`` (folder 0700, files 0600) named by the SHA-256 of
its bytes, with a mono listening copy ``<sha256>.listen.m4a`` beside it; the project records both
by paths relative to its own folder, so a project moved with its folder still finds them. A file
that is gone or whose bytes changed is reported by ``media_status`` and never replaced. A
transcript's recording is found along its version chain (``media_for``), so an edited or
pseudonymised version plays the same recording. A shareable copy drops the rows (``Share.DROP``)
and is written elsewhere, so it carries neither rows nor files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlite_utils

from corpus import current_version, document_titles, version_chain
from projectfile import NotFound, ProjectError, now_iso, project_path, transaction, writes

MEDIA_SUFFIX = ".media"
STATUSES = ("ok", "missing", "changed")


def media_dir(project: str | os.PathLike) -> Path:
    """Return the private folder beside the project file that holds its recordings."""
    project = Path(project)
    return project.with_name(project.name + MEDIA_SUFFIX)


@dataclass(frozen=True)
class StoredMedia:
    """A recording already copied into the media folder, ready for ``store_media``.

    ``path``/``listening_path`` are absolute; they are stored relative to the project folder."""

    sha256: str
    path: Path
    original_name: str
    kind: str
    container: str
    codec: str
    duration_s: float
    size: int
    mtime_ns: int
    listening_path: Path | None = None
    waveform: np.ndarray | None = None
    sample_rate: int | None = None
    channels: int | None = None


@dataclass(frozen=True)
class MediaRow:
    """The recording of a transcript, as ``media_for`` finds it.

    ``document_id`` is the version asked about, ``attached_to`` the version the recording was
    attached to; ``path``/``listening_path`` are absolute (None when not known, e.g. a REFI-QDA
    reference that carried no file); ``play_path`` is the file to play (the listening copy when
    present); ``offset_s`` is added to transcript times to get recording times."""

    media_id: int
    document_id: int
    attached_to: int
    sha256: str | None
    path: Path | None
    listening_path: Path | None
    original_name: str
    kind: str
    container: str
    codec: str
    duration_s: float | None
    size: int | None
    offset_s: float

    @property
    def play_path(self) -> Path | None:
        if self.listening_path is not None and self.listening_path.is_file():
            return self.listening_path
        return self.path


def _absolute(db: sqlite_utils.Database, stored: str | None) -> Path | None:
    if not stored:
        return None
    p = Path(stored)
    if p.is_absolute():
        return p
    project = project_path(db)
    return (project.parent / p) if project is not None else None


def _relative(db: sqlite_utils.Database, path: Path | None) -> str | None:
    if path is None:
        return None
    project = project_path(db)
    try:
        return path.resolve().relative_to(project.parent.resolve()).as_posix()
    except (ValueError, AttributeError):
        return str(path)


def media_by_sha(db: sqlite_utils.Database, sha256: str) -> int | None:
    """Return the id of the stored recording with these bytes, or None."""
    row = db.execute("SELECT id FROM media_files WHERE sha256 = ?", [sha256]).fetchone()
    return row[0] if row else None


def is_transcript(db: sqlite_utils.Database, document_id: int) -> bool:
    """True when ``document_id`` is a stored transcript (a recording can be attached to it)."""
    row = db.execute(
        "SELECT 1 FROM transcripts WHERE document_id = ?", [int(document_id)]
    ).fetchone()
    return row is not None


@writes("documents")
def store_media(
    db: sqlite_utils.Database,
    document_id: int,
    stored: StoredMedia,
    by: str = "",
    offset_s: float = 0.0,
) -> int:
    """Record ``stored`` (already in the media folder) as the recording of transcript
    ``document_id`` in one transaction (an earlier recording of that version is replaced by the
    link, its files kept until ``remove_unused_media``); return the media id. The same bytes
    attached twice share one row."""
    waveform = (
        np.asarray(stored.waveform, dtype="<f2").tobytes() if stored.waveform is not None else None
    )
    with transaction(db):
        media_id = media_by_sha(db, stored.sha256)
        if media_id is None:
            media_id = db.execute(
                "INSERT INTO media_files (sha256, path, original_name, kind, container, codec,"
                " sample_rate, channels, duration_s, size, mtime_ns, listening_path, waveform,"
                " attached_by, attached_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    stored.sha256,
                    _relative(db, stored.path),
                    stored.original_name,
                    stored.kind,
                    stored.container,
                    stored.codec,
                    stored.sample_rate,
                    stored.channels,
                    stored.duration_s,
                    stored.size,
                    stored.mtime_ns,
                    _relative(db, stored.listening_path),
                    waveform,
                    by,
                    now_iso(),
                ],
            ).lastrowid
        _link(db, document_id, media_id, by, offset_s)
    return media_id


@writes("documents")
def link_media(
    db: sqlite_utils.Database, document_id: int, media_id: int, by: str = "", offset_s: float = 0.0
) -> None:
    """Attach the stored recording ``media_id`` to transcript ``document_id`` too (one row, no
    file copied): a transcript made from another's recording plays the same file."""
    with transaction(db):
        _link(db, document_id, media_id, by, offset_s)


def _link(db: sqlite_utils.Database, document_id: int, media_id: int, by: str, offset_s: float):
    db.execute(
        "INSERT INTO transcript_media (document_id, media_id, offset_s, attached_by, attached_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(document_id) DO UPDATE SET media_id ="
        " excluded.media_id, offset_s = excluded.offset_s, attached_by = excluded.attached_by,"
        " attached_at = excluded.attached_at",
        [int(document_id), int(media_id), float(offset_s), by, now_iso()],
    )


@writes("documents")
def note_missing_media(
    db: sqlite_utils.Database, document_id: int, original_name: str, kind: str = "audio", by=""
) -> int:
    """Record that transcript ``document_id`` has a recording called ``original_name`` that is
    not here (a REFI-QDA project that referenced it without carrying it); ``media_status``
    reports it missing. Return the media id."""
    with transaction(db):
        media_id = db.execute(
            "INSERT INTO media_files (original_name, kind, attached_by, attached_at)"
            " VALUES (?, ?, ?, ?)",
            [original_name, kind if kind in ("audio", "video") else "audio", by, now_iso()],
        ).lastrowid
        _link(db, document_id, media_id, by, 0.0)
    return media_id


_COLUMNS = (
    "m.id, t.document_id, m.sha256, m.path, m.listening_path, m.original_name, m.kind,"
    " m.container, m.codec, m.duration_s, m.size, t.offset_s"
)


def media_for(db: sqlite_utils.Database, document_id: int) -> MediaRow | None:
    """Return the recording of transcript ``document_id``: attached to it or to the nearest
    earlier version (else to any later version of the same document), or None."""
    document_id = int(document_id)
    chain = version_chain(db, document_id)
    try:
        later = version_chain(db, current_version(db, document_id))
    except NotFound:
        later = chain
    order = chain[::-1] + [d for d in later if d not in chain]
    for doc in order:
        row = db.execute(
            f"SELECT {_COLUMNS} FROM transcript_media t JOIN media_files m ON m.id = t.media_id"
            " WHERE t.document_id = ?",
            [doc],
        ).fetchone()
        if row:
            return MediaRow(
                media_id=row[0],
                document_id=document_id,
                attached_to=row[1],
                sha256=row[2],
                path=_absolute(db, row[3]),
                listening_path=_absolute(db, row[4]),
                original_name=row[5],
                kind=row[6],
                container=row[7],
                codec=row[8],
                duration_s=row[9],
                size=row[10],
                offset_s=row[11],
            )
    return None


def media_peaks(db: sqlite_utils.Database, media_id: int) -> np.ndarray:
    """Return the waveform peaks (float32, 0..1) stored for recording ``media_id`` (empty when
    none)."""
    row = db.execute("SELECT waveform FROM media_files WHERE id = ?", [int(media_id)]).fetchone()
    if row is None:
        raise NotFound(f"no recording {media_id}")
    if not row[0]:
        return np.zeros(0, dtype=np.float32)
    return np.frombuffer(row[0], dtype="<f2").astype(np.float32)


def media_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """One row per transcript version with a recording attached: document_id, title,
    media_id, original_name, kind, codec, duration_s, size, path (as stored), attached_by,
    attached_at."""
    df = pd.read_sql_query(
        "SELECT t.document_id, m.id AS media_id, m.original_name, m.kind, m.codec,"
        " m.duration_s, m.size, m.path, t.offset_s, t.attached_by, t.attached_at"
        " FROM transcript_media t JOIN media_files m ON m.id = t.media_id"
        " ORDER BY t.document_id",
        db.conn,
    )
    titles = document_titles(db, df["document_id"].tolist())
    df.insert(1, "title", [titles.get(int(d), "") for d in df["document_id"]])
    return df


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def media_status(db: sqlite_utils.Database, deep: bool = False) -> pd.DataFrame:
    """One row per stored recording: media_id, original_name, path (absolute, '' when unknown),
    status 'ok' | 'missing' | 'changed', reason. Size and modification time are compared first
    and the SHA-256 only when they differ (always with ``deep``); nothing is ever replaced."""
    rows = db.execute(
        "SELECT id, original_name, path, sha256, size, mtime_ns FROM media_files ORDER BY id"
    ).fetchall()
    out = []
    for media_id, name, stored, sha, size, mtime_ns in rows:
        path = _absolute(db, stored)
        status, reason = "ok", ""
        if path is None:
            status, reason = "missing", "the project does not carry this recording"
        elif not path.is_file():
            status, reason = "missing", f"{stored}: not found beside the project"
        else:
            st = path.stat()
            if deep or st.st_size != size or st.st_mtime_ns != mtime_ns:
                if st.st_size != size or _sha256(path) != sha:
                    status = "changed"
                    reason = f"{stored}: its bytes differ from the recording that was attached"
        out.append((media_id, name, str(path or ""), status, reason))
    return pd.DataFrame(out, columns=["media_id", "original_name", "path", "status", "reason"])


@writes("documents")
def detach_media(db: sqlite_utils.Database, document_id: int) -> int | None:
    """Remove the recording link of transcript ``document_id`` (the version it was attached to,
    found along the chain); return the media id unlinked, or None when it had none. The files go
    with ``remove_unused_media``."""
    found = media_for(db, document_id)
    if found is None:
        return None
    with transaction(db):
        db.execute("DELETE FROM transcript_media WHERE document_id = ?", [found.attached_to])
    return found.media_id


@writes("documents")
def remove_unused_media(db: sqlite_utils.Database) -> list[Path]:
    """Delete recordings no transcript links to: their rows, then their files in the media
    folder (never a file outside it); return the files removed."""
    project = project_path(db)
    folder = media_dir(project).resolve() if project is not None else None
    with transaction(db):
        rows = db.execute(
            "SELECT id, path, listening_path FROM media_files WHERE id NOT IN"
            " (SELECT media_id FROM transcript_media)"
        ).fetchall()
        db.conn.executemany("DELETE FROM media_files WHERE id = ?", [(r[0],) for r in rows])
    removed = []
    for _id, *paths in rows:
        for stored in paths:
            p = _absolute(db, stored)
            if p is None or folder is None or p.resolve().parent != folder:
                continue
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
                removed.append(p)
    return removed


def require_project_folder(db: sqlite_utils.Database) -> Path:
    """Return the project file's path; ProjectError for an in-memory project (no folder to keep
    recordings in)."""
    project = project_path(db)
    if project is None:
        raise ProjectError("an in-memory project keeps no recordings", code="io")
    return project
