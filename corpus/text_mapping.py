"""Mapping offsets of an old text to a new one: the one mechanism behind every text change.

A corrected transcript, a re-ingested file, a pseudonymized copy and a merged project's edited
document all move their ranges (codings, turns, segments, pages, entities) through a
``TextMapping``. It is a list of *equal blocks* (runs of characters the two texts share, in order);
everything between two blocks is a changed region (deleted, inserted or replaced text).

The rules, in code points:

- an offset inside an equal block moves with its character;
- a range start in a changed region goes to the start of that region's replacement, a range end
  to the end of it, so a range that held a corrected word holds the corrected word (it grows or
  shrinks with the edit); an insertion exactly at a range's edge stays outside the range;
- ``span`` returns None for a range none of whose word characters survive: its words were
  deleted (the caller keeps it on the old version for review, never drops it silently).

The character diff is Google's diff-match-patch (``diff-match-patch`` on PyPI) over words first,
then character by character inside each replaced run, with semantic cleanup inside that run only
(never across an unchanged word, so a range next to an edit does not take it in); chosen over
``difflib`` by measurement on long transcripts (``bench/edit.py``): difflib's character matcher is
quadratic without its "junk" heuristic and wrong with it (letters are "popular" in a long text).
"""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from diff_match_patch import diff_match_patch

_WORD = re.compile(r"\w")
_WORDS = re.compile(r"\w+")
DIFF_TIMEOUT = 5.0  # seconds; diff-match-patch returns a coarser (still valid) diff after this


@dataclass(frozen=True)
class TextMapping:
    """Offsets of ``old`` text -> offsets of ``new`` text; see the module docstring for the rules.

    ``blocks`` are (old_start, new_start, length) of the equal runs, in order, non-overlapping.
    """

    old_len: int
    new_len: int
    blocks: tuple[tuple[int, int, int], ...]
    _old_starts: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_old_starts", [b[0] for b in self.blocks])

    @property
    def identical(self) -> bool:
        """True when the two texts are the same."""
        return self.old_len == self.new_len and (
            self.old_len == 0 or self.blocks == ((0, 0, self.old_len),)
        )

    def _block(self, offset: int) -> int:
        """Index of the last block starting at or before ``offset`` (-1 if none)."""
        return bisect.bisect_right(self._old_starts, offset) - 1

    def start(self, offset: int) -> int:
        """Map a range start: with its character, or to the start of its replacement."""
        offset = min(max(0, int(offset)), self.old_len)
        i = self._block(offset)
        if i >= 0:
            os_, ns, n = self.blocks[i]
            if offset < os_ + n:
                return ns + offset - os_
            return ns + n  # in the changed region after block i
        return 0

    def end(self, offset: int) -> int:
        """Map a range end (exclusive): after its last character, or to the end of its
        replacement."""
        offset = min(max(0, int(offset)), self.old_len)
        i = self._block(offset - 1) if offset > 0 else -1
        if i >= 0:
            os_, ns, n = self.blocks[i]
            if offset <= os_ + n:
                return ns + offset - os_
        nxt = i + 1
        return self.blocks[nxt][1] if nxt < len(self.blocks) else self.new_len

    def __call__(self, offset: int) -> int:
        """Map a single offset: at a changed region's start it goes to the replacement's start,
        inside a changed region to the replacement's end (a name's pseudonym, a word's fix)."""
        offset = min(max(0, int(offset)), self.old_len)
        i = self._block(offset)
        if i >= 0:
            os_, ns, n = self.blocks[i]
            if offset < os_ + n:
                return ns + offset - os_
            if offset == os_ + n:
                return ns + n
        elif offset == 0:
            return 0
        return self.end(offset)

    def surviving(self, start: int, end: int) -> int:
        """Number of characters of ``[start, end)`` that are in equal blocks."""
        i = max(0, self._block(start))
        kept = 0
        while i < len(self.blocks):
            os_, _, n = self.blocks[i]
            if os_ >= end:
                break
            kept += max(0, min(end, os_ + n) - max(start, os_))
            i += 1
        return kept

    def span(
        self, start: int, end: int, old_text: str | None = None, new_text: str | None = None
    ) -> tuple[int, int] | None:
        """Map the range ``[start, end)``; None when its words were deleted.

        Without the texts, "deleted" means the range maps to nothing. With both texts: nothing
        with a word character is left in the mapped range, or a range of more than a few words
        lost every word character (its sentence was deleted and other words written there).
        An edge that was on a word boundary is kept on one (a corrected word is covered whole).
        """
        ns, ne = self.start(start), max(self.start(start), self.end(end))
        if old_text is None or new_text is None:
            return (ns, ne) if ne > ns or end <= start else None
        if not _WORD.search(new_text[ns:ne]):
            return None
        if len(_WORDS.findall(old_text[start:end])) > 1 and not self._surviving_words(
            start, end, old_text
        ):
            return None
        return _snap(old_text, start, end, new_text, ns, ne)

    def _surviving_words(self, start: int, end: int, old_text: str) -> int:
        i, kept = max(0, self._block(start)), 0
        while i < len(self.blocks):
            os_, _, n = self.blocks[i]
            if os_ >= end:
                break
            a, b = max(start, os_), min(end, os_ + n)
            if a < b:
                kept += len(_WORD.findall(old_text[a:b]))
            i += 1
        return kept

    def changes(self) -> list[tuple[int, int, int, int]]:
        """Return the changed regions: (old_start, old_end, new_start, new_end), in order."""
        out = []
        po, pn = 0, 0
        for os_, ns, n in [*self.blocks, (self.old_len, self.new_len, 0)]:
            if os_ > po or ns > pn:
                out.append((po, os_, pn, ns))
            po, pn = os_ + n, ns + n
        return out


