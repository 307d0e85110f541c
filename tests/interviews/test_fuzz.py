"""Property tests: any text parses into a consistent document or fails with a ParseError naming
the file."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.model import ParseError, normalize_text
from interviews.document import transcript_to_document
from interviews.parse import parse_text

LINES = st.sampled_from(
    [
        "Interviewer: How did it start?",
        "Expert 2: It started in 2014.",
        "[00:01:02] Ana Torres: Sí, claro.",
        "MARTA GIL (00:00:05): Hello.",
        "P: ¿Dónde?",
        "R: Aquí.",
        "",
        "",
        "continued line without label",
        "Ana Torres  0:03",
        "WEBVTT",
        "00:00:01.000 --> 00:00:02.000",
        "1",
        "00:00:01,000 --> 00:00:02,000",
        "<v Laura>Hi</v>",
        "The main issue: money.",
        "NOTE something",
        "🙂 emoji line",
        "a: b",
        "   ",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, max_size=25), st.text(max_size=40))
def test_fuzz_transcripts_parse_or_fail_cleanly(lines, noise):
    text = normalize_text("\n".join(lines) + "\n" + noise)
    try:
        tr = parse_text(text, "fuzz.txt")
    except ParseError as exc:
        assert str(exc).startswith("fuzz.txt: ")
        return
    doc = transcript_to_document(tr, language=False)
    doc.check()
    assert [doc.text[s.start : s.end] for s in doc.segments] == [t.text.strip() for t in tr.turns]
    for a, b in zip(tr.turns, tr.turns[1:]):
        assert not (a.speaker and a.speaker == b.speaker)
