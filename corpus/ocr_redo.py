"""Re-ingesting a file whose scanned pages waited for OCR: read them now, as a new version.

A file ingested without OCR (tesseract missing, OCR turned off, a page over its time limit) keeps
those pages flagged ``ocr_needed``.  Ingesting the same file again once OCR can run parses it
again, which reads only the pages without a text layer (the flagged ones; the text pages come
out as before), and stores the result as the document's next version: codings follow it
through ``corpus.text_mapping`` like any re-ingested file.  The new version's ``sha256`` is
derived from the file's (kept in ``metadata["file_sha256"]``), since the bytes are the same.
"""

from __future__ import annotations

import sqlite_utils

from .model import Document, sha256_bytes
from .pdf import OcrUnavailable, check_languages
from .store import ocr_pending_hashes


def pending_ocr(db: sqlite_utils.Database, languages: str | None) -> set[str]:
    """Return the file hashes whose current document has pages waiting for OCR, when OCR in
    ``languages`` can run here (else an empty set)."""
    if not languages:
        return set()
    pending = ocr_pending_hashes(db)
    if not pending:
        return set()
    try:
        check_languages(languages)
    except (OcrUnavailable, ValueError):
        return set()
    return pending


def as_ocr_version(doc: Document, languages: str) -> Document:
    """Mark ``doc`` (the re-read of a file already stored) as its OCR version; return it."""
    doc.metadata["file_sha256"] = doc.sha256
    doc.sha256 = sha256_bytes(f"ocr {languages} of {doc.sha256}".encode())
    read = [p.number for p in doc.pages if p.source == "ocr"]
    doc.warnings.append(
        f"scanned pages read by OCR on re-ingest: {', '.join(map(str, read)) or 'none'}"
    )
    return doc
