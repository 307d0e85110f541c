"""The outputs of the tools researchers transcribe with, in the shapes those tools write them
(the files are written here): Whisper's JSON with word times, Whisper's SRT with
``--highlight_words`` (the segment repeated once per underlined word), noScribe's HTML (segment
anchors ``ts_START_END_SPEAKER``) and noScribe's WebVTT. Turns, speakers and times to the
millisecond, and the word (or segment) times stored in ``word_times`` where a quote finds them."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from coding import edit_document
from corpus import ParseError, get_text
from interviews import import_transcripts, parse_transcript, span_times, turn_times, word_times

WHISPER = {
    "text": " Good morning, thanks for coming. Sure, it began in 2014.",
    "segments": [
        {
            "id": 0,
            "start": 3.12,
            "end": 5.0,
            "text": " Good morning, thanks for coming.",
            "words": [
                {"word": " Good", "start": 3.12, "end": 3.4, "probability": 0.9},
                {"word": " morning,", "start": 3.4, "end": 3.904, "probability": 0.9},
                {"word": " thanks", "start": 4.0, "end": 4.3, "probability": 0.9},
                {"word": " for", "start": 4.3, "end": 4.5, "probability": 0.9},
                {"word": " coming.", "start": 4.5, "end": 5.0, "probability": 0.9},
            ],
        },
        {
            "id": 1,
            "start": 10.25,
            "end": 12.7,
            "text": " Sure, it began in 2014.",
            "words": [
                {"word": " Sure,", "start": 10.25, "end": 10.6},
                {"word": " it", "start": 10.6, "end": 10.7},
                {"word": " began", "start": 10.7, "end": 11.1},
                {"word": " in", "start": 11.1, "end": 11.2},
                {"word": " 2014.", "start": 11.2, "end": 12.7},
            ],
        },
    ],
    "language": "en",
}

# whisper --output_format srt --word_timestamps True --highlight_words True (openai-whisper's
# writer: one cue per word, the segment text repeated, a plain cue over a gap between words)
HIGHLIGHT_SRT = """1
00:00:03,120 --> 00:00:03,400
<u>Good</u> morning, thanks.

2
00:00:03,400 --> 00:00:03,904
Good <u>morning,</u> thanks.

3
00:00:03,904 --> 00:00:04,000
Good morning, thanks.

4
00:00:04,000 --> 00:00:04,300
Good morning, <u>thanks.</u>

5
00:00:10,250 --> 00:00:10,600
<u>Sure,</u> it began &amp; ended.

6
00:00:10,600 --> 00:00:10,700
Sure, <u>it</u> began &amp; ended.

7
00:00:10,700 --> 00:00:11,100
Sure, it <u>began</u> &amp; ended.

8
00:00:11,100 --> 00:00:11,250
Sure, it began <u>&amp;</u> ended.

9
00:00:11,250 --> 00:00:12,700
Sure, it began &amp; <u>ended.</u>
"""

# noScribe's HTML: title and note paragraphs, then a paragraph per change of speaker whose
# first segment starts with 'SPEAKER:'; optional [hh:mm:ss] marks
NOSCRIBE_HTML = """<!DOCTYPE html>
<html><head><meta charset="UTF-8"/><style>p { margin: 0 }</style></head><body>
<p style="font-weight: 600;">entrevista 7</p>
<p style="color: #909090;">Transcribed with noScribe vers. 0.6.2<br />Audio file: e7.mp3</p>
<p><a name="ts_3120_6480_S00" >S00: Buenos días, gracias por venir.</a>
<a name="ts_6480_9904_S00" > ¿Cómo empezó el consorcio?</a></p>
<p><a name="ts_10250_19700_S01" >S01: [00:00:10] Empezó en 2014 con tres universidades.</a>
<a name="ts_19700_21050_S01" > (..) Y con <b>Querétaro</b>.</a></p>
<p><a name="ts_22900_29400_S00" >S00: ¿Y después?</a></p>
<script>alert("no")</script>
</body></html>
"""

NOSCRIBE_VTT = """WEBVTT entrevista 7

NOTE
Transcribed with noScribe vers. 0.6.2
Audio file: e7.mp3

NOTE media: /home/ana/e7.mp3

1
00:00:03.120 --> 00:00:06.480
<v S00>Buenos días, gracias por venir.

2
00:00:06.480 --> 00:00:09.904
<v S00> ¿Cómo empezó el consorcio?

