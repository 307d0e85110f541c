"""The reader's page header: an OCR badge with the engine's confidence, and the page image.

``page_view`` shows, above a page of text, whether the page was read by OCR (with its mean word
confidence) or is a scan still waiting for OCR, and a toggle that puts the page's image beside
the text; it returns the container the caller writes the page's text into.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from corpus import page_image
from projectfile import NotFound


def page_view(db, document_id: int, pages: pd.DataFrame, number: int):
    """Show the OCR badge and the image toggle of page ``number``; return where the text goes."""
    if pages.empty or "source" not in pages:
        return st.container()
    row = pages[pages.number == number]
    if row.empty:
        return st.container()
    row = row.iloc[0]
    badge, toggle = st.columns([3, 1])
    with badge:
        if row.source == "ocr":
            confidence = row.ocr_confidence
            note = (
                f"read by OCR, mean word confidence {confidence:.0f}%"
                if pd.notna(confidence)
                else "read by OCR, no words found"
            )
            st.badge("OCR", icon=":material/document_scanner:", color="blue")
            st.caption(f"Page {number}: {note}. Check quotes against the page image.")
        elif row.source == "ocr_needed":
            st.badge("Scanned, not read", icon=":material/warning:", color="orange")
            st.caption(
                f"Page {number} has no text layer: install tesseract-ocr to read scanned pages,"
                " then ingest the file again."
            )
    show = toggle.toggle("Page image", key=f"page_image_{document_id}", help="the page as printed")
    if not show:
        return st.container()
    picture, words = st.columns(2)
    try:
        picture.image(page_image(db, document_id, number), width="stretch")
    except NotFound as exc:
        picture.info(str(exc))
    return words
