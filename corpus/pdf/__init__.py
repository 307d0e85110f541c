"""PDF text: characters and words from pdfium or pdfminer (``words``), lines in reading order
(``layout``), the document with headers, footers and page numbers kept out (``document``), and
OCR of pages without a usable text layer (``ocr``).

A pure parser (a path in, a ``Document`` out, no database), run in the ingest workers; what the
rest of ``corpus`` uses. Other packages reach these through ``corpus``'s front door.
"""

from .document import pdf_to_document
from .ocr import OcrUnavailable, check_languages, tesseract_languages

__all__ = ["OcrUnavailable", "check_languages", "pdf_to_document", "tesseract_languages"]
