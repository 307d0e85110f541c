"""Anything without recognisable speakers: plain text, one unlabelled turn per paragraph."""

from __future__ import annotations

from .model import Transcript, Turn


def parse_plain(text: str, name: str, reason: str = "no speaker labels found") -> Transcript:
    """Return a transcript with one speaker-less turn per paragraph and a warning saying why."""
    tr = Transcript(name=name, format="plain")
    line_no, block, start_line = 0, [], 1
    for line_no, line in enumerate(text.split("\n") + [""], start=1):
        if line.strip():
            if not block:
                start_line = line_no
            block.append(line.strip())
        elif block:
            tr.turns.append(Turn(speaker=None, text="\n".join(block), line=start_line))
            block = []
    tr.warnings.append(
        f"{name}: {reason}; imported as plain text (one turn per paragraph, no speakers)"
    )
    return tr
