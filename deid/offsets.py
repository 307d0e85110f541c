"""Replacing spans of text and mapping offsets of the old text to the new one (pure functions)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from corpus import replacement_mapping

from .errors import DeidError

Span = tuple[int, int, str, str, str]  # start, end, original, pseudonym, source


def offset_map(spans: list[tuple[int, int, int]]) -> Callable[[int], int]:
    """Return old offset -> new offset for replacements (start, end, new length) sorted by start.

    An offset at a replaced name's start maps to the replacement's start; one inside or at its
    end maps to the replacement's end, so a coded span that covered a name covers its pseudonym.
    The mechanism is ``corpus.replacement_mapping`` (the one mapping module).
    """
    return replacement_mapping(sys.maxsize, spans)


def replace_spans(text: str, spans: list[Span]) -> tuple[str, Callable[[int], int]]:
    """Return (new text with each span replaced by ``[pseudonym]``, the offset map)."""
    parts, pos, sizes = [], 0, []
    for s, e, original, pseudonym, _ in spans:
        if text[s:e].casefold() != original.casefold():
            raise DeidError(
                f"review row at {s}-{e} says {original!r} but the text there is {text[s:e]!r}"
            )
        parts += [text[pos:s], f"[{pseudonym}]"]
        sizes.append((s, e, len(pseudonym) + 2))
        pos = e
    parts.append(text[pos:])
    return "".join(parts), replacement_mapping(len(text), sizes)
