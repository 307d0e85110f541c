"""WebVTT: Zoom (``Name: text`` cues), Teams (``<v Name>text</v>``) and plain (no speakers)."""

from __future__ import annotations

from .cues import (
    count_labels,
    cue_blocks,
    cue_speaker,
    cues_to_turns,
    drop_repeated_cues,
    parse_timing,
)
from .model import ParseError, Transcript, Turn


def is_vtt(text: str) -> bool:
    """Return True when the text starts with the WEBVTT signature."""
    return text.lstrip("\ufeff").lstrip().startswith("WEBVTT")


def parse_vtt(text: str, name: str) -> Transcript:
    """Return the turns of a WebVTT file; ParseError naming the line for broken cue timing."""
    lines = text.split("\n")
    if not lines or not lines[0].lstrip("\ufeff").strip().startswith("WEBVTT"):
        raise ParseError(name, "line 1: a WebVTT file must start with WEBVTT")
    cues: list[Turn] = []
    teams = False
    for block_start, block in cue_blocks(lines, first=1):
        head = block[0].strip()
        if head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head:
            continue
        if block_start == 1 and "-->" not in "".join(block):
            continue  # header metadata lines right after WEBVTT (Kind:, Language:)
        t = 0 if "-->" in block[0] else 1
        if t >= len(block) or "-->" not in block[t]:
            # the message never quotes the line: it may hold transcript text
            raise ParseError(
                name,
                f"line {block_start + 1 + t}: expected a cue timing line"
                " (00:00:01.000 --> 00:00:04.000)",
            )
        start, end = parse_timing(block[t], name, block_start + 1 + t)
        raw = "\n".join(block[t + 1 :])
        teams = teams or "<v " in raw or "<v." in raw
        speaker, spoken = cue_speaker(raw, allow_colon=True)
        if spoken:
            cues.append(
                Turn(speaker=speaker, text=spoken, start=start, end=end, line=block_start + 1)
            )
    cues, repeated = drop_repeated_cues(cues, name)
    turns, has_speakers = cues_to_turns(cues)
    fmt = "vtt-teams" if teams else ("vtt-zoom" if has_speakers else "vtt")
    tr = Transcript(name=name, format=fmt, turns=turns, warnings=repeated)
    count_labels(tr, cues)
    if not has_speakers:
        tr.warnings.append(f"{name}: no speakers in the captions; one turn per cue, times kept")
    if not cues:
        raise ParseError(name, "no cues with text in this WebVTT file")
    return tr
