"""Paging of long documents for the reader: windows by page, by N segments (paragraphs or turns)
or by characters."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Window:
    """One screenful of a document: ``[start, end)`` in code points and a label such as 'Page 3'."""

    start: int
    end: int
    label: str


def document_windows(
    text_len: int,
    pages: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None,
    per_window: int = 30,
    max_chars: int = 20000,
    text: str | None = None,
) -> list[Window]:
    """Return the windows covering ``[0, text_len)``.

    One per page when the document has several pages, else ``per_window`` segments at a time (cut
    at the start of the line a segment starts in, when ``text`` is given, so a transcript turn's
    speaker label opens the window of its turn), else chunks of about ``max_chars`` cut at line
    ends.
    """
    if text_len <= 0:
        return [Window(0, 0, "Whole document")]
    if pages is not None and len(pages) > 1:
        out, pos = [], 0
        rows = pages.sort_values("number")
        last = len(rows) - 1
        for i, (number, _s, e) in enumerate(
            rows[["number", "char_start", "char_end"]].itertuples(index=False)
        ):
            end = text_len if i == last else max(pos, min(int(e), text_len))
            if end > pos or i == last:
                out.append(Window(pos, end, f"Page {int(number)}"))
                pos = end
        return [w for w in out if w.end > w.start] or [Window(0, text_len, "Whole document")]
    if segments is not None and len(segments) > per_window:
        segs = segments.sort_values("char_start")
        starts = [int(s) for s in segs["char_start"]]
        kind = "turns" if (segs["kind"] == "turn").mean() > 0.5 else "paragraphs"
        out, first = [], 0
        for i in range(0, len(starts), per_window):
            cut = starts[i + per_window] if i + per_window < len(starts) else text_len
            if text is not None and cut < text_len:  # a turn's label goes with its turn
                before = max(first, starts[i + per_window - 1])  # not past the segment before
                cut = text.rfind("\n", before, cut) + 1 or cut
            cut = max(cut, first)
            n_to = min(i + per_window, len(starts))
            out.append(Window(first if i else 0, cut, f"{kind.capitalize()} {i + 1}–{n_to}"))
            first = cut
        return [w for w in out if w.end > w.start]
    if text_len <= max_chars:
        return [Window(0, text_len, "Whole document")]
    out, pos, n = [], 0, 1
    while pos < text_len:
        end = min(pos + max_chars, text_len)
        if text is not None and end < text_len:
            nl = text.rfind("\n", pos + max_chars // 2, end)
            if nl > pos:
                end = nl + 1
        out.append(Window(pos, end, f"Part {n}"))
        pos, n = end, n + 1
    return out


def window_index(windows: list[Window], offset: int) -> int:
    """Return the index of the window holding character ``offset`` (the last one past the end)."""
    for i, w in enumerate(windows):
        if w.start <= offset < w.end:
            return i
    return len(windows) - 1 if windows and offset >= windows[-1].end else 0
