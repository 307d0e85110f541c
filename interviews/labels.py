"""Plain-text transcripts with speaker labels.

Labels: ``Name: text``, ``NAME: text``, ``[00:01:02] Name: text``,
``Name (00:01:02): text``, ``Interviewer:``/``Entrevistador:``/``P:``/``R:``, role words in lower
case (``interviewer: text``, ``interviewee 2: text``, shown capitalised) and bracketed speaker ids
(``[id1] text``, ``[Interviewer] text``, as QualCoder's example transcript writes them); other
lines continue the turn.

A label must open a line; a one-off label-like phrase that continues an unfinished sentence is text,
not a new turn (``... we met the director of\nCONACYT: he said`` stays one turn).
"""

from __future__ import annotations

import re
from collections import Counter

from .model import Transcript, Turn, merge_turns, parse_time

_TS = r"\d{1,3}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
LABEL_LINE = re.compile(
    rf"^\s*(?:[\[(]?(?P<pre>{_TS})[\])]?\s*[-–]?\s*)?"
    r"(?P<label>[A-ZÁÉÍÓÚÑÜ][\w.'’\-]*(?:[ \t][\w.'’\-]+){0,3}?)"
    r"(?:\s*\((?P<role>[^()\d:]{2,25})\))?"
    rf"\s*(?:[\[(](?P<post>{_TS})[\])])?\s*:(?P<rest>\s.*|)$"
)
# a role word written in lower case ('interviewer: ...'); single letters ('a:', 'p:') are too
# ambiguous in lower case
LOWER_ROLE_LINE = re.compile(
    r"^\s*(?P<label>[a-záéíóúñü]{3,}(?:[ \t]?\d{1,3})?)\s*:(?P<rest>\s.*|)$"
)
# a bracketed speaker id opening a line: '[id1] hello', '[Speaker 2] ...', '[Interviewer]: ...';
# '[00:01:02]' (a time) and '[laughs]' (no digit, not a role) are not speakers
BRACKET_LINE = re.compile(
    r"^\s*\[(?P<label>[A-Za-zÁÉÍÓÚÑÜáéíóúñü][\w.\-]{0,15}(?:[ \t]?\d{1,4})?)\]\s*:?"
    r"(?P<rest>\s.*|)$"
)
# labels that name a role: always labels, even when seen once
ROLE_WORDS = {
    "interviewer",
    "interviewee",
    "entrevistador",
    "entrevistadora",
    "entrevistado",
    "entrevistada",
    "p",
    "r",
    "q",
    "a",
    "moderator",
    "moderador",
    "moderadora",
    "respondent",
    "participant",
    "participante",
    "speaker",
    "hablante",
    "investigador",
    "investigadora",
    "researcher",
    "host",
    "guest",
    "experto",
    "experta",
    "expert",
    "int",
    "resp",
}
INTERVIEWER_WORDS = {
    "interviewer",
    "entrevistador",
    "entrevistadora",
    "p",
    "q",
    "moderator",
    "moderador",
    "moderadora",
    "investigador",
    "investigadora",
    "researcher",
    "host",
    "int",
}
INTERVIEWEE_WORDS = {
    "interviewee",
    "entrevistado",
    "entrevistada",
    "r",
    "a",
    "respondent",
    "participant",
    "participante",
    "experto",
    "experta",
    "expert",
    "guest",
    "resp",
}
_SENTENCE_END = tuple('.?!…:;"”»)]')
_NOT_LABEL = {"note", "nota", "http", "https", "e.g", "i.e", "ps", "re", "subject", "asunto"}


def role_word(label: str) -> str:
    """Return a label's first word, lower-case, no digits ('Interviewer 2' -> 'interviewer')."""
    word = re.split(r"[\s\d]+", label.strip().lower(), maxsplit=1)[0]
    return word.rstrip(".")


def match_label(line: str) -> tuple[str, float | None, str] | None:
    """Return (label, seconds or None, rest of line) when ``line`` opens with a speaker label."""
    m = _match(line)
    if not m:
        return _match_lower(line) or _match_bracket(line)
    ts = m.group("pre") or m.group("post")
    return (
        " ".join(m.group("label").split()),
        (parse_time(ts) if ts else None),
        m.group("rest").strip(),
    )


def _match_lower(line: str) -> tuple[str, None, str] | None:
    """Return a lower-case role label ('interviewer 2: ...') as ('Interviewer 2', None, rest)."""
    m = LOWER_ROLE_LINE.match(line)
    if not m or role_word(m.group("label")) not in ROLE_WORDS:
        return None
    label = " ".join(m.group("label").split())
    return label[:1].upper() + label[1:], None, m.group("rest").strip()


