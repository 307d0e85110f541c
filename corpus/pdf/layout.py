"""Lines of a PDF page in reading order: rows of words, read column by column at gutters.

Lines that no word crosses at a column gutter are read column by column; lines spanning the
gutter (titles) and running header/footer rows at the page's edge are read whole.  A few
sideways characters in the margin (printer's stamps) are set apart when most of the page is
upright.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from .words import chars_to_words, layout_chars

EDGE_BAND = 0.12  # running headers/footers sit in the top or bottom 12% of the page
MARGIN_ROTATED_SHARE = 0.5  # below this share of sideways characters, they are margin stamps


@dataclass
class Line:
    """One line of text on a page with its box and median font size."""

    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    block: int | None = None  # OCR: tesseract's block and paragraph (paragraphs follow it)
    confidence: float | None = None  # OCR: mean word confidence, 0-100
    lead_size: float | None = None  # the first word's size (small capitals open run-in heads)


def lines_of_page(page) -> tuple[list[Line], str]:
    """Return a pdfplumber page's lines in reading order, and the rotated margin stamps' text."""
    return lines_of_chars(layout_chars(page), float(page.width), float(page.height))


def lines_of_chars(chars: list[tuple], width: float, height: float) -> tuple[list[Line], str]:
    """Return the lines of a page's characters in reading order, and the text of rotated margin
    stamps left out (characters as ``pdf.words`` gives them)."""
    rotated = [c for c in chars if not c[6]]
    margin = ""
    if rotated and len(rotated) < MARGIN_ROTATED_SHARE * len(chars):
        # A few sideways characters are printer's stamps and figure labels in the margin.
        margin = "".join(c[0] for c in rotated)
        chars = [c for c in chars if c[6]]
    words = chars_to_words(chars)
    if not words:
        return [], margin
    rows = _group_rows(words)
    rows, numbered = _strip_line_numbers(rows)
    if numbered:
        words = [w for row in rows for w in row]
        margin = f"{margin} {numbered}".strip()
    gutters = _find_gutters(_body_words(words, height), width)
    out: list[Line] = []
    if not gutters:
        for row in rows:
            out.extend(_row_to_lines(row))
        return out, margin
    edges = [float("-inf"), *gutters, float("inf")]
    columns: list[list[list[dict]]] = [[] for _ in range(len(edges) - 1)]

    def flush() -> None:
        for col in columns:
            for part in col:
                out.extend(_row_to_lines(part))
            col.clear()

    first, last = rows[0], rows[-1]
    for row in rows:
        top, bottom = min(w["top"] for w in row), max(w["bottom"] for w in row)
        edge_row = (row is first and top < height * EDGE_BAND) or (
            row is last and bottom > height * (1 - EDGE_BAND)
        )
        # rows crossing a gutter (titles) and a header/footer row at the page's edge: read whole
        if edge_row or any(w["x0"] < g < w["x1"] for w in row for g in gutters):
            flush()
            out.extend(_row_to_lines(row))
            continue
        for i, (a, b) in enumerate(zip(edges, edges[1:])):
            part = [w for w in row if a <= w["x0"] and w["x1"] <= b]
            if part:
                columns[i].append(part)
    flush()
    return out, margin


def _group_rows(words: list[dict]) -> list[list[dict]]:
    """Return the words in rows (tops within 3 points), each row left to right."""
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    rows: list[list[dict]] = []
    for w in words:
        if rows and abs(rows[-1][0]["top"] - w["top"]) <= 3:
            rows[-1].append(w)
        else:
            rows.append([w])
    for row in rows:
        row.sort(key=lambda w: w["x0"])
    return rows


def _strip_line_numbers(rows: list[list[dict]]) -> tuple[list[list[dict]], str]:
    """Take a transcript's line-number column (1, 2, 3 ... down the left edge) off its rows.

    Return the rows left and the numbers taken off, space-separated ("" when the page has no
    such column):
    at least 8 rows start with a number of up to 3 digits, right-aligned (or left-aligned)
    within 4 points, set apart from the text, mostly counting up by one.
    """
    starts = [
        (i, row[0])
        for i, row in enumerate(rows)
        if row[0]["text"].isdigit() and len(row[0]["text"]) <= 3
    ]
    if len(starts) < 8:
        return rows, ""
    right = statistics.median(w["x1"] for _, w in starts)
    left = statistics.median(w["x0"] for _, w in starts)
    column = [
        (i, w)
        for i, w in starts
        if (abs(w["x1"] - right) <= 4 or abs(w["x0"] - left) <= 4)
        and (len(rows[i]) == 1 or rows[i][1]["x0"] - w["x1"] > 6)
    ]
    numbers = [int(w["text"]) for _, w in column]
    steps = sum(b == a + 1 for a, b in zip(numbers, numbers[1:]))
    if len(column) < 8 or steps < 0.8 * (len(column) - 1):
        return rows, ""
    if any(w["x0"] < right - 4 for row in rows for w in row if w not in [c for _, c in column]):
        return rows, ""  # text left of the numbers: a numbered list, not a margin column
    drop = {i for i, _ in column}
    kept = [row[1:] if i in drop else row for i, row in enumerate(rows)]
    return [row for row in kept if row], " ".join(map(str, numbers))


def _body_words(words: list[dict], height: float) -> list[dict]:
    """Return the words between the page's top and bottom bands (running headers, footers and
    full-width tables at the foot cross every gutter), or all words when the bands hold most."""
    body = [
        w
        for w in words
        if w["top"] >= height * EDGE_BAND and w["bottom"] <= height * (1 - EDGE_BAND)
    ]
    return body if len(body) >= 0.5 * len(words) else words


def _find_gutters(words: list[dict], width: float) -> list[float]:
    """Return the x positions of column gutters that (almost) no word crosses."""
    if len(words) < 40:
        return []
    bins = [0] * (int(width) + 2)
    for w in words:
        for x in range(max(0, int(w["x0"])), min(len(bins), int(w["x1"]) + 1)):
            bins[x] += 1
    lo, hi = int(width * 0.2), int(width * 0.8)
    limit = max(1, len(words) // 200)
    runs, run_start = [], None
    for x in range(lo, hi + 2):
        if x <= hi and bins[x] <= limit:
            run_start = x if run_start is None else run_start
        elif run_start is not None:
            if x - run_start >= 6:
                runs.append((run_start + x - 1) / 2)
            run_start = None
    gutters: list[float] = []
    for g in runs:
        # Each column must carry real text (not a label column beside a blank half).
        edges = [0.0, *gutters, g, width + 1]
        sizes = [
            sum(1 for w in words if a <= w["x0"] and w["x1"] <= b) for a, b in zip(edges, edges[1:])
        ]
        if min(sizes) >= 0.12 * len(words):
            gutters.append(g)
    return gutters


def _row_to_lines(row: list[dict]) -> list[Line]:
    """Return a row of words as one Line, its size that of its words with lower-case letters
    (small capitals, "in the FOR FURTHER INFORMATION", are set smaller than the text they sit
    in), or of all its words when none has one."""
    text = " ".join(w["text"] for w in row)
    lower = [w for w in row if any(ch.islower() for ch in w["text"])]
    sizes = [float(w.get("size") or 0) for w in lower or row]
    return [
        Line(
            text=text,
            top=min(w["top"] for w in row),
            bottom=max(w["bottom"] for w in row),
            x0=min(w["x0"] for w in row),
            x1=max(w["x1"] for w in row),
            size=statistics.median(sizes) if sizes else 0.0,
            lead_size=float(row[0].get("size") or 0) if row else None,
        )
    ]
