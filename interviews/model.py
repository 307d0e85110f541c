"""What transcript parsers return: a ``Transcript`` of ``Turn``s (pure data, no database)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from corpus import ParseError

__all__ = ["Turn", "Transcript", "ParseError", "format_time", "parse_time", "merge_turns"]


@dataclass
class Turn:
    speaker: str | None  # None when the file names no speaker (plain text, plain VTT/SRT)
    text: str
    start: float | None = None  # seconds from the start of the recording
    end: float | None = None
    line: int = 0  # 1-based line of the file where the turn starts (0 when unknown)
    # timed words (or timed stretches) as (char_start, char_end, t_start, t_end) in ``text``
    words: list[tuple[int, int, float, float | None]] = field(default_factory=list)


@dataclass
class Transcript:
    name: str  # file name, used in messages
    format: (
        str  # labels | otter | vtt-teams | vtt-zoom | vtt | srt | docx-table | docx-labels | plain
    )
    turns: list[Turn] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    label_counts: Counter = field(
        default_factory=Counter
    )  # speaker labels as they appear, before merging
    role_hints: dict[str, str] = field(
        default_factory=dict
    )  # roles the file states ('Ana (Interviewer):')
    encoding: str = "utf-8"
    merged_labels: int = 0  # labels of the speaker of the turn before, merged into that turn

    @property
    def speakers(self) -> list[str]:
        """Return the distinct speaker labels in order of first appearance."""
        seen: dict[str, None] = {}
        for t in self.turns:
            if t.speaker:
                seen.setdefault(t.speaker, None)
        return list(seen)


_TIME = re.compile(r"^(?:(\d{1,3}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$")


def parse_time(value: str) -> float | None:
    """Return seconds of ``h:mm:ss``, ``mm:ss``, ``hh:mm:ss.mmm`` or ``hh:mm:ss,mmm``; else None."""
    m = _TIME.match(value.strip())
    if not m:
        return None
    h, mnt, s, frac = m.groups()
    if int(s) >= 60 or (h is not None and int(mnt) >= 60):
        return None
    seconds = int(h or 0) * 3600 + int(mnt) * 60 + int(s)
    if frac:
        seconds += int(frac) / (10 ** len(frac))
    return float(seconds)


def format_time(seconds: float | None) -> str:
    """Return ``hh:mm:ss`` for a number of seconds ('' for None)."""
    if seconds is None:
        return ""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def merge_turns(turns: list[Turn], joiner: str | None = None) -> list[Turn]:
    """Return turns with consecutive turns of one (named) speaker merged into one.

    ``joiner`` separates the merged texts (caption cues: a space); by default a new line, or a space
    when the earlier text stopped mid-sentence.
    """
    out: list[Turn] = []
    for t in turns:
        if out and t.speaker and out[-1].speaker == t.speaker:
            prev = out[-1]
            sep = joiner if joiner is not None else (" " if _same_paragraph(prev.text) else "\n")
            joined = f"{prev.text}{sep}{t.text}"
            lead = len(joined) - len(joined.lstrip())
            shift = len(prev.text) + len(sep) - lead
            prev.words = [(a - lead, b - lead, s, e) for a, b, s, e in prev.words] + [
                (a + shift, b + shift, s, e) for a, b, s, e in t.words
            ]
            prev.text = joined.strip()
            if t.end is not None:
                prev.end = t.end
            elif t.start is not None:
                prev.end = max(prev.end or t.start, t.start)
        else:
            out.append(Turn(t.speaker, t.text, t.start, t.end, t.line, list(t.words)))
    return out


def _same_paragraph(text: str) -> bool:
    # caption cues cut sentences anywhere: join with a space unless the previous cue ended a
    # sentence
    return bool(text) and text.rstrip()[-1:] not in '.?!…»"”'
