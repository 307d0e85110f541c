"""Convert REFI-QDA selection positions written by other tools into our code-point offsets.

The standard counts Unicode code points over the source text.  Real exports differ: NVivo counts
UTF-16 code units over the text with Windows line ends; some tools count over the text exactly as
stored, others after line-end changes; Taguette counts UTF-8 bytes.  We build each plausible reading
(unit x line-end variant), map it onto the canonical text (NFC, ``\\n``) and keep the reading
declared by the file's ``origin`` unless another lands clearly more selections on word boundaries.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from corpus import normalize_text

UNITS = ("codepoint", "utf16", "utf8")


@dataclass
class Reading:
    """One way of reading positions: the unit counted and the line-end variant of the text counted
    over."""

    unit: str
    line_ends: str  # 'as stored' | 'CRLF' | 'LF'

    def describe(self) -> str:
        unit = {
            "codepoint": "Unicode code points",
            "utf16": "UTF-16 code units",
            "utf8": "UTF-8 bytes",
        }[self.unit]
        return f"{unit} over the text with {self.line_ends} line ends"


def declared_reading(origin: str | None) -> Reading:
    """Return the reading a tool's ``origin`` attribute implies (NVivo: UTF-16 over CRLF; others:
    code points)."""
    o = (origin or "").lower()
    if "nvivo" in o:
        return Reading("utf16", "CRLF")
    if "taguette" in o:
        return Reading("utf8", "as stored")
    return Reading("codepoint", "as stored")


def _variant(raw: str, line_ends: str) -> str:
    if line_ends == "CRLF":
        return raw.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    if line_ends == "LF":
        return raw.replace("\r\n", "\n")
    return raw


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _unit_to_cp(text: str, unit: str) -> np.ndarray:
    """Array mapping each unit offset to the code-point index starting there (-1 inside a
    character)."""
    cps = _codepoints(text)
    n = len(cps)
    if unit == "codepoint":
        return np.arange(n + 1, dtype=np.int64)
    if unit == "utf16":
        widths = np.where(cps > 0xFFFF, 2, 1)
    else:
        widths = np.select([cps < 0x80, cps < 0x800, cps < 0x10000], [1, 2, 3], 4)
    starts = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)
    out = np.full(int(starts[-1]) + 1, -1, dtype=np.int64)
    out[starts] = np.arange(n + 1, dtype=np.int64)
    return out


def _cp_to_canonical(text: str) -> tuple[str, np.ndarray]:
    """Return (canonical text, array mapping each code-point index of ``text`` to a canonical
    offset)."""
    cps = _codepoints(text)
    n = len(cps)
    removed = np.zeros(n, dtype=np.int64)
    if n:
        cr = cps == 0x0D
        nxt_lf = np.concatenate([cps[1:] == 0x0A, [False]])
        removed = ((cr & nxt_lf) | (cps == 0)).astype(np.int64)
    before = np.concatenate([[0], np.cumsum(removed)])
    mapping = np.arange(n + 1, dtype=np.int64) - before
    keep = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if unicodedata.is_normalized("NFC", keep):
        return keep, mapping
    # NFC can merge characters: normalise chunk by chunk (a chunk starts at a non-combining
    # character)
    chunk_map, pieces, pos, start = [], [], 0, 0
    for i in range(1, len(keep) + 1):
        if i == len(keep) or unicodedata.combining(keep[i]) == 0:
            norm = unicodedata.normalize("NFC", keep[start:i])
            chunk_map.extend([pos] * (i - start))
            pieces.append(norm)
            pos += len(norm)
            start = i
    chunk_map.append(pos)
    canon = "".join(pieces)
    if canon != normalize_text(
        text
    ):  # chunking disagreed with whole-text NFC: fall back to it, positions approximate
        canon = normalize_text(text)
    return canon, np.asarray(chunk_map, dtype=np.int64)[mapping]


def _on_boundary(text: str, pos: int) -> bool:
    if pos <= 0 or pos >= len(text):
        return True
    return not (text[pos - 1].isalnum() and text[pos].isalnum())


@dataclass
class Converted:
    """Selections mapped to canonical offsets: ``spans[i]`` is (start, end) or None when out of
    range."""

    text: str
    spans: list[tuple[int, int] | None]
    reading: Reading
    declared: Reading
    clean: int  # selections whose both ends fall on word boundaries

    @property
    def switched(self) -> bool:
        return (self.reading.unit, self.reading.line_ends) != (
            self.declared.unit,
            self.declared.line_ends,
        )


def _apply(raw: str, reading: Reading, positions: list[tuple[int, int]]) -> tuple[str, list, int]:
    variant = _variant(raw, reading.line_ends)
    canon, cp_map = _cp_to_canonical(variant)
    u2c = _unit_to_cp(variant, reading.unit)
    spans, clean = [], 0
    for s, e in positions:
        if not (0 <= s <= e < len(u2c)) or u2c[s] < 0 or u2c[e] < 0:
            spans.append(None)
            continue
        cs, ce = int(cp_map[u2c[s]]), int(cp_map[u2c[e]])
        if ce <= cs:
            spans.append(None)
            continue
        spans.append((cs, ce))
        clean += _on_boundary(canon, cs) and _on_boundary(canon, ce)
    return canon, spans, clean


def convert_positions(
    raw: str, positions: list[tuple[int, int]], origin: str | None = None
) -> Converted:
    """Map (start, end) positions over ``raw`` text to canonical offsets, choosing the reading as
    described above."""
    declared = declared_reading(origin)
    canon, spans, clean = _apply(raw, declared, positions)
    best = Converted(canon, spans, declared, declared, clean)
    if not positions or (clean == len(positions) and all(spans)):
        return best
    variants = ["as stored"] + (["CRLF"] if "\n" in raw else []) + (["LF"] if "\r\n" in raw else [])
    for unit in UNITS:
        for line_ends in variants:
            reading = Reading(unit, line_ends)
            if (unit, line_ends) == (declared.unit, declared.line_ends):
                continue
            c, s, k = _apply(raw, reading, positions)
            valid, best_valid = (
                sum(x is not None for x in s),
                sum(x is not None for x in best.spans),
            )
            if (k, valid) > (best.clean, best_valid) and k > best.clean:
                best = Converted(c, s, reading, declared, k)
    return best


def convert_points(raw: str, points: list[int], reading: Reading) -> list[int | None]:
    """Map single positions over ``raw`` (a transcript's sync points) to canonical offsets under
    ``reading`` (the one its selections were read with); None for a position outside the text or
    inside a character."""
    variant = _variant(raw, reading.line_ends)
    _, cp_map = _cp_to_canonical(variant)
    u2c = _unit_to_cp(variant, reading.unit)
    return [int(cp_map[u2c[p]]) if 0 <= p < len(u2c) and u2c[p] >= 0 else None for p in points]
