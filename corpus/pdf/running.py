"""Running headers, footers and page numbers, kept out of a PDF's text.

A line among the first or last lines of a page, in the page's top or bottom band, that recurs
(its letters case-folded, digits ignored) on most pages is a running header or footer; a bare
page number there (``Page 3 of 12``, ``- 4 -``) goes too. ``_remove_running_lines`` drops both
from the pages' lines and returns what it dropped, with page numbers, for ``Document.removed``.
"""

from __future__ import annotations

import re
from collections import Counter

from .layout import EDGE_BAND, Line

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:page|p[aá]gina|p\.|pág\.)?\s*\d{1,5}\s*(?:(?:of|de|/)\s*\d{1,4})?\s*(?:[-–—])?\s*$",
    re.IGNORECASE,
)


def _norm_running(text: str) -> str:
    """Return the letters of a line, case-folded: what a running header keeps from page to page
    (numbers change; OCR reads the spacing around punctuation its own way)."""
    return "".join(ch for ch in text.casefold() if ch.isalpha())


def _in_band(line: Line, height: float | None) -> bool:
    return height is None or line.top < height * EDGE_BAND or line.bottom > height * (1 - EDGE_BAND)


def _remove_running_lines(
    page_lines: list[list[Line]], heights: list[float] | None = None
) -> list[tuple[int, str]]:
    """Drop running headers/footers and page numbers in place; return (page, text) of each.

    A running line is among the first or last three lines of a page, lies in the page's top or
    bottom band, has at least three letters, and recurs (digits ignored) on 40% of pages (min 3).
    """
    n = len(page_lines)
    edge = 3
    heights = heights if heights and len(heights) == n else [None] * n
    counts: Counter[str] = Counter()
    for lines, height in zip(page_lines, heights):
        seen = {
            _norm_running(line.text)
            for line in lines[:edge] + lines[-edge:]
            if _in_band(line, height)
        }
        counts.update(seen)
    threshold = max(3, int(n * 0.4 + 0.5)) if n >= 3 else n + 1
    running = {
        t for t, c in counts.items() if c >= threshold and sum(ch.isalpha() for ch in t) >= 3
    }
    removed: list[tuple[int, str]] = []
    for number, (lines, height) in enumerate(zip(page_lines, heights), start=1):
        keep = []
        k = len(lines)
        for idx, line in enumerate(lines):
            at_edge = (idx < edge or idx >= k - edge) and _in_band(line, height)
            if at_edge and (_norm_running(line.text) in running or _PAGE_NUMBER.match(line.text)):
                removed.append((number, line.text))
                continue
            keep.append(line)
        lines[:] = keep
    return removed