3
00:00:10.250 --> 00:00:19.700
<v S01>Empezó en 2014 con tres universidades.
"""


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _words_in_text(db, doc) -> list[tuple[str, float, float]]:
    text = get_text(db, doc)
    w = word_times(db, doc)
    return [(text[a:b], s, e) for a, b, s, e in w.itertuples(index=False)]


def test_whisper_json_word_times_are_stored_on_their_words(db, tmp_path):
    path = _write(tmp_path, "whisper.json", json.dumps(WHISPER))
    (outcome,) = import_transcripts([str(path)], db)
    assert outcome.status == "ok"
    doc = outcome.document_id
    words = _words_in_text(db, doc)
    assert words[:2] == [("Good", 3.12, 3.4), ("morning,", 3.4, 3.904)]
    assert words[-1] == ("2014.", 11.2, 12.7)
    assert len(words) == 10
    # a quote of 'began in 2014' takes its words' times, not its turn's
    text = get_text(db, doc)
    a = text.index("began")
    spans = pd.DataFrame({"document_id": [doc], "char_start": [a], "char_end": [a + 13]})
    assert span_times(db, spans).iloc[0].tolist() == [10.7, 12.7]


def test_word_times_follow_a_correction(db, tmp_path):
    path = _write(tmp_path, "whisper.json", json.dumps(WHISPER))
    (outcome,) = import_transcripts([str(path)], db)
    text = get_text(db, outcome.document_id)
    new = edit_document(db, outcome.document_id, text.replace("Good", "Very good", 1), "ana")
    words = _words_in_text(db, new.new_document_id)
    assert ("morning,", 3.4, 3.904) in words and ("2014.", 11.2, 12.7) in words


def test_whisper_srt_with_highlighted_words_gives_one_cue_per_segment(db, tmp_path):
    path = _write(tmp_path, "highlight.srt", HIGHLIGHT_SRT)
    tr = parse_transcript(path)
    assert tr.format == "srt-whisper-words"
    assert [(t.text, t.start, t.end) for t in tr.turns] == [
        ("Good morning, thanks.", 3.12, 4.3),
        ("Sure, it began & ended.", 10.25, 12.7),
    ]
    (outcome,) = import_transcripts([str(path)], db)
    assert outcome.status == "ok"
    words = _words_in_text(db, outcome.document_id)
    assert words == [
        ("Good", 3.12, 3.4),
        ("morning,", 3.4, 3.904),
        ("thanks.", 4.0, 4.3),
        ("Sure,", 10.25, 10.6),
        ("it", 10.6, 10.7),
        ("began", 10.7, 11.1),
        ("&", 11.1, 11.25),
        ("ended.", 11.25, 12.7),
    ]
    assert get_text(db, outcome.document_id).count("Good morning") == 1


def test_plain_srt_that_repeats_a_line_is_not_taken_for_highlights(tmp_path):
    plain = "1\n00:00:01,000 --> 00:00:02,000\nYes.\n\n2\n00:00:05,000 --> 00:00:06,000\nYes.\n"
    tr = parse_transcript(_write(tmp_path, "yes.srt", plain))
    assert tr.format == "srt" and [t.start for t in tr.turns] == [1.0, 5.0]


def test_noscribe_html_turns_speakers_times_and_segments(db, tmp_path):
    path = _write(tmp_path, "entrevista7.html", NOSCRIBE_HTML)
    tr = parse_transcript(path)
    assert tr.format == "noscribe-html"
    assert [(t.speaker, t.start, t.end) for t in tr.turns] == [
        ("S00", 3.12, 9.904),
        ("S01", 10.25, 21.05),
        ("S00", 22.9, 29.4),
    ]
    assert tr.turns[0].text == "Buenos días, gracias por venir. ¿Cómo empezó el consorcio?"
    assert tr.turns[1].text == "Empezó en 2014 con tres universidades. (..) Y con Querétaro."
    assert all("entrevista 7" not in t.text and "alert" not in t.text for t in tr.turns)
    (outcome,) = import_transcripts([str(path)], db)
    assert outcome.status == "ok"
    doc = outcome.document_id
    times = turn_times(db, doc)
    assert times[["t_start", "t_end"]].values.tolist() == [
        [3.12, 9.904],
        [10.25, 21.05],
        [22.9, 29.4],
    ]
    segments = _words_in_text(db, doc)
    assert segments[1] == ("¿Cómo empezó el consorcio?", 6.48, 9.904)
    assert segments[3] == ("(..) Y con Querétaro.", 19.7, 21.05)
    text = get_text(db, doc)
    a = text.index("Querétaro")
    spans = pd.DataFrame({"document_id": [doc], "char_start": [a], "char_end": [a + 9]})
    assert span_times(db, spans).iloc[0].tolist() == [19.7, 21.05]


def test_noscribe_html_without_speakers(tmp_path):
    html = (
        "<html><body><p>t</p><p><a name='ts_0_1500'>Hola.</a>"
        "<a name='ts_1500_2250'> Qué tal.</a></p></body></html>"
    )
    tr = parse_transcript(_write(tmp_path, "nospk.html", html))
    assert [(t.speaker, t.text, t.start, t.end) for t in tr.turns] == [
        (None, "Hola. Qué tal.", 0.0, 2.25)
    ]
    assert any("no speakers" in w for w in tr.warnings)


@pytest.mark.parametrize(
    "body, reason",
    [
        ("<html><body><p>Just a page</p></body></html>", "not a noScribe transcript"),
        ("<html><body><p><a name='ts_5000_2000_S1'>x</a></p></body></html>", "ends before"),
    ],
)
def test_html_that_is_not_noscribe_names_the_file(tmp_path, body, reason):
    with pytest.raises(ParseError, match=f"^page.html: .*{reason}"):
        parse_transcript(_write(tmp_path, "page.html", body))


def test_noscribe_vtt_reads_as_webvtt_with_speakers(tmp_path):
    tr = parse_transcript(_write(tmp_path, "entrevista7.vtt", NOSCRIBE_VTT))
    assert [(t.speaker, t.start, t.end) for t in tr.turns] == [
        ("S00", 3.12, 9.904),
        ("S01", 10.25, 19.7),
    ]
    assert "noScribe" not in " ".join(t.text for t in tr.turns)
