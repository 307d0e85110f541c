"""The image of a PDF page, rendered from the document's source file (to check OCR by eye)."""

from __future__ import annotations

import functools
import os

import sqlite_utils

from projectfile import NotFound

from .model import sha256_file
from .sources import source_file
from .store import get_document

PAGE_IMAGE_DPI = 110


@functools.lru_cache(maxsize=64)
def _file_hash(path: str, mtime_ns: int, size: int) -> str:
    return sha256_file(path)


def page_image(
    db: sqlite_utils.Database,
    document_id: int,
    number: int,
    dpi: int = PAGE_IMAGE_DPI,
    password: str | None = None,
):
    """Return page ``number`` (1-based) of a PDF document as a PIL image, rendered from its
    source file; NotFound when that file is gone or no longer the one ingested."""
    import pypdfium2

    doc = get_document(db, document_id)
    if doc["file_type"] != "pdf":
        raise NotFound(f"{doc['source_name']} is not a PDF: it has no page images")
    stored = doc.get("source_path") or doc["metadata"].get("source_path")
    found = source_file(db, stored)
    if found is None or not found.is_file():
        raise NotFound(
            f"the source file of {doc['source_name']} is not at {found or '(unknown)'} any more:"
            " upload it again (or ingest it from the command line) to see its page images"
        )
    path = str(found)
    st = os.stat(path)
    wanted = doc["metadata"].get("file_sha256") or doc["sha256"]
    if _file_hash(path, st.st_mtime_ns, st.st_size) != wanted:
        raise NotFound(f"{path} has changed since {doc['source_name']} was ingested")
    try:
        pdf = pypdfium2.PdfDocument(path, password=password or None)
    except pypdfium2.PdfiumError as exc:
        raise NotFound(f"{doc['source_name']}: the page cannot be shown ({exc})") from exc
    try:
        if not 1 <= number <= len(pdf):
            raise NotFound(f"{doc['source_name']} has no page {number}")
        page = pdf[number - 1]
        try:
            return page.render(scale=dpi / 72).to_pil()
        finally:
            page.close()
    finally:
        pdf.close()
