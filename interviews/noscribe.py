"""noScribe's HTML transcripts: every segment is an anchor ``<a name="ts_START_END_SPEAKER">``
(milliseconds; the speaker part is missing in files made without speaker detection), a new
paragraph at each change of speaker whose first segment starts with ``SPEAKER:``, and optional
``[hh:mm:ss]`` marks in the text. The title and the note paragraphs above have no anchor and are
left out. Each paragraph becomes a turn (consecutive paragraphs of one speaker join) whose
segments are kept as timed stretches (``Turn.words``), so a quote gets its segment's times.
noScribe's WebVTT export (``<v S01>`` cues) is read by the VTT parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .model import ParseError, Transcript, Turn, merge_turns

_ANCHOR = re.compile(r"^ts_(\d+)_(\d+)(?:_(.*))?$", re.S)
_MARK = re.compile(r"""<a\s[^>]*name\s*=\s*["']?ts_\d+_\d+""", re.I)
_STAMP = re.compile(r"^\s*\[\d{1,2}:\d{2}(?::\d{2})?\]\s*")


def is_noscribe_html(text: str) -> bool:
    """True when ``text`` is HTML with noScribe's ``<a name="ts_...">`` segment anchors."""
    head = text.lstrip("\ufeff \n\r\t")[:2000].lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body", "<p")) and bool(
        _MARK.search(text[:2_000_000])
    )


class _Segments(HTMLParser):
    """Collect (paragraph number, anchor name, text) of every anchor named ``ts_...``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraph = 0
        self.anchor: str | None = None
        self.depth = 0  # tags open inside the anchor
        self.skip = 0  # inside <script>/<style>
        self.parts: list[str] = []
        self.line = 0
        self.segments: list[tuple[int, str, str, int]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "p":
            self.paragraph += 1
        elif tag == "br" and self.anchor is not None:
            self.parts.append(" ")
        elif tag == "a" and self.anchor is None:
            name = dict(attrs).get("name") or ""
            if name.startswith("ts_"):
                self.anchor, self.parts, self.depth = name, [], 0
                self.line = self.getpos()[0]
                return
        if self.anchor is not None and tag != "br":
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif self.anchor is not None:
            if tag == "a" and self.depth == 0:
                text = " ".join("".join(self.parts).split())
                self.segments.append((self.paragraph, self.anchor, text, self.line))
                self.anchor = None
            else:
                self.depth = max(0, self.depth - 1)

    def handle_data(self, data):
        if self.anchor is not None and not self.skip:
            self.parts.append(data)


def parse_noscribe_html(text: str, name: str) -> Transcript:
    """Return the turns of a noScribe HTML transcript; ParseError naming the file for HTML
    without segment anchors or with a broken one."""
    parser = _Segments()
    parser.feed(text)
    parser.close()
    if parser.anchor is not None:  # the last anchor was never closed (file cut short)
        parser.handle_endtag("a")
    if not parser.segments:
        raise ParseError(
            name,
            'HTML without noScribe\'s segment marks (<a name="ts_...">): not a noScribe transcript',
        )
    tr = Transcript(name=name, format="noscribe-html")
    paragraphs: list[Turn] = []
    last_paragraph = None
    for paragraph, anchor, words, line in parser.segments:
        m = _ANCHOR.match(anchor)
        if not m:
            raise ParseError(name, f"line {line}: segment mark {anchor[:40]!r} is not ts_START_END")
        start, end = int(m.group(1)) / 1000, int(m.group(2)) / 1000
        if end < start:
            raise ParseError(name, f"line {line}: a segment ends before it starts")
        speaker = (m.group(3) or "").strip() or None
        words = _STAMP.sub("", words)
        if speaker and words.startswith(f"{speaker}:"):
            words = words[len(speaker) + 1 :].lstrip()
            tr.label_counts[speaker] += 1
        words = _STAMP.sub("", words)
        if not words:
            continue
        if last_paragraph != paragraph or paragraphs[-1].speaker != speaker:
            paragraphs.append(Turn(speaker, "", start, end, line))
            last_paragraph = paragraph
        turn = paragraphs[-1]
        at = len(turn.text) + (1 if turn.text else 0)
        turn.text = f"{turn.text} {words}" if turn.text else words
        turn.end = end
        turn.words.append((at, at + len(words), start, end))
    tr.turns = merge_turns(paragraphs, joiner=" ")
    tr.merged_labels = len(paragraphs) - len(tr.turns)
    if not tr.speakers:
        tr.warnings.append(f"{name}: no speakers in the noScribe file; one turn per paragraph")
    return tr
