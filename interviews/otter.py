"""Otter.ai exports: a line ``Speaker Name  0:03`` (or ``1:02:03``), then the text of that turn."""

from __future__ import annotations

import re

from .model import Transcript, Turn, merge_turns, parse_time

# a name of at most five words without sentence punctuation, then the time: 'We met at 9:15' is
# text, not a header
HEADER = re.compile(
    r"^(?P<name>[^\s:\d.,;?!][^:.,;?!]{0,48}?)\s+(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)\s*$"
)
FOOTER = re.compile(r"^\s*transcribed by\s+https?://otter\.ai\s*$", re.IGNORECASE)


def is_otter(lines: list[str]) -> bool:
    """Return True when at least two lines are Otter-style speaker headers."""
    return (
        sum(
            1
            for line in lines
            if (m := HEADER.match(line.strip())) and len(m.group("name").split()) <= 5
        )
        >= 2
    )


def parse_otter(text: str, name: str) -> Transcript:
    """Return the turns of an Otter.ai style text (speaker + time header line, then text lines)."""
    tr = Transcript(name=name, format="otter")
    turns: list[Turn] = []
    cur: Turn | None = None
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if FOOTER.match(line):
            tr.warnings.append(f"{name}: line {n}: Otter.ai footer left out")
            continue
        m = HEADER.match(line)
        if m and len(m.group("name").split()) > 5:
            m = None
        if m:
            label = " ".join(m.group("name").split())
            tr.label_counts[label] += 1
            cur = Turn(speaker=label, text="", start=parse_time(m.group("ts")), line=n)
            turns.append(cur)
        elif cur is None:
            cur = Turn(speaker=None, text=line, line=n)
            turns.append(cur)
            tr.warnings.append(
                f"{name}: line {n}: text before the first speaker header kept as an unlabelled turn"
            )
        else:
            cur.text = f"{cur.text}\n{line}" if cur.text else line
    # a turn ends where the next begins
    for a, b in zip(turns, turns[1:]):
        if a.start is not None and b.start is not None:
            a.end = b.start
    tr.turns = merge_turns([t for t in turns if t.text or t.speaker])
    return tr
