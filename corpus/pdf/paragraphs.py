"""A PDF page's lines grouped into paragraphs, line ends joined as a person reads them.

``_paragraphs`` breaks at vertical gaps, font size changes, first-line indents and footnote
starts (for OCR lines, where tesseract's blocks change); ``join_lines`` joins each line end:
a word broken by a hyphen is rejoined, a hyphenated compound the document writes elsewhere
(``hyphenated_compounds``) keeps its hyphen, a URL or e-mail address broken at the line end is
joined without a space (``_is_url_break``).
"""

from __future__ import annotations

import re
import statistics

from ..sentences import ends_sentence
from .flow import column_width, runs_on
from .layout import Line


def _paragraphs(
    lines: list[Line], compounds: frozenset[str] = frozenset()
) -> list[tuple[str, list[Line]]]:
    """Group lines into paragraphs; return (text, lines) of each, wrapped prose reflowed.

    Paragraphs break at vertical gaps, font size changes and first-line indents (or, for OCR
    lines, where tesseract's blocks change); line ends are joined by ``join_lines``.
    """
    if not lines:
        return []
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if b.top > a.bottom]
    heights = [line.bottom - line.top for line in lines if line.bottom > line.top]
    # the lower quartile, not the median: on short pages paragraph gaps can be half of all gaps
    typical_gap = sorted(gaps)[len(gaps) // 4] if gaps else 0.0
    height = statistics.median(heights) if heights else 10.0
    column = column_width(lines)
    paras: list[list[Line]] = [[lines[0]]]
    for prev, line in zip(lines, lines[1:]):
        gap = line.top - prev.bottom
        if line.block is not None:
            # tesseract's blocks, except a block that goes on mid-sentence (lower-case start)
            new_para = line.block != prev.block and not (
                line.text[:1].islower() and prev.text.rstrip()[-1:] not in ".:;!?"
            )
        else:
            new_para = (
                gap > max(typical_gap * 1.6, height * 0.6)
                or (
                    len(gaps) < 3 and gap > height
                )  # too few lines to learn the spacing: a blank line's worth
                or (  # went back up: next column or block, unless a sentence runs on
                    line.top < prev.top - height and not runs_on(prev, line, column)
                )
                or (  # a new sentence, indented: a paragraph whose last line was short
                    line.x0 > prev.x0 + 4
                    and line.x0 - prev.x0 < 40
                    and line.top > prev.top
                    and ends_sentence(prev.text)
                    and line.text[:1].isupper()
                )
                or _FOOTNOTE_START.match(line.text) is not None  # "[7] Ethiopian Aircraft ..."
                or abs(line.size - prev.size) > 1.5
                or (  # a run-in head in small capitals ("FOR FURTHER INFORMATION CONTACT: Ian")
                    line.lead_size is not None
                    and line.lead_size < line.size - 1.5
                    and ends_sentence(prev.text)
                )
                or (
                    line.x0 > prev.x0 + 4
                    and line.x0 - prev.x0 < 40
                    and (prev.x1 - prev.x0) > 100
                    and not _hanging(prev, lines)
                )  # first-line indent
            )
        if new_para:
            paras.append([line])
        else:
            paras[-1].append(line)
    out = []
    for para in paras:
        full = max(line.x1 - line.x0 for line in para)
        text = para[0].text
        for prev, line in zip(para, para[1:]):
            text = join_lines(text, line.text, (prev.x1 - prev.x0) >= 0.6 * full, compounds)
        out.append((text, para))
    return out


def _hanging(prev: Line, lines: list[Line]) -> bool:
    """Return True when the line after ``prev`` continues it under a hanging indent.

    ``prev`` runs (nearly) as wide as the widest line starting where it starts and stops
    without closing punctuation, so the indented line below is its continuation.
    """
    if prev.text.rstrip()[-1:] in '.:;!?”")':
        return False
    widest = max(ln.x1 - ln.x0 for ln in lines if abs(ln.x0 - prev.x0) < 4)
    return prev.x1 - prev.x0 >= 0.85 * widest


_FOOTNOTE_START = re.compile(r"^\[[0-9*†‡§]{1,3}\] ")
_URL_START = re.compile(r"(?:https?://|ftp://|www\.)\S*$|[\w.+-]+@[\w.-]*$", re.IGNORECASE)
_URL_PART = re.compile(r"^[\w%./?=&#~+:@-]+")
_URL_END = "/.-_=?&#%:~@+"
_HYPHENS = ("-", "\u2010")
_DASHES = ("\u2013", "\u2014")
_TAIL_WORD = re.compile(r"(\w+)[-\u2010]$")
_HEAD_WORD = re.compile(r"^(\w+)")
_COMPOUND = re.compile(r"\b(\w+)[-\u2010](\w+)\b")


def hyphenated_compounds(texts) -> frozenset[str]:
    """Return the hyphenated compounds (``well-known``, case-folded) written within lines."""
    found: set[str] = set()
    for text in texts:
        if "-" in text or "\u2010" in text:
            found.update(f"{a}-{b}".casefold() for a, b in _COMPOUND.findall(text))
    return frozenset(found)


def join_lines(text: str, nxt: str, wrapped: bool, compounds: frozenset[str] = frozenset()) -> str:
    """Return ``text`` with the next line ``nxt`` of its paragraph appended as a person reads it.

    A URL or e-mail address broken at the line end is joined without a space; a line-end
    hyphen is kept when the compound occurs elsewhere with its hyphen (``well-known``) or the
    next line starts with a capital or digit, and dropped otherwise (``manufac-`` ``turing``);
    a dash between words at the line end joins them without a space; wrapped prose joins with a
    space, a short (not wrapped) line keeps its line break.
    """
    if not nxt:
        return text
    tail = text.rsplit(None, 1)[-1] if text.strip() else ""
    head = _URL_PART.match(nxt)
    if tail and head and _is_url_break(tail, nxt):
        return text + nxt
    if text.endswith(_HYPHENS) and len(text) > 1 and text[-2].isalpha():
        first, second = _TAIL_WORD.search(text), _HEAD_WORD.match(nxt)
        if nxt[:1].islower() and first and second:
            if f"{first.group(1)}-{second.group(1)}".casefold() in compounds:
                return text + nxt  # a compound the document writes with its hyphen
            return text[:-1] + nxt  # a word broken at the line end
        if nxt[:1].islower():
            return text[:-1] + nxt
        return text + nxt  # a real hyphenated compound split at line end (pre-War, 2019-NM)
    if text.endswith(_DASHES) and len(text) > 1 and text[-2].isalnum() and nxt[:1].isalnum():
        return text + nxt  # 737\u2013 / 9: a range or compound with a dash broken at line end
    return text + (" " if wrapped else "\n") + nxt


def _is_url_break(tail: str, nxt: str) -> bool:
    """Return True when ``tail`` (last token of a line) and ``nxt`` are one broken URL/e-mail."""
    first = nxt.split(None, 1)[0]
    if _URL_START.search(tail) and not tail.endswith((".", ",", ";", ")")):
        # https://www.faa.gov/ | regulations  -- but not "www.x.org." | "The ..."
        return (
            bool(_URL_PART.match(first))
            and (tail.endswith(tuple(_URL_END)) or not first[:1].isupper())
            and not (tail.endswith("//") and first[:1].isupper())
        )
    if tail.endswith(tuple("-._@")) and "@" in first and not first[:1].isupper():
        return True  # 9-FAA-SACO-AD- | Inquiries@faa.gov
    if "@" in tail and tail.endswith(tuple("-.")) and _URL_PART.match(first):
        return True  # Techsupport@pilatus- | aircraft.com
    return False
