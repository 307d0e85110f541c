"""Attach a recording to a transcript: check, copy, listening copy and peaks, then one row.

The order keeps a failure from leaving anything half-stored: the file is probed and checked
(not media, no sound, truncated, over a limit) before a byte is copied; it is copied under a
hidden ``.partial`` name while being hashed, the listening copy and the peaks are made from it,
and only then are both renamed to their SHA-256 names and the row written in one transaction.
The partial files are named in a run record for as long as the attach runs, so a killed attach
leaves nothing that ``clean_leftovers`` does not remove at the next start; a failure removes them
at once. The same bytes attached again reuse the stored copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from pathlib import Path

import sqlite_utils

from corpus import get_document
from projectfile import Progress, ProjectError, run_record

from .media import (
    MediaRow,
    StoredMedia,
    is_transcript,
    media_by_sha,
    media_dir,
    media_for,
    require_project_folder,
    store_media,
)
from .media_tools import MediaError, check_media, listening_copy, probe, require_tools

COPY_BLOCK = 4 << 20


def attach_media_file(
    db: sqlite_utils.Database,
    document_id: int,
    path: str | os.PathLike,
    by: str = "",
    progress: Progress | None = None,
    offset_s: float = 0.0,
    original_name: str | None = None,
) -> MediaRow:
    """Attach the recording at ``path`` to transcript ``document_id``; return its MediaRow.

    MediaToolsMissing without ffmpeg, MediaError (LimitExceeded for a limit) for a file that is
    not a recording, has no sound, is truncated or too long or large, NotFound for a document
    that is not a transcript; in every such case nothing is stored and no file is left.
    ``original_name`` is the name to show (an upload's name rather than its temporary path).
    """
    src = Path(path)
    name = original_name or src.name
    get_document(db, int(document_id))  # NotFound for no such document
    if not is_transcript(db, document_id):
        raise MediaError(
            f"document {document_id} is not an interview transcript; a recording belongs to a"
            " transcript (import it with `interviews import` first)"
        )
    require_tools("attach a recording")
    project = require_project_folder(db)
    info = probe(src)
    check_media(info, src)
    folder = media_dir(project)
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is cut by the umask
    except OSError as exc:
        raise ProjectError(
            f"{folder}: cannot make the folder for recordings ({exc.strerror or exc})", code="io"
        ) from exc
    tag = uuid.uuid4().hex[:12]
    partial = folder / f".{tag}.partial"
    listen_partial = folder / f".{tag}.listen.partial"
    suffix = src.suffix.lower() if src.suffix else ".media"
    with run_record("recording attach", [partial, listen_partial]) as record:
        kept: list[Path] = []
        try:
            sha, size = _copy_hashing(src, partial, info.size, name, progress)
            final = folder / f"{sha}{suffix}"
            listen = folder / f"{sha}.listen.m4a"
            if media_by_sha(db, sha) is not None and final.is_file():
                partial.unlink(missing_ok=True)
                store_media(db, document_id, _existing(sha, final), by, offset_s)
                found = media_for(db, document_id)
                assert found is not None
                return found
            made = listening_copy(partial, listen_partial, info.duration_s, progress)
            os.chmod(listen_partial, 0o600)
            record.add(final, listen)  # a kill from here on removes the renamed files too
            for a, b in ((partial, final), (listen_partial, listen)):
                os.replace(a, b)
                kept.append(b)
            stored = StoredMedia(
                sha256=sha,
                path=final,
                original_name=name,
                kind=info.kind,
                container=info.container,
                codec=info.codec,
                duration_s=float(info.duration_s or made.decoded_s),
                size=size,
                mtime_ns=final.stat().st_mtime_ns,
                listening_path=listen,
                waveform=made.peaks,
                sample_rate=info.sample_rate,
                channels=info.channels,
            )
            store_media(db, document_id, stored, by, offset_s)
            record.paths.clear()
            record.add()  # stored: a kill now must not remove the files
        except BaseException:
            for p in (partial, listen_partial, *kept):
                with contextlib.suppress(OSError):
                    p.unlink()
            raise
    found = media_for(db, document_id)
    assert found is not None
    return found


def _existing(sha: str, final: Path) -> StoredMedia:
    # the row exists (same bytes): store_media only links it, the other fields are not read
    return StoredMedia(sha, final, final.name, "audio", "", "", 0.0, 0, 0)


def _copy_hashing(
    src: Path, dest: Path, size: int, name: str, progress: Progress | None
) -> tuple[str, int]:
    """Copy ``src`` to ``dest`` (0600) while hashing; return (SHA-256, bytes copied)."""
    h = hashlib.sha256()
    copied = 0
    try:
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(src, "rb") as fin, os.fdopen(fd, "wb") as fout:
            while block := fin.read(COPY_BLOCK):
                h.update(block)
                fout.write(block)
                copied += len(block)
                if progress:
                    progress(copied, max(size, copied), f"{name}: copying")
            fout.flush()
            os.fsync(fout.fileno())
    except OSError as exc:
        raise MediaError(f"{name}: cannot copy the recording ({exc.strerror or exc})") from exc
    return h.hexdigest(), copied
