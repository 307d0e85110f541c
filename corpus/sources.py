"""Source files kept beside the project: PDFs uploaded in the browser, so their page images can
still be shown after the temporary upload folder is gone.

A kept file sits in ``<project>.sources/`` (folder mode 0700, file mode 0600), named by the
SHA-256 of its bytes, and the document records it by a path relative to the project's folder
(``my.qda.sqlite.sources/<sha256>.pdf``), so a project moved with its folder still finds it.
Files ingested from the command line keep pointing at their own place. A de-identified copy for
sharing carries no source paths at all (``forget_source_paths``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import sqlite_utils

from projectfile import ProjectError, project_path, transaction, writes

from .model import sha256_file

SOURCES_SUFFIX = ".sources"
KEPT_TYPES = {"pdf"}  # only PDFs have page images; other uploads are not kept


def sources_dir(project: str | os.PathLike) -> Path:
    """Return the private folder beside the project file that holds its kept source files."""
    project = Path(project)
    return project.with_name(project.name + SOURCES_SUFFIX)


@writes("documents")
def keep_source(db: sqlite_utils.Database, document_id: int, upload: str | os.PathLike) -> Path:
    """Copy the uploaded file ``upload`` into the project's sources folder and make document
    ``document_id`` point to the copy; return the kept file's path."""
    project = project_path(db)
    if project is None:
        raise ProjectError("an in-memory project keeps no source files", code="io")
    upload = Path(upload)
    folder = sources_dir(project)
    kept = folder / f"{sha256_file(str(upload))}{upload.suffix.lower()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is cut by the umask; the folder is private
        if not kept.is_file():
            partial = kept.with_name(kept.name + ".partial")
            shutil.copyfile(upload, partial)
            os.chmod(partial, 0o600)
            os.replace(partial, kept)
    except OSError as exc:
        raise ProjectError(
            f"{folder}: cannot keep the uploaded file ({exc.strerror or exc})", code="io"
        ) from exc
    relative = kept.relative_to(project.parent).as_posix()
    with transaction(db):
        db.execute("UPDATE documents SET source_path = ? WHERE id = ?", [relative, document_id])
    return kept


def source_file(db: sqlite_utils.Database, stored: str | None) -> Path | None:
    """Return the file a document's stored ``source_path`` names (a relative path is read from
    the project's folder), or None when it records none."""
    if not stored:
        return None
    path = Path(stored)
    if path.is_absolute():
        return path
    project = project_path(db)
    return (project.parent / path) if project is not None else None


def keep_uploaded_sources(
    db: sqlite_utils.Database, uploads: list[str | os.PathLike], folder: str | os.PathLike
) -> list[Path]:
    """Keep each uploaded PDF for the documents made from its bytes whose source file is in the
    temporary upload ``folder`` or gone (a new upload, or one uploaded again); return kept paths."""
    folder = Path(folder).resolve()
    kept = []
    for upload in map(Path, uploads):
        if upload.suffix.lower().lstrip(".") not in KEPT_TYPES or not upload.is_file():
            continue
        digest = sha256_file(str(upload))
        rows = db.execute(
            "SELECT id, source_path FROM documents WHERE file_type IN ('pdf')"
            " AND COALESCE(json_extract(metadata, '$.file_sha256'), sha256) = ?",
            [digest],
        ).fetchall()
        for doc_id, stored in rows:
            found = source_file(db, stored)
            if found is None or not found.is_file() or folder in found.resolve().parents:
                kept.append(keep_source(db, doc_id, upload))
    return kept


@writes("documents")
def forget_source_paths(db: sqlite_utils.Database) -> int:
    """Remove every document's source path (for a copy that must not point at the originals);
    return how many documents had one."""
    with transaction(db):
        cur = db.execute(
            "UPDATE documents SET source_path = NULL, metadata = json_remove(metadata,"
            " '$.source_path') WHERE source_path IS NOT NULL"
            " OR json_extract(metadata, '$.source_path') IS NOT NULL"
        )
    return cur.rowcount