def _snap(old: str, s: int, e: int, new: str, ns: int, ne: int) -> tuple[int, int]:
    """Widen ``[ns, ne)`` to whole words of ``new`` where ``[s, e)`` began/ended on a word edge."""
    if (s == 0 or not old[s - 1].isalnum()) and ns < ne:
        while ns > 0 and new[ns - 1].isalnum() and new[ns].isalnum():
            ns -= 1
    if (e == len(old) or not old[e].isalnum()) and ne > ns:
        while ne < len(new) and new[ne].isalnum() and new[ne - 1].isalnum():
            ne += 1
    return ns, ne


def _blocks_from_diffs(diffs: Iterable[tuple[int, str]]) -> list[tuple[int, int, int]]:
    blocks: list[tuple[int, int, int]] = []
    po = pn = 0
    for op, chunk in diffs:
        n = len(chunk)
        if op == 0:
            if (
                blocks
                and blocks[-1][0] + blocks[-1][2] == po
                and blocks[-1][1] + blocks[-1][2] == pn
            ):
                os_, ns, m = blocks[-1]
                blocks[-1] = (os_, ns, m + n)
            elif n:
                blocks.append((po, pn, n))
            po += n
            pn += n
        elif op < 0:
            po += n
        else:
            pn += n
    return blocks


# a word or a punctuation mark with the spaces after it is one token: spaces alone would be anchors
# of their own, and the word diff would pair kept words with new ones around them ('w12x w13x w14x
# w15x' against 'n36x n37x w12x w13x' matched the spaces, so the deleted 'w15x' went to 'w13x')
_TOKEN = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")


