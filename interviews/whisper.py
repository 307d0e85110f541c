"""Whisper's JSON (``whisper --output_format json``, faster-whisper and whisperX exports): one
turn per segment with its exact start and end; whisperX's ``speaker`` names the turn, and
consecutive segments of one speaker join into one turn (their first start, last end). The words'
times (``--word_timestamps True``, whisperX alignment) are kept as the turns' timed words."""

from __future__ import annotations

import json

from .model import ParseError, Transcript, Turn, merge_turns
from .word_spans import locate_words


def is_whisper_json(text: str) -> bool:
    """True when ``text`` looks like Whisper's JSON: an object with a ``segments`` list."""
    head = text.lstrip("\ufeff \n\r\t")[:4000]
    return head.startswith("{") and '"segments"' in text[:200_000]


def parse_whisper_json(text: str, name: str) -> Transcript:
    """Return the turns of a Whisper JSON transcript; ParseError for JSON that is not one."""
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except ValueError as exc:
        raise ParseError(name, f"not valid JSON ({exc})") from exc
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, list):
        raise ParseError(name, "JSON without a 'segments' list: not a Whisper transcript")
    tr = Transcript(name=name, format="whisper-json")
    turns: list[Turn] = []
    for i, seg in enumerate(segments, start=1):
        if not isinstance(seg, dict):
            raise ParseError(name, f"segment {i} is not an object")
        words = str(seg.get("text") or "").strip()
        if not words:
            continue
        start, end = _seconds(seg.get("start")), _seconds(seg.get("end"))
        if start is None:
            raise ParseError(name, f"segment {i} has no start time")
        speaker = seg.get("speaker")
        speaker = str(speaker).strip() or None if speaker is not None else None
        if speaker:
            tr.label_counts[speaker] += 1
        timed = locate_words(words, _words(seg.get("words")))
        turns.append(Turn(speaker, words, start, end if end is not None else None, i, timed))
    if turns and any(t.start is not None and t.end is not None and t.end < t.start for t in turns):
        raise ParseError(name, "a segment ends before it starts")
    tr.turns = merge_turns(turns, joiner=" ")
    tr.merged_labels = len(turns) - len(tr.turns)
    return tr


def _seconds(v) -> float | None:
    try:
        return round(float(v), 3) if v is not None else None
    except (TypeError, ValueError):
        return None


def _words(items) -> list[tuple[str, float | None, float | None]]:
    """(word, start, end) of a segment's ``words`` list (whisperX leaves some words untimed)."""
    if not isinstance(items, list):
        return []
    return [
        (str(w.get("word") or ""), _seconds(w.get("start")), _seconds(w.get("end")))
        for w in items
        if isinstance(w, dict)
    ]
