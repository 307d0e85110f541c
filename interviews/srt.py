"""SubRip (SRT): numbered cues with ``00:00:01,000 --> 00:00:04,000`` timing.

Turns by cue; speakers when cues say ``Name:``. Whisper's ``--highlight_words`` subtitles (the
segment repeated once per underlined word) become one cue per segment with timed words.
"""

from __future__ import annotations

from .cues import (
    TIMING,
    count_labels,
    cue_blocks,
    cue_speaker,
    cues_to_turns,
    drop_repeated_cues,
    parse_timing,
)
from .highlights import collapse_highlights, has_highlights
from .model import ParseError, Transcript, Turn


def is_srt(lines: list[str]) -> bool:
    """Return True when an early non-blank line is an SRT timing line."""
    head = [line for line in lines[:20] if line.strip()][:3]
    return any(TIMING.match(line) and "," in line for line in head)


def _check_time_order(tr: Transcript, name: str, line: int, start, previous) -> None:
    """Warn (with both line numbers) when a cue starts before the cue before it."""
    if previous is not None and start is not None and previous[0] is not None:
        if start < previous[0]:
            tr.warnings.append(
                f"{name}: line {line}: time goes backwards (this cue starts before the cue"
                f" at line {previous[1]}); check the file's timing"
            )


def parse_srt(text: str, name: str) -> Transcript:
    """Return the turns of an SRT file; missing cue numbers warn, broken timing is an error."""
    lines = text.split("\n")
    tr = Transcript(name=name, format="srt")
    raw: list[tuple[float, float, str, int]] = []
    expected = 1
    previous: tuple[float, int] | None = None  # (start, line) of the cue before
    for block_start, block in cue_blocks(lines):
        first = block[0].strip()
        if first.isdigit():
            if int(first) != expected:
                tr.warnings.append(
                    f"{name}: line {block_start + 1}: cue number {first} where {expected}"
                    " was expected"
                )
            expected = int(first) + 1
            t = 1
        elif "-->" in first:
            tr.warnings.append(
                f"{name}: line {block_start + 1}: cue without a number (cue {expected} assumed)"
            )
            expected += 1
            t = 0
        else:
            raise ParseError(
                name, f"line {block_start + 1}: expected a cue number or timing line, found text"
            )
        if t >= len(block):
            raise ParseError(
                name, f"line {block_start + 1 + t}: cue {expected - 1} has no timing line"
            )
        start, end = parse_timing(block[t], name, block_start + 1 + t)
        _check_time_order(tr, name, block_start + 1 + t, start, previous)
        previous = (start, block_start + 1 + t)
        raw.append((start, end, "\n".join(block[t + 1 :]), block_start + 1))
    if has_highlights([r[2] for r in raw]):
        cues = collapse_highlights(raw)
        tr.format = "srt-whisper-words"
    else:
        cues = []
        for start, end, text, line in raw:
            speaker, spoken = cue_speaker(text, allow_colon=True)
            if spoken:
                cues.append(Turn(speaker=speaker, text=spoken, start=start, end=end, line=line))
    if not cues:
        raise ParseError(name, "no cues with text in this SRT file")
    cues, repeated = drop_repeated_cues(cues, name)
    tr.warnings += repeated
    count_labels(tr, cues)
    tr.turns, has_speakers = cues_to_turns(cues)
    if not has_speakers:
        tr.warnings.append(f"{name}: no speakers in the subtitles; one turn per cue, times kept")
    return tr
