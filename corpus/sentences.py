"""Sentences and clauses of a text, as [start, end) code-point spans (English and Spanish).

``sentence_spans`` is the one sentence splitter of the workbench: agreement units, "Code all hits"
at sentence level, PDF paragraph repair and passage suggestions all read it. Rules, in order:
a line end always ends a sentence (transcript turns and paragraphs are lines); ``.``, ``!``, ``?``
or ``…`` followed by closing quotes or brackets and then a space ends one, unless the word before is
an abbreviation (``No.``, ``U.S.``, ``e.g.``, ``núm.``, ``Sra.``, a single initial) or the next word
starts in lower case. A dot with no space after it (``3.5``, ``faa.gov``, ``2018–23–51``) never
does. Spans are trimmed of surrounding whitespace and never empty.
"""

from __future__ import annotations

import re

from .model import trim_span

# Abbreviations after which a sentence never ends (lower case, without the final dot).
_NEVER_FINAL = {
    "en": set(
        "mr mrs ms dr prof sr jr st cf e.g i.e vs approx dept rev gen gov sen rep u.s u.k u.n e.u"
        " al incl viz ed eds".split()
    ),
    "es": set(
        "sr sra srta dr dra lic ing prof ej p.ej i.e e.g aprox av avda dto depto ud uds vd vds cía"
        " admón ee.uu cit".split()
    ),
}
# Abbreviations that end no sentence when a number follows ("No. 5", "núm. 3", "pp. 12", "Mar. 4").
_BEFORE_NUMBER = set(
    "no nos nº núm vol vols p pp pág págs art arts sec secs para paras ch cap fig figs ref refs op"
    " jan feb mar apr jun jul aug sep sept oct nov dec ene abr ago dic".split()
)
_NEVER_FINAL[None] = _NEVER_FINAL["en"] | _NEVER_FINAL["es"]
# Abbreviations that cannot end a text: a title or "e.g." wants a word after it.
_TITLES = {"mr", "mrs", "ms", "dr", "prof", "sr", "sra", "srta", "dra", "e.g", "i.e", "cf", "vs"}

_END = re.compile(r"[.!?…]+[\"'»”’)\]]*(?=\s|$)")
_WORD_BEFORE = re.compile(r"([\w.ºª]+)\.?$", re.UNICODE)
_CLAUSE = re.compile(r"[;:]\s+|\s+[—–]\s+|,\s+(?=(?:but|and|or|pero|sino|y|o)\b)")


def _language(language: str | None) -> str | None:
    if not language:
        return None
    code = language.lower()[:2]
    return code if code in _NEVER_FINAL else None


def _ends_sentence(line: str, m: re.Match, abbreviations: set[str]) -> bool:
    """Whether the punctuation matched by ``m`` inside ``line`` ends a sentence."""
    rest = line[m.end() :].lstrip()
    if not rest:
        return True
    nxt = rest[0]
    if nxt.islower():
        return False
    punct = m.group(0)
    if punct[0] != "." or len(punct.rstrip("\"'»”’)]")) > 1:
        return True  # "!", "?", "…" and "..." end a sentence before anything not lower case
    if punct != "." and punct[-1] in ")]":
        return True  # "(737 MAX)." is a sentence end, not an abbreviation
    word = _WORD_BEFORE.search(line[: m.start()])
    if word is None:
        return True
    token = word.group(1).lower().rstrip(".")
    if token in abbreviations or (token in _BEFORE_NUMBER and nxt.isdigit()):
        return False
    before = line[: word.start()][-1:]
    if len(token) == 1 and token.isalpha() and nxt.isupper() and before in ("", " ", "("):
        return False  # an initial: "J. Smith"
    if re.fullmatch(r"(?:[a-z]\.)+[a-z]", token) and nxt.isupper():
        return False  # a dotted acronym before a name: "U.S. Government"
    return True


def sentence_spans(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Return the [start, end) spans of the sentences of ``text``, trimmed and never empty.

    ``language`` (``en``, ``es``, or a longer tag such as ``es-MX``) picks the abbreviation list;
    None uses both.
    """
    abbreviations = _NEVER_FINAL[_language(language)]
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        start = 0
        for m in _END.finditer(line):
            if _ends_sentence(line, m, abbreviations):
                spans.append((line_start + start, line_start + m.end()))
                start = m.end()
        spans.append((line_start + start, line_start + len(line)))
        line_start += len(line) + 1
    return [span for span in (trim_span(text, s, e) for s, e in spans) if span[1] > span[0]]


def clause_spans(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Return the [start, end) spans of the clauses of ``text``: its sentences, cut again at ``;``,
    ``:``, a spaced dash and a comma before a conjunction; trimmed and never empty."""
    out: list[tuple[int, int]] = []
    for s, e in sentence_spans(text, language):
        pos = s
        for m in _CLAUSE.finditer(text, s, e):
            out.append(trim_span(text, pos, m.start() + len(m.group(0).rstrip())))
            pos = m.end()
        out.append(trim_span(text, pos, e))
    return [span for span in out if span[1] > span[0]]


def sentence_at(spans: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    """Return the span of ``spans`` (sorted, from ``sentence_spans``) that holds ``offset``."""
    lo, hi = 0, len(spans)
    while lo < hi:
        mid = (lo + hi) // 2
        if spans[mid][1] <= offset:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(spans) and spans[lo][0] <= offset < spans[lo][1]:
        return spans[lo]
    return None


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends at a sentence boundary (final ``.:;!?…`` with closing quotes, not an
    abbreviation)."""
    stripped = text.rstrip()
    if not stripped:
        return True
    if stripped[-1] in ":;":
        return True
    m = _END.search(stripped)
    while m is not None and m.end() != len(stripped):
        m = _END.search(stripped, m.end())
    if m is None:
        return False
    word = _WORD_BEFORE.search(stripped[: m.start()])
    return word is None or word.group(1).lower().rstrip(".") not in _TITLES
