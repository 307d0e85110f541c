"""OCR facts above the text a person reads: a badge with the engine's confidence, and the page
image.

``ocr_notes`` says which pages of a stretch of text were read by OCR (with their mean word
confidence) and which are scans still waiting for OCR; ``ocr_badges`` shows them (the Code page's
reader uses it for its window). ``page_view`` shows them above one page of the Corpus page's
reader with a toggle that puts the page's image beside the text; it returns the container the
caller writes the page's text into.
"""

from __future__ import annotations

from itertools import groupby

import pandas as pd
import streamlit as st

from corpus import page_image
from projectfile import NotFound


def pages_in_words(numbers) -> str:
    """Return 'Page 3', 'Pages 3-4' or 'Pages 2, 5-7' for page numbers."""
    nums = sorted({int(n) for n in numbers})
    runs = [[n for _, n in run] for _, run in groupby(enumerate(nums), key=lambda t: t[1] - t[0])]
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs]
    return ("Page " if len(nums) == 1 else "Pages ") + ", ".join(parts)


def ocr_notes(
    pages: pd.DataFrame, start: int, end: int, image: str = "the page image"
) -> list[tuple[str, str]]:
    """Return ``(source, sentence)`` for the pages of ``[start, end)`` read by OCR ('ocr') and
    those scanned but not read yet ('ocr_needed'); empty when every page has a text layer.
    ``image`` says where the page image is."""
    if pages.empty or "source" not in pages:
        return []
    cs, ce = pages["char_start"], pages["char_end"]
    inside = pages[((cs < end) & (ce > start)) | ((cs == ce) & (cs >= start) & (cs <= end))]
    notes = []
    read = inside[inside["source"] == "ocr"]
    if not read.empty:
        confidence = pd.to_numeric(read["ocr_confidence"], errors="coerce").mean()
        how = (
            f"mean word confidence {confidence:.0f}%" if pd.notna(confidence) else "no words found"
        )
        notes.append(
            (
                "ocr",
                f"{pages_in_words(read['number'])} read by OCR, {how}. "
                f"Check quotes against {image}.",
            )
        )
    waiting = inside[inside["source"] == "ocr_needed"]
    if not waiting.empty:
        notes.append(
            (
                "ocr_needed",
                f"{pages_in_words(waiting['number'])}: scanned, no text layer. Install "
                "tesseract-ocr to read scanned pages, then ingest the file again.",
            )
        )
    return notes


def ocr_badges(pages: pd.DataFrame, start: int, end: int, **kw) -> None:
    """Show a badge and a caption for the pages of ``[start, end)`` read by or waiting for OCR."""
    for source, sentence in ocr_notes(pages, start, end, **kw):
        if source == "ocr":
            st.badge("OCR", icon=":material/document_scanner:", color="blue")
        else:
            st.badge("Scanned, not read", icon=":material/warning:", color="orange")
        st.caption(sentence)


def page_view(db, document_id: int, pages: pd.DataFrame, number: int):
    """Show the OCR badge and the image toggle of page ``number``; return where the text goes."""
    if pages.empty or "source" not in pages:
        return st.container()
    row = pages[pages.number == number]
    if row.empty:
        return st.container()
    badge, toggle = st.columns([3, 1])
    with badge:
        ocr_badges(row, int(row.iloc[0].char_start), int(row.iloc[0].char_end))
    show = toggle.toggle("Page image", key=f"page_image_{document_id}", help="the page as printed")
    if not show:
        return st.container()
    picture, words = st.columns(2)
    try:
        picture.image(page_image(db, document_id, number), width="stretch")
    except NotFound as exc:
        picture.info(str(exc))
    return words
