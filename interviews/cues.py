"""Shared by WebVTT and SRT: cue timing lines, cue text clean-up, repeated cues, cues to turns."""

from __future__ import annotations

import html
import re

from .model import ParseError, Turn, merge_turns, parse_time

TIMING = re.compile(r"^\s*(?P<a>\S+)\s+-->\s+(?P<b>\S+)(?P<settings>.*)$")
VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+(?P<name>[^>]+)>(?P<text>.*?)(?:</v>|$)", re.DOTALL)
TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d{1,2}:\d{2}[^>]*>")
ZOOM = re.compile(r"^(?P<name>[^:\n]{1,60}?):\s+(?P<text>.+)$", re.DOTALL)
BRACKET_ZOOM = re.compile(r"^(?:-\s*)?\[(?P<name>[^\]]{1,60})\]\s*:?\s*(?P<text>.+)$", re.DOTALL)


def cue_blocks(lines: list[str], first: int = 0):
    """Yield (index of its first line, lines) of each run of non-blank lines from ``first``."""
    i, n = first, len(lines)
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        start = i
        while i < n and lines[i].strip():
            i += 1
        yield start, lines[start:i]


def count_labels(tr, cues: list[Turn]) -> None:
    """Count each cue speaker's labels into the transcript's label counts."""
    for c in cues:
        if c.speaker:
            tr.label_counts[c.speaker] += 1


def parse_timing(line: str, name: str, line_no: int) -> tuple[float, float]:
    """Return (start, end) seconds of a cue timing line; ParseError (file, line) when broken."""
    m = TIMING.match(line)
    a = parse_time(m.group("a")) if m else None
    b = parse_time(m.group("b")) if m else None
    if m is None or a is None or b is None:
        shown = line.strip()[:40] if "-->" in line else "(no -->)"
        raise ParseError(
            name,
            f"line {line_no}: broken cue timing {shown!r} (expected 00:00:01.000 --> 00:00:04.000)",
        )
    if b < a:
        raise ParseError(
            name, f"line {line_no}: cue ends ({m.group('b')}) before it starts ({m.group('a')})"
        )
    return a, b


def cue_speaker(text: str, allow_colon: bool) -> tuple[str | None, str]:
    """Return (speaker or None, text without markup) of one cue's text."""
    m = VOICE.search(text)
    if m:
        spoken = " ".join(clean(v.group("text")) for v in VOICE.finditer(text))
        return " ".join(m.group("name").split()), spoken.strip()
    plain = clean(text)
    if allow_colon:
        z = ZOOM.match(plain) or BRACKET_ZOOM.match(plain)
        if (
            z
            and len(z.group("name").split()) <= 5
            and not z.group("name").strip().lower().startswith("http")
        ):
            return " ".join(z.group("name").split()), z.group("text").strip()
    return None, plain


def clean(text: str) -> str:
    """Return cue text without tags and entities, lines joined with spaces."""
    return html.unescape(TAG.sub("", text)).replace("\n", " ").strip()


def cues_to_turns(cues: list[Turn]) -> tuple[list[Turn], bool]:
    """Return (turns, has_speakers): cues of one speaker merged; speaker-less cues stay apart."""
    named = sum(1 for c in cues if c.speaker)
    if named < max(1, len(cues) // 2):
        # a colon in a few cues is not a speaker convention: keep every cue's full text
        for c in cues:
            if c.speaker:
                c.text, c.speaker = f"{c.speaker}: {c.text}", None
        return cues, False
    return merge_turns(cues, joiner=" "), True


def _words(text: str) -> list[str]:
    return [w.strip(".,;:!?¿¡…\"'“”«»()").casefold() for w in text.split()]


def _repeated_words(prev: Turn, cue: Turn) -> int:
    """Return how many leading words of ``cue`` repeat the end of ``prev`` (all of them when the
    cue only repeats words ``prev`` ended with), 0 when it repeats nothing."""
    pw, cw = _words(prev.text), _words(cue.text)
    if not cw:
        return 0
    if len(cw) <= len(pw) and pw[-len(cw) :] == cw or cw == pw:
        return len(cw)
    for k in range(min(len(pw), len(cw) - 1), 0, -1):
        if pw[-k:] == cw[:k] and (k >= 2 or k == len(pw)):
            return k
    return 0


def drop_repeated_cues(cues: list[Turn], name: str) -> tuple[list[Turn], list[str]]:
    """Return (cues, warnings) with duplicated cues dropped and the words an overlapping cue
    repeats from the cue before taken off (rolling captions show each line twice).

    A cue is a duplicate when another cue has the same speaker, timing and text; it overlaps when
    it starts before the cue before it ends (same speaker). Only the repeated words go; the
    warning names how many cues and the first line, never the words.
    """
    out: list[Turn] = []
    seen: set[tuple] = set()
    changed: list[int | None] = []
    for cue in cues:
        key = (cue.speaker, cue.start, cue.end, " ".join(_words(cue.text)))
        if key in seen:
            changed.append(cue.line)
            continue
        seen.add(key)
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.speaker == cue.speaker
            and None not in (prev.end, cue.start)
            and (cue.start < prev.end or (cue.start, cue.end) == (prev.start, prev.end))
        ):
            k = _repeated_words(prev, cue)
            if k:
                changed.append(cue.line)
                rest = cue.text.split()[k:]
                if cue.end is not None and (prev.end is None or cue.end > prev.end):
                    prev.end = cue.end
                if not rest:
                    continue
                cue = Turn(cue.speaker, " ".join(rest), cue.start, cue.end, cue.line)
        out.append(cue)
    if not changed:
        return out, []
    first = next((line for line in changed if line), None)
    where = f" (first at line {first})" if first else ""
    return out, [
        f"{name}: {len(changed)} cue(s) repeated or overlapped the cue before{where}; the"
        " repeated words were kept once instead of twice"
    ]