def _match_bracket(line: str) -> tuple[str, None, str] | None:
    """Return a bracketed speaker id ('[id1] hello') as ('id1', None, 'hello')."""
    m = BRACKET_LINE.match(line)
    if not m:
        return None
    label = " ".join(m.group("label").split())
    if not (any(ch.isdigit() for ch in label) or role_word(label) in ROLE_WORDS):
        return None  # '[laughs]', '[inaudible]': stage directions, not speakers
    return label, None, m.group("rest").strip()


def _match(line: str):
    m = LABEL_LINE.match(line)
    if not m:
        return None
    label = " ".join(m.group("label").split())
    if len(label) > 40 or role_word(label) in _NOT_LABEL or label.lower().startswith("http"):
        return None
    return m


def label_role(line: str) -> str | None:
    """Return the role in parentheses after a label, or None.

    'Ana Torres (Interviewer):' -> 'interviewer'.
    """
    m = _match(line)
    if not m or not m.group("role"):
        return None
    word = role_word(m.group("role"))
    return (
        "interviewer"
        if word in INTERVIEWER_WORDS
        else "interviewee"
        if word in INTERVIEWEE_WORDS
        else None
    )


def label_candidates(lines: list[str]) -> Counter:
    """Return how often each label-like phrase opens a line."""
    return Counter(m[0] for m in map(match_label, lines) if m)


def is_labelled(lines: list[str]) -> bool:
    """Return True when the text looks like a labelled transcript (a label twice or role labels)."""
    counts = label_candidates(lines)
    strong = sum(n for lab, n in counts.items() if n >= 2 or role_word(lab) in ROLE_WORDS)
    names = sum(n for lab, n in counts.items() if _looks_like_name(lab))
    return strong >= 2 or (strong >= 1 and names >= 2)


def parse_labels(text: str, name: str) -> Transcript:
    """Return the turns of a labelled plain-text transcript (text decoded and normalised)."""
    lines = text.split("\n")
    counts = label_candidates(lines)
    known = {lab for lab, n in counts.items() if n >= 2 or role_word(lab) in ROLE_WORDS}
    tr = Transcript(name=name, format="labels")
    turns: list[Turn] = []
    cur: Turn | None = None
    paragraphs: list[str] = []
    prev_line = ""
    blank_before = True

    def flush():
        if cur is not None:
            cur.text = "\n".join(p for p in paragraphs if p)
            if cur.text or cur.speaker:
                turns.append(cur)

    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            blank_before = True
            if paragraphs and paragraphs[-1]:
                paragraphs.append("")
            continue
        m = match_label(raw)
        if m and m[0] not in known and (_match(raw) is None and BRACKET_LINE.match(raw)):
            m = None  # a one-off '[Figure 2] shows ...' is text; speaker ids come back
        if (
            m
            and m[0] not in known
            and not ((blank_before or prev_line.endswith(_SENTENCE_END)) and _looks_like_name(m[0]))
        ):
            # a one-off "Word:" continuing an unfinished sentence, or a prose heading, is text
            m = None
        if m:
            flush()
            label, ts, rest = m
            tr.label_counts[label] += 1
            hint = label_role(raw)
            if hint:
                tr.role_hints.setdefault(label, hint)
            cur = Turn(speaker=label, text="", start=ts, line=n)
            paragraphs = [rest] if rest else []
        else:
            if cur is None:
                cur = Turn(speaker=None, text="", line=n)
                paragraphs = []
            if paragraphs and paragraphs[-1] and not blank_before:
                paragraphs[-1] += " " + line if _wrapped(paragraphs[-1]) else "\n" + line
            elif paragraphs and not paragraphs[-1]:
                paragraphs[-1] = line
            else:
                paragraphs.append(line)
        prev_line = line
        blank_before = False
    flush()
    if turns and turns[0].speaker is None:
        tr.warnings.append(
            f"{name}: line {turns[0].line}: text before the first speaker label kept as an"
            " unlabelled turn"
        )
    tr.turns = merge_turns(turns)
    tr.merged_labels = len(turns) - len(tr.turns)
    return tr


def _looks_like_name(label: str) -> bool:
    return all(w[:1].isupper() or w[:1].isdigit() for w in label.split())


def _wrapped(previous: str) -> bool:
    # a hard-wrapped line continues the paragraph; a line after a finished sentence starts a new one
    return not previous.rstrip().endswith(_SENTENCE_END)