class _WordsThenChars(diff_match_patch):
    """diff-match-patch whose "line mode" works on words: the texts are diffed as sequences of
    words and punctuation marks (each with the spaces after it), then each replaced run character
    by character. A transcript's lines are whole turns (hundreds of words), so line mode on real
    lines finds little equal text when many turns have a small fix, and the character diff of
    what is left is slow."""

    def diff_linesToChars(self, text1: str, text2: str):
        tokens: list[str] = [""]  # index 0 unused, as in the library
        index: dict[str, int] = {}

        def encode(text: str, limit: int) -> str:
            out = []
            for m in _TOKEN.finditer(text):
                tok = m.group()
                i = index.get(tok)
                if i is None:
                    if len(tokens) >= limit:  # out of code points: the rest as one token
                        tok = text[m.start() :]
                        tokens.append(tok)
                        out.append(chr(len(tokens) - 1))
                        break
                    tokens.append(tok)
                    i = index[tok] = len(tokens) - 1
                out.append(chr(i))
            return "".join(out)

        return encode(text1, 666666), encode(text2, 1114111), tokens

    def diff_lineMode(self, text1: str, text2: str, deadline: float):  # noqa: N802 (library's name)
        """Diff words, then each replaced run of words character by character (semantic cleanup
        inside that run only). No cleanup merges edits across an unchanged word: the library's
        would turn "delete two words here, add two words there" with a short unchanged phrase
        between into one replaced region, and a coding on that phrase would take in the added
        words."""
        chars1, chars2, tokens = self.diff_linesToChars(text1, text2)
        words = self.diff_main(chars1, chars2, False, deadline)
        self.diff_charsToLines(words, tokens)
        words = self._without_chaff(words)
        out: list[tuple[int, str]] = []
        deleted, inserted = "", ""
        for op, text in [*words, (self.DIFF_EQUAL, "")]:
            if op == self.DIFF_DELETE:
                deleted += text
            elif op == self.DIFF_INSERT:
                inserted += text
            else:
                if deleted and inserted:
                    run = self.diff_main(deleted, inserted, False, deadline)
                    self.diff_cleanupSemantic(run)
                    out += run
                elif deleted:
                    out.append((self.DIFF_DELETE, deleted))
                elif inserted:
                    out.append((self.DIFF_INSERT, inserted))
                deleted, inserted = "", ""
                if text:
                    out.append((op, text))
        return out

    def _without_chaff(self, diffs: list) -> list:
        """Return ``diffs`` where an unchanged run of spaces and punctuation alone between two
        edits becomes part of them (a shared bracket or space is no anchor: matching it split
        a replaced word into pieces), merged; unchanged runs holding a word stay as they are."""
        out = list(diffs)
        for i in range(1, len(out) - 1):
            op, text = out[i]
            if (
                op == self.DIFF_EQUAL
                and not _WORD.search(text)
                and out[i - 1][0] != self.DIFF_EQUAL
                and out[i + 1][0] != self.DIFF_EQUAL
            ):
                out[i] = (self.DIFF_DELETE, text)
                out.insert(i + 1, (self.DIFF_INSERT, text))
        self.diff_cleanupMerge(out)
        return out

    def diff_compute(self, text1: str, text2: str, checklines: bool, deadline: float):
        """Diff by words first whatever the texts' length (the library does so only above 100
        characters, and a character diff of short texts aligns unrelated words: deleting the
        first word and adding two at the end moved a one-word coding onto the added words)."""
        if checklines and text1 and text2:
            short, long_ = sorted((text1, text2), key=len)
            if short not in long_:
                return self.diff_lineMode(text1, text2, deadline)
        return super().diff_compute(text1, text2, checklines, deadline)


def text_mapping(old: str, new: str, timeout: float = DIFF_TIMEOUT) -> TextMapping:
    """Return the mapping of ``old`` offsets to ``new`` offsets by a character diff."""
    if old == new:
        return TextMapping(len(old), len(new), ((0, 0, len(old)),) if old else ())
    dmp = _WordsThenChars()
    deadline = time.time() + timeout if timeout > 0 else float("inf")
    # words, then characters inside replaced runs; not through diff_main, whose common prefix
    # and suffix are cut by characters ('w5x' and 'n30x' share 'x'), which leaves the word diff
    # pieces of words to align
    diffs = dmp.diff_lineMode(old, new, deadline)
    dmp.diff_cleanupMerge(diffs)
    # slide each edit to word and line boundaries, merging nothing across unchanged text
    dmp.diff_cleanupSemanticLossless(diffs)
    return TextMapping(len(old), len(new), tuple(_blocks_from_diffs(diffs)))


def replacement_mapping(old_len: int, spans: Sequence[tuple[int, int, int]]) -> TextMapping:
    """Return the mapping for replacing ``[start, end)`` ranges (sorted, not overlapping) of a
    text of ``old_len`` characters by new text of the given lengths (no diff needed)."""
    blocks, po, shift = [], 0, 0
    for s, e, n in spans:
        if s > po:
            blocks.append((po, po + shift, s - po))
        shift += n - (e - s)
        po = e
    if old_len > po:
        blocks.append((po, po + shift, old_len - po))
    return TextMapping(old_len, old_len + shift, tuple(blocks))


def map_ranges(
    mapping: TextMapping, ranges: Iterable[tuple[int, int]]
) -> list[tuple[int, int] | None]:
    """Map many ``[start, end)`` ranges (structure such as pages and segments: may shrink to
    empty, never None unless the range is gone entirely)."""
    out: list[tuple[int, int] | None] = []
    for s, e in ranges:
        ns, ne = mapping.start(s), mapping.end(e)
        out.append((ns, max(ns, ne)) if (ne > ns or e == s) else None)
    return out
