"""Word error rate: how far a transcript is from a reference, in words (substitutions, deletions
and insertions over the reference's words), for checking speech to text against a known text."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def words_of(text: str) -> list[str]:
    """Return the words of ``text`` lower-cased, accents kept, punctuation dropped."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """Return (errors, reference words): the word-level edit distance and the words to say."""
    ref, hyp = words_of(reference), words_of(hypothesis)
    row = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        diagonal, row[0] = row[0], i
        for j in range(1, len(hyp) + 1):
            best = min(row[j] + 1, row[j - 1] + 1, diagonal + (ref[i - 1] != hyp[j - 1]))
            diagonal, row[j] = row[j], best
    return row[len(hyp)], len(ref)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Return errors / reference words (0 for two empty texts, 1 for an empty hypothesis)."""
    errors, n = word_errors(reference, hypothesis)
    return errors / n if n else float(bool(words_of(hypothesis)))
