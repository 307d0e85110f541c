"""PDF text: characters and words from pdfium or pdfminer (``words``), lines in reading order
(``layout``), lines into paragraphs with line ends joined (``paragraphs``) that run on across
columns and pages (``flow``), running headers, footers and page numbers kept out (``running``),
title, author and date from the information dictionary (``metadata``), the document assembled
(``document``), and OCR of pages without a usable text layer (``ocr``).

A pure parser (a path in, a ``Document`` out, no database), run in the ingest workers; what the
rest of ``corpus`` uses. Other packages reach these through ``corpus``'s front door.
"""

from .document import pdf_to_document
from .ocr import OcrUnavailable, check_languages, tesseract_languages

__all__ = ["OcrUnavailable", "check_languages", "pdf_to_document", "tesseract_languages"]
