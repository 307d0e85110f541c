"""Whisper's subtitles with ``--highlight_words True``: each segment's text is repeated once per
word, the word being said underlined (``<u>word</u>``) and timed, with untimed gaps repeating the
plain text. ``collapse_highlights`` gives one cue per segment (first start, last end) whose timed
words come from the underlined ones."""

from __future__ import annotations

from .cues import clean, cue_speaker
from .model import Turn

_OPEN, _CLOSE = "\x00", "\x01"
GAP_S = 0.05  # cues of one segment follow each other; a later segment may repeat its text


def has_highlights(raw_texts: list[str]) -> bool:
    """True when cues underline words the way Whisper's ``--highlight_words`` does."""
    return sum("<u>" in t for t in raw_texts) >= max(1, len(raw_texts) // 3)


def _marked(raw: str) -> tuple[str, tuple[int, int] | None]:
    """Return (clean text, range of the underlined word in it or None)."""
    marked = clean(raw.replace("<u>", _OPEN).replace("</u>", _CLOSE))
    a, b = marked.find(_OPEN), marked.find(_CLOSE)
    text = marked.replace(_OPEN, "").replace(_CLOSE, "")
    if a < 0 or b < a:
        return text, None
    return text, (a, b - 1)


def collapse_highlights(cues: list[tuple[float, float, str, int]]) -> list[Turn]:
    """Return one Turn per run of consecutive cues with the same text that follow each other in
    time, from ``(start, end, raw text, line)`` cues, each with its underlined words timed."""
    out: list[Turn] = []
    last_end: float | None = None
    for start, end, raw, line in cues:
        text, word = _marked(raw)
        if not text:
            continue
        prev = out[-1] if out else None
        same = (
            prev is not None
            and prev.text == text
            and last_end is not None
            and abs(start - last_end) <= GAP_S
        )
        if not same:
            prev = Turn(None, text, start, end, line)
            out.append(prev)
        prev.end = max(prev.end or end, end)
        if word is not None and word[1] > word[0]:
            prev.words.append((word[0], word[1], start, end))
        last_end = end
    for t in out:  # 'Name: text' subtitles: the words move with the text
        speaker, spoken = cue_speaker(t.text, allow_colon=True)
        if speaker:
            shift = t.text.find(spoken)
            t.speaker, t.text = speaker, spoken
            t.words = [(a - shift, b - shift, s, e) for a, b, s, e in t.words if a >= shift]
    return out
