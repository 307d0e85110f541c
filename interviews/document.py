"""A ``Transcript`` as a corpus ``Document``: readable ``Speaker [00:01:02]: text`` blocks.

Each turn is one segment of kind 'turn'.
"""

from __future__ import annotations

import re
from pathlib import Path

from corpus import (
    Document,
    DocumentKind,
    Segment,
    detect_language,
    language_bucket,
    sha256_bytes,
)

from .labels import INTERVIEWEE_WORDS, INTERVIEWER_WORDS, ROLE_WORDS, role_word
from .model import Transcript, format_time

# characters of a turn given to language detection: enough for EN/ES, keeps import linear and fast
LANGUAGE_SAMPLE = 400
FILE_TYPES = {
    "vtt-teams": "vtt",
    "vtt-zoom": "vtt",
    "vtt": "vtt",
    "srt": "srt",
    "srt-whisper-words": "srt",
    "whisper-json": "json",
    "noscribe-html": "html",
    "docx-table": "docx",
    "docx-labels": "docx",
    "docx-otter": "docx",
    "docx-plain": "docx",
}


def turn_label(speaker: str | None, start: float | None) -> str:
    """Return the label written before a turn's words ('' when neither speaker nor time known)."""
    ts = f"[{format_time(start)}]" if start is not None else ""
    if speaker:
        return f"{speaker} {ts}: " if ts else f"{speaker}: "
    return f"{ts} " if ts else ""


def transcript_to_document(
    tr: Transcript, data: bytes | None = None, title: str | None = None, language: bool = True
) -> Document:
    """Return a Document of kind 'interview': canonical text with labels, a 'turn' segment each."""
    parts: list[str] = []
    segments: list[Segment] = []
    pos = 0
    for no, t in enumerate(tr.turns, start=1):
        label = turn_label(t.speaker, t.start)
        body = t.text.strip()
        lead = len(t.text) - len(t.text.lstrip())
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(label + body)
        start = pos + len(label)
        pos = start + len(body)
        lang = (
            language_bucket(detect_language(body[:LANGUAGE_SAMPLE]))
            if language and len(body.split()) >= 6
            else None
        )
        segments.append(
            Segment(
                start=start,
                end=pos,
                kind="turn",
                data={
                    "turn_no": no,
                    "speaker": t.speaker,
                    "t_start": t.start,
                    "t_end": t.end,
                    "label_start": start - len(label),
                    "language": lang,
                    "line": t.line,
                    "words": [
                        (start + a - lead, start + b - lead, ts, te)
                        for a, b, ts, te in t.words
                        if 0 <= a - lead < b - lead <= len(body)
                    ],
                },
            )
        )
    text = "".join(parts)
    langs = [s.data["language"] for s in segments if s.data["language"]]
    doc_lang = max(set(langs), key=langs.count) if langs else None
    for s in segments:  # short turns take the interview's language
        if s.data["language"] is None:
            s.data["language"] = doc_lang
    name = tr.name
    return Document(
        text=text,
        title=title or Path(name).stem,
        source_name=name,
        kind=DocumentKind.INTERVIEW,
        file_type=FILE_TYPES.get(tr.format, "txt"),
        segments=segments,
        sha256=sha256_bytes(data if data is not None else text.encode("utf-8")),
        size=len(data) if data else len(text),
        language=doc_lang,
        warnings=list(tr.warnings),
        metadata={"transcript_format": tr.format, "encoding": tr.encoding},
    )


_GENERIC = re.compile(
    r"^(speaker|hablante|participant|participante|persona|voice|unknown|desconocido|id|spk)\s*\d*$",
    re.I,
)


def is_generic(label: str) -> bool:
    """Return True for labels that name a role, not a person ('Interviewer 2', 'R', 'Speaker 1')."""
    return role_word(label) in ROLE_WORDS or bool(_GENERIC.match(label.strip()))


def suggest_roles(tr: Transcript) -> dict[str, str]:
    """Return {speaker: 'interviewer'|'interviewee'|'other'} from labels, questions, lengths."""
    roles: dict[str, str] = {}
    stats: dict[str, list[int]] = {}
    for t in tr.turns:
        if t.speaker:
            s = stats.setdefault(t.speaker, [0, 0, 0])  # turns, words, questions
            s[0] += 1
            s[1] += len(t.text.split())
            s[2] += t.text.rstrip().endswith("?") or "?" in t.text[-80:]
    for sp in stats:
        w = role_word(sp)
        if sp in tr.role_hints:
            roles[sp] = tr.role_hints[sp]
        elif w in INTERVIEWER_WORDS:
            roles[sp] = "interviewer"
        elif w in INTERVIEWEE_WORDS:
            roles[sp] = "interviewee"
    undecided = [sp for sp in stats if sp not in roles]
    if undecided:
        if "interviewer" in roles.values():
            for sp in undecided:
                roles[sp] = "interviewee"
        elif len(stats) >= 2:
            # the interviewer asks more and says less per turn
            def asker(sp):
                turns, words, questions = stats[sp]
                return questions / turns - (words / turns) / 1000

            interviewer = max(undecided, key=asker)
            for sp in undecided:
                roles[sp] = "interviewer" if sp == interviewer else "interviewee"
        else:
            for sp in undecided:
                roles[sp] = "interviewee"
    return roles
