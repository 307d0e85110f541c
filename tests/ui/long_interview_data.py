"""Data for the coding browser tests: a long fictional interview (150 turns) with codes, pinned
quick keys and another coder's codings."""

from __future__ import annotations

import coding
from corpus import get_text
from interviews import parse_transcript, store_transcript

TOPICS = [
    "the water committee",
    "school transport",
    "the clinic's opening hours",
    "market prices",
    "the new bridge",
]


def long_interview(turns: int = 150) -> str:
    """Return a fictional transcript of ``turns`` turns, every answer a few lines long."""
    lines = []
    for i in range(1, turns + 1):
        topic = TOPICS[i % len(TOPICS)]
        if i % 2:
            lines.append(f"Interviewer: Question {i}: what did people say about {topic}?")
        else:
            lines.append(
                f"Participant: Answer {i}. About {topic}, neighbours said the meetings were long "
                f"and the decisions slow; marker-{i} is where this answer says so. Some of them "
                "kept notes, others only remembered the arguments, and the council minutes were "
                "never shared with the village."
            )
    return "\n\n".join(lines) + "\n"


def fill_long_interview(db) -> dict:
    """Store the long interview, three codes and one of 'ana''s codings on it; return the ids."""
    data = long_interview().encode("utf-8")
    doc = store_transcript(
        db, parse_transcript("long.txt", data=data, name="Long interview (fictional)"), data
    )
    ids = {"doc": doc}
    ids["trust"] = coding.add_code(db, "Trust", color="#4e79a7")
    ids["delay"] = coding.add_code(db, "Delay", color="#e15759")
    ids["place"] = coding.add_code(db, "Place <img src=x onerror=alert(9) & co", color="#59a14f")
    text = get_text(db, doc)
    for n, code in ((80, "Trust"), (84, "Delay")):  # half-way down: another coder's codings
        at = text.index(f"marker-{n} ")
        coding.code_span(db, doc, at, at + len(f"marker-{n}"), code, "ana")
    ids["text"] = text
    return ids
