"""Characters and words of a PDF page: from pdfium's text page (fast), or pdfminer's layout.

Both give the same character tuples (text, x0, x1, top, bottom, size, upright) in points from
the page's top left: pdfium's "loose" character boxes are the font's ascent-to-descent box, as
pdfminer's are, and characters pdfium generates itself (spaces, line ends) are left out, as
pdfminer has none.
"""

from __future__ import annotations

_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"}
X_TOLERANCE = Y_TOLERANCE = 3
# pdfium's codes: a hyphen at a line end (0x02; U+FFFE in FPDFText_GetText), no Unicode (0)
_PDFIUM_SPECIAL = {"\x02": "-", "\ufffe": "-", "\x00": "\ufffd"}


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


def pdfium_chars(page) -> list[tuple]:
    """Return (text, x0, x1, top, bottom, size, upright) of every character of a pdfium page."""
    import ctypes

    import pypdfium2.raw as c

    textpage = page.get_textpage()
    try:
        n = c.FPDFText_CountChars(textpage)
        if n <= 0:
            return []
        buf = ctypes.create_string_buffer((n + 1) * 2)
        c.FPDFText_GetText(textpage, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
        units = buf.raw[: n * 2].decode("utf-16-le", "surrogatepass")
        left, _bottom, _right, top_edge = page.get_bbox()
        rect, m = c.FS_RECTF(), c.FS_MATRIX()
        box, matrix = c.FPDFText_GetLooseCharBox, c.FPDFText_GetMatrix
        generated = c.FPDFText_IsGenerated
        out: list[tuple] = []
        pending = ""
        space = False  # pdfium generated a space here: kept only where there is a gap
        for i, text in enumerate(units):
            if "\ud800" <= text <= "\udbff":  # high surrogate: the next unit completes it
                pending = text
                continue
            if pending:
                text = (pending + text).encode("utf-16-le", "surrogatepass").decode("utf-16-le")
                pending = ""
            if text in "\r\n":
                continue
            if text == " " and generated(textpage, i):
                space = True
                continue
            text = _PDFIUM_SPECIAL.get(text, text)
            box(textpage, i, rect)
            matrix(textpage, i, m)
            ch = (
                _LIGATURES.get(text, text),
                rect.left - left,
                rect.right - left,
                top_edge - rect.top,
                top_edge - rect.bottom,
                rect.top - rect.bottom,
                m.a * m.d > 0 and m.b * m.c <= 0,
            )
            if space and out:
                prev = out[-1]
                if abs(prev[4] - ch[4]) < 0.5 and ch[1] - prev[2] > 0.15 * ch[5]:
                    out.append((" ", prev[2], ch[1], prev[3], prev[4], prev[5], prev[6]))
            space = False
            out.append(ch)
        return _even_runs(out)
    finally:
        textpage.close()


def _even_runs(chars: list[tuple]) -> list[tuple]:
    """Give each run of characters on one baseline (in content order) the run's top and size.

    pdfium's loose boxes follow each glyph's own height a little (an ``O`` stands taller than
    a ``D``); pdfminer gives a run one box height.  Even tops keep a line in one piece.
    """
    out: list[tuple] = []
    run: list[tuple] = []

    def flush() -> None:
        if run:
            top = min(c[3] for c in run)
            out.extend((c[0], c[1], c[2], top, c[4], c[4] - top, c[6]) for c in run)
            run.clear()

    for ch in chars:
        if run and (abs(ch[4] - run[-1][4]) > 0.3 or abs(ch[5] - run[-1][5]) > 1.0):
            flush()
        run.append(ch)
    flush()
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
