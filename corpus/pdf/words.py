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
    """Return words (text, x0, x1, top, bottom, size): lines by ``top``, split at gaps, spaces.

    A footnote marker (digits or * † ‡ § set smaller and raised after a word) becomes a word of
    its own in brackets, "Reports [1] from", never glued to the word ("Reports1") nor passing
    for a number ("Reports 1").  A change of size alone (small capitals, a drop capital) does
    not split a word.
    """
    words: list[dict] = []
    line: list[tuple] = []
    line_top = None

    def flush_line() -> None:
        current: list[tuple] = []
        ordered = sorted(line, key=lambda c: c[1])
        near = _nearest_letters(ordered)
        sup = False  # ``current`` is a footnote marker
        for c, ref in zip(ordered, near):
            if c[0].isspace():
                _emit(words, current, sup)
                current, sup = [], False
                continue
            marker = (
                ref is not None
                and c[0] in _MARKS
                and c[5] < 0.8 * ref[5]
                and c[4] < ref[4] - 0.2 * ref[5]
            )
            if current and (c[1] - current[-1][2] > X_TOLERANCE or marker != sup):
                _emit(words, current, sup)
                current = []
            sup = marker
            current.append(c)
        _emit(words, current, sup)

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


_MARKS = frozenset("0123456789*†‡§")


def _nearest_letters(chars: list[tuple]) -> list[tuple | None]:
    """Return, for each character of a line (left to right), the nearest letter within two
    of its sizes (the text a footnote marker is measured against), or None."""
    left: list[tuple | None] = []
    last = None
    for c in chars:
        left.append(last)
        if c[0].isalpha():
            last = c
    out: list[tuple | None] = [None] * len(chars)
    nxt = None
    for i in range(len(chars) - 1, -1, -1):
        c = chars[i]
        best, gap = None, 2 * c[5]
        for cand, dist in ((left[i], c[1] - (left[i] or c)[2]), (nxt, (nxt or c)[1] - c[2])):
            if cand is not None and dist < gap:
                best, gap = cand, dist
        out[i] = best
        if c[0].isalpha():
            nxt = c
    return out


def _emit(words: list[dict], chars: list[tuple], marker: bool = False) -> None:
    if chars:
        text = "".join(c[0] for c in chars)
        words.append(
            {
                "text": f"[{text}]" if marker else text,
                "x0": chars[0][1],
                "x1": max(c[2] for c in chars),
                "top": min(c[3] for c in chars),
                "bottom": max(c[4] for c in chars),
                "size": chars[0][5],
            }
        )
