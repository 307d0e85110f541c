"""How paragraphs flow across columns and pages of a PDF, and how long one may be.

A sentence that runs from the foot of one column to the top of the next (or onto the next page)
stays one paragraph, also past footnotes, a masthead or a centred title between the two parts:
``runs_on`` says when the next line continues the previous one. A paragraph
longer than ``MAX_PARAGRAPH`` characters (a page read without its paragraph breaks) is split at
the sentence boundary nearest its middle, so no quote at paragraph level is pages long.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from ..model import trim_span
from ..sentences import ends_sentence, sentence_spans
from .layout import Line

FLOW_VERSION = 2  # metadata["pdf_layout"]: 2 = paragraphs run on across columns and pages
MAX_PARAGRAPH = 3000
WRAPPED_SHARE = 0.85  # a line this share of its column's width was wrapped, not ended
# a sentence runs on in the same font size: to within this many points in a text layer (a
# masthead set a point smaller is no continuation), within OCR's estimate from line heights
SAME_SIZE, SAME_SIZE_OCR = 0.75, 1.5
CENTRED = 0.1  # a block whose side margins differ by less than this share of the column
_OPENERS = ("•", "■", "▪", "–", "—", "-", "*", "(", "[", "§")


def column_width(lines: list[Line]) -> float:
    """Return the typical width of a page's lines (its body column), 0 when it has none."""
    widths = [line.x1 - line.x0 for line in lines if line.x1 > line.x0]
    return statistics.median(widths) if widths else 0.0


def runs_on(prev: Line, line: Line, column: float) -> bool:
    """Whether ``line`` (at the top of a column or page) continues the sentence of ``prev`` (the
    last line before it): ``prev`` ends no sentence, the font size stays, and ``line`` starts in
    lower case or ``prev`` was wrapped at its column's width and ``line`` starts no list item,
    heading number or footnote."""
    before, after = prev.text.rstrip(), line.text.lstrip()
    if not before or not after or ends_sentence(before):
        return False
    if abs(line.size - prev.size) > _same_size(prev, line):
        return False
    if after[:1].islower():
        return True
    wrapped = column > 0 and (prev.x1 - prev.x0) >= WRAPPED_SHARE * column
    return wrapped and not after.startswith(_OPENERS) and after[:1].isalnum()


def _same_size(*lines: Line) -> float:
    ocr = any(line.confidence is not None for line in lines)
    return SAME_SIZE_OCR if ocr else SAME_SIZE


def split_long(
    text: str, start: int, end: int, limit: int = MAX_PARAGRAPH
) -> list[tuple[int, int]]:
    """Return ``[start, end)`` as pieces of at most ``limit`` characters where sentences allow,
    each cut at the sentence boundary nearest the middle of what is left (trimmed)."""
    if end - start <= limit:
        return [(start, end)]
    cuts = [start + s for s, _ in sentence_spans(text[start:end])][1:]
    if not cuts:
        return [(start, end)]  # one sentence: nothing to cut at
    middle = (start + end) / 2
    cut = min(cuts, key=lambda c: abs(c - middle))
    first = trim_span(text, start, cut)
    second = trim_span(text, cut, end)
    return [*split_long(text, *first, limit), *split_long(text, *second, limit)]


@dataclass
class Flow:
    """A paragraph on its way into the text: its pieces ``[page, joiner, text]`` (more than one
    when it runs on across a column with footnotes or a page), its lines and its page's column
    width."""

    pieces: list[list]
    lines: list[Line]
    column: float

    @property
    def page(self) -> int:
        return self.pieces[-1][0]

    @property
    def size(self) -> float:
        return statistics.median(line.size for line in self.lines)


def flow_paragraphs(items: list[Flow], join: Callable[[str, str], str]) -> list[Flow]:
    """Return the paragraphs with each one that runs on at the top of the next column or page
    joined to the one it continues (``join(text, next_text)`` joins two line texts).

    Footnotes (a smaller font) between the two stay after the joined paragraph on one page; on a
    page change they go before it, so every page's text stays one range.
    """
    out: list[Flow] = []
    for item in items:
        k = _continued(out, item)
        if k is None:
            out.append(item)
            continue
        cand, skipped = out[k], out[k + 1 :]
        prev_text, text = cand.pieces[-1][2], item.pieces[0][2]
        joined = join(prev_text, text)
        if joined == prev_text[:-1] + text:  # a word broken by a hyphen at the column's foot
            cand.pieces[-1][2], joiner = prev_text[:-1], ""
        else:
            joiner = joined[len(prev_text) : len(joined) - len(text)]
        new_page = item.pieces[0][0] != cand.page
        cand.pieces.append([item.pieces[0][0], joiner, text])
        cand.pieces.extend(item.pieces[1:])
        cand.lines = cand.lines + item.lines
        cand.column = item.column
        if new_page:
            out[k:] = [*skipped, cand]
    return out


def _continued(out: list[Flow], item: Flow) -> int | None:
    """Return the index in ``out`` of the paragraph ``item`` continues, or None.

    Blocks between the two that are no body text are passed over: footnotes at the foot of
    the column, a masthead or title of another font size at the top of the next, a title set
    centred in the column (a table's, at the column's foot).
    """
    k = len(out) - 1
    while k > 0 and len(out) - k <= 12 and _interposed(out[k], out[k - 1], item):
        k -= 1
    if k < 0 or len(out) - k > 12:
        return None
    cand, skipped = out[k], out[k + 1 :]
    if any(s.page != cand.page for s in skipped):
        return None
    first, last = item.lines[0], cand.lines[-1]
    new_page = item.pieces[0][0] != cand.page
    if new_page and skipped and len({p for p, _, _ in cand.pieces}) > 1:
        return None  # moving the footnotes before it would cut its first page's range
    height = max(last.bottom - last.top, 1.0)
    went_up = new_page or first.top < last.top - height
    if not went_up or not runs_on(last, first, cand.column):
        return None
    return k


def _interposed(block: Flow, before: Flow, item: Flow) -> bool:
    """Whether ``block`` (after the paragraph ``before``) sits between body text that runs on
    into ``item`` without being part of it: set in another font size (footnotes, a masthead)
    or a title of one or two lines centred in ``before``'s column."""
    if abs(block.size - item.size) > _same_size(block.lines[0], item.lines[0]):
        return True
    if len(block.lines) > 2 or block.page != before.page:
        return False
    left, right = min(ln.x0 for ln in before.lines), max(ln.x1 for ln in before.lines)
    x0, x1 = min(ln.x0 for ln in block.lines), max(ln.x1 for ln in block.lines)
    inset_left, inset_right, width = x0 - left, right - x1, right - left
    inset = min(inset_left, inset_right) > 0.05 * width
    return inset and abs(inset_left - inset_right) < CENTRED * width
