"""Characters and words of a PDF page, read from pdfminer's layout objects."""

from __future__ import annotations

_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"}
X_TOLERANCE = Y_TOLERANCE = 3


def layout_chars(page) -> list[tuple]:
    """Return (text, x0, x1, top, bottom, size, upright) of every character of a pdfplumber page.

    Read from pdfminer's layout objects directly: pdfplumber's own per-character dictionaries
    (colours, matrices, resolved names) cost as much as interpreting the page and are not needed.
    """
    from pdfminer.layout import LTChar, LTContainer

    layout = page.layout
    left, top_edge = layout.x0, layout.y1
    out: list[tuple] = []
    stack = [layout]
    while stack:
        for obj in stack.pop():
            if isinstance(obj, LTChar):
                text = obj.get_text()
                out.append(
                    (
                        _LIGATURES.get(text, text),
                        obj.x0 - left,
                        obj.x1 - left,
                        top_edge - obj.y1,
                        top_edge - obj.y0,
                        obj.size,
                        obj.upright,
                    )
                )
            elif isinstance(obj, LTContainer):
                stack.append(obj)
    return out


def chars_to_words(chars: list[tuple]) -> list[dict]:
    """Return words (text, x0, x1, top, bottom, size): lines by ``top``, split at gaps, spaces."""
    words: list[dict] = []
    line: list[tuple] = []
    line_top = None

    def flush_line() -> None:
        current: list[tuple] = []
        for c in sorted(line, key=lambda c: c[1]):
            if c[0].isspace():
                _emit(words, current)
                current = []
                continue
            if current and (
                c[1] - current[-1][2] > X_TOLERANCE or abs(c[5] - current[-1][5]) > 0.5
            ):
                _emit(words, current)
                current = []
            current.append(c)
        _emit(words, current)

    for c in sorted(chars, key=lambda c: c[3]):
        if line_top is not None and c[3] - line_top > Y_TOLERANCE:
            flush_line()
            line = []
        if not line:
            line_top = c[3]
        line.append(c)
    if line:
        flush_line()
    return words


def _emit(words: list[dict], chars: list[tuple]) -> None:
    if chars:
        words.append(
            {
                "text": "".join(c[0] for c in chars),
                "x0": chars[0][1],
                "x1": max(c[2] for c in chars),
                "top": min(c[3] for c in chars),
                "bottom": max(c[4] for c in chars),
                "size": chars[0][5],
            }
        )
