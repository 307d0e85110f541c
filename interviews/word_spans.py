"""Where timed words sit in a turn's text: the character ranges that ``word_times`` stores."""

from __future__ import annotations

from collections.abc import Iterable


def locate_words(
    text: str, words: Iterable[tuple[str, float | None, float | None]]
) -> list[tuple[int, int, float, float | None]]:
    """Return ``(char_start, char_end, t_start, t_end)`` in ``text`` of each timed word, found in
    order from where the word before ended; a word without a start time, or not found in the
    text (a tool that wrote other words than its text), is left out."""
    out: list[tuple[int, int, float, float | None]] = []
    pos = 0
    for word, start, end in words:
        w = (word or "").strip()
        if not w or start is None:
            continue
        at = text.find(w, pos)
        if at < 0:
            continue
        pos = at + len(w)
        if end is not None and end < start:
            end = None
        out.append((at, pos, float(start), None if end is None else float(end)))
    return out
