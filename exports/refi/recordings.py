"""After a REFI-QDA import: attach each imported transcript's recording, found in the archive
(``internal://``) or beside the ``.qdpx`` (``relative://`` under the file's folder or its
``basePath`` when that is relative), through ``interviews.attach_media_file`` (probed, checked,
copied beside the project).

This runs once the import has committed and the project file is in place, because recordings are
kept in a folder named after the project file. A recording that is not there, or cannot be
attached (not a recording, over a limit, no ffmpeg), is recorded as missing and reported; the
transcript and its codings stay imported either way. Absolute paths and paths leaving the
``.qdpx``'s folder are never followed: a file from elsewhere names what it holds, it does not pick
files from this computer.
"""

from __future__ import annotations

import contextlib
import posixpath
from collections.abc import Iterator
from pathlib import Path

from interviews import attach_media_file, media_for, note_missing_media
from projectfile import QdaError, open_project, private_tempdir

from .model import RefiMedia, RefiProject
from .safezip import SafeZip

IMPORT_BY = "imported"


def _beside(media: RefiMedia, qdpx: Path, base: str) -> Path | None:
    """Return the referenced file when it is inside the .qdpx's folder, else None."""
    path = media.path
    if not path.lower().startswith("relative://"):
        return None
    rel = posixpath.normpath(
        posixpath.join(base.replace("\\", "/"), path[len("relative://") :].replace("\\", "/"))
    ).lstrip("/")
    if rel.startswith("..") or base.startswith(("/", "\\")) or ":" in base:
        return None
    found = qdpx.parent / rel
    return found if found.is_file() else None


@contextlib.contextmanager
def _located(media: RefiMedia, qdpx: Path, base: str) -> Iterator[Path | None]:
    """Yield the recording's file (copied out of the archive into a private folder), or None."""
    if media.entry is None:
        yield _beside(media, qdpx, base)
        return
    with private_tempdir("refi-media") as folder, SafeZip(qdpx) as archive:
        dest = folder / f"recording{Path(media.entry).suffix.lower()}"
        yield archive.extract(media.entry, dest)


def attach_recordings(
    project: RefiProject,
    qdpx: str | Path,
    project_path: str | Path,
    document_ids: dict[str, int],
) -> tuple[int, list[str]]:
    """Attach the recordings of the imported transcripts; return (attached, report lines)."""
    wanted = [
        (src, document_ids[src.guid])
        for src in project.sources
        if src.media is not None and src.guid in document_ids
    ]
    if not wanted:
        return 0, []
    attached, lines = 0, []
    db = open_project(project_path)
    try:
        for src, doc_id in wanted:
            media = src.media
            if media_for(db, doc_id) is not None:  # already here (the transcript was)
                continue
            what = f"{media.kind} '{media.name}' of '{src.name}'"
            try:
                with _located(media, Path(qdpx), project.base_path) as file:
                    if file is not None:
                        attach_media_file(db, doc_id, file, by=IMPORT_BY, original_name=media.name)
                        attached += 1
                        continue
                reason = (
                    f"not in the archive and not found beside it ({media.path or 'no path'})"
                    if not media.path.lower().startswith("internal://")
                    else f"its file {media.path} is missing from the archive"
                )
            except QdaError as exc:
                reason = f"not attached ({exc})"
            note_missing_media(db, doc_id, media.name, media.kind, by=IMPORT_BY)
            lines.append(
                f"{what}: {reason}; recorded as missing (attach it with"
                f" `interviews media attach {doc_id} FILE`)"
            )
    finally:
        db.conn.close()
    return attached, lines
