"""Whisper's JSON (openai-whisper, faster-whisper) and whisperX's (with speakers) import as
transcripts whose turns keep each segment's times to the millisecond."""

from __future__ import annotations

import pytest

from corpus import ParseError
from interviews import import_transcripts, parse_transcript, turn_times


def test_whisper_json_gives_a_turn_per_segment_with_exact_times(data_dir):
    tr = parse_transcript(data_dir / "whisper.json")
    assert tr.format == "whisper-json"
    assert [(t.speaker, t.start, t.end) for t in tr.turns] == [
        (None, 3.12, 6.48),
        (None, 6.48, 9.9),
        (None, 10.25, 19.7),
    ]
    assert tr.turns[2].text == "Sure. It began in 2014 with three universities in Querétaro."


def test_whisperx_speakers_join_their_consecutive_segments(db, data_dir):
    tr = parse_transcript(data_dir / "whisperx.json")
    assert [(t.speaker, t.start, t.end) for t in tr.turns] == [
        ("SPEAKER_00", 3.12, 9.904),
        ("SPEAKER_01", 10.25, 19.7),
    ]
    assert tr.turns[0].text == "Buenos días, gracias por venir. ¿Cómo empezó el consorcio?"
    (outcome,) = import_transcripts([str(data_dir / "whisperx.json")], db)
    assert outcome.status == "ok"
    t = turn_times(db, outcome.document_id)
    assert t[["t_start", "t_end"]].values.tolist() == [[3.12, 9.904], [10.25, 19.7]]
    assert set(t["time_source"]) == {"file"}


@pytest.mark.parametrize(
    "body, reason",
    [
        (b'{"segments": [{"text": "hola"}]}', "segment 1 has no start time"),
        (b'{"segments": [{"start": 5, "end": 2, "text": "hola"}]}', "ends before it starts"),
        (b'{"text": "hola"}', "not a Whisper transcript"),
        (b'{"segments": [', "not valid JSON"),
    ],
)
def test_broken_whisper_json_names_the_file_and_the_problem(body, reason):
    with pytest.raises(ParseError, match=f"^out.json: .*{reason}"):
        parse_transcript("out.json", data=body)
