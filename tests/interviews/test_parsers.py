"""Transcript parsers on fixtures of every supported shape, bad input, the public interviews."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.model import ParseError
from interviews import parse_transcript
from interviews.model import parse_time
from interviews.parse import parse_text

DATA = Path(__file__).parent / "data"


def speakers_and_text(tr):
    return [(t.speaker, t.text) for t in tr.turns]


def test_transcripts_teams_vtt_voices_merge_consecutive_cues():
    tr = parse_transcript(DATA / "teams.vtt")
    assert tr.format == "vtt-teams"
    assert [t.speaker for t in tr.turns] == [
        "Laura Méndez",
        "Daniel Ortega",
        "Laura Méndez",
        "Daniel Ortega",
    ]
    first = tr.turns[0]
    assert (
        first.text == "Good morning, and thanks for joining us today."
        " Could you tell me how the consortium started?"
    )
    assert (first.start, first.end) == (3.12, 9.9)
    assert tr.turns[1].text.endswith(
        "in Querétaro and two aerospace suppliers that needed technicians."
    )
    assert "&amp;" not in tr.turns[3].text and "& the firms" in tr.turns[3].text
    assert tr.label_counts["Daniel Ortega"] == 3


def test_transcripts_zoom_vtt_colon_speakers():
    tr = parse_transcript(DATA / "zoom.vtt")
    assert tr.format == "vtt-zoom"
    assert [t.speaker for t in tr.turns] == [
        "Ana Torres",
        "Roberto Salinas",
        "Ana Torres",
        "Roberto Salinas",
    ]
    assert tr.turns[1].start == 8.1 and tr.turns[1].end == 18.0
    # a colon inside the spoken text does not make a new speaker
    assert tr.turns[3].text == "The council lost its budget line: timing was everything."


def test_transcripts_plain_vtt_turn_per_cue_with_times():
    tr = parse_transcript(DATA / "plain.vtt")
    assert tr.format == "vtt"
    assert [t.speaker for t in tr.turns] == [None, None, None]
    assert [(t.start, t.end) for t in tr.turns] == [(0.0, 3.0), (3.0, 6.5), (6.5, 10.0)]
    assert tr.turns[1].text == "Today we discuss dual education programmes."  # tags removed
    assert any("no speakers" in w for w in tr.warnings)


def test_transcripts_srt_speakers_and_plain():
    tr = parse_transcript(DATA / "captions.srt")
    assert tr.format == "srt"
    assert [t.speaker for t in tr.turns] == ["Entrevistadora", "Ingeniero Ruiz"]
    assert (
        tr.turns[0].text == "Buenos días, gracias por su tiempo."
        " ¿Cómo se formó el consorcio de manufactura avanzada?"
    )
    assert (tr.turns[1].start, tr.turns[1].end) == (9.1, 20.0)
    plain = parse_transcript(DATA / "no_speakers.srt")
    assert len(plain.turns) == 3 and all(t.speaker is None for t in plain.turns)


def test_transcripts_otter_headers_and_footer():
    tr = parse_transcript(DATA / "otter.txt")
    assert tr.format == "otter"
    assert [t.speaker for t in tr.turns] == [
        "Carmen Villalobos",
        "Jorge Castañeda",
        "Carmen Villalobos",
        "Jorge Castañeda",
    ]
    assert [t.start for t in tr.turns] == [3.0, 11.0, 19.0, 24.0]
    assert tr.turns[3].text.endswith("Later we added composites.")
    assert "otter.ai" not in " ".join(t.text for t in tr.turns)


@pytest.mark.parametrize(
    "name, speakers, starts",
    [
        (
            "labels_timestamps.txt",
            ["Interviewer", "Expert 2", "Interviewer", "Expert 2"],
            [2.0, 9.0, 75.0, 80.0],
        ),
        (
            "labels_parenthesis.txt",
            ["MARTA GIL", "DR. PABLO REYES", "MARTA GIL", "DR. PABLO REYES"],
            [5.0, 12.0, 31.0, 35.0],
        ),
        ("spanish_pr.txt", ["P", "R", "P", "R"], [None] * 4),
        (
            "entrevistador.txt",
            ["Entrevistador", "Entrevistado", "Entrevistador", "Entrevistado"],
            [None] * 4,
        ),
    ],
)
def test_transcripts_label_styles(name, speakers, starts):
    tr = parse_transcript(DATA / name)
    assert tr.format == "labels"
    assert [t.speaker for t in tr.turns] == speakers
    assert [t.start for t in tr.turns] == starts


def test_transcripts_continuation_lines_belong_to_previous_turn():
    tr = parse_transcript(DATA / "labels_timestamps.txt")
    assert tr.turns[1].text == (
        "We are a public research centre in Saltillo. We work with automotive suppliers "
        "on metrology and testing, mostly for export to the United States."
    )
    spanish = parse_transcript(DATA / "spanish_pr.txt")
    assert (
        spanish.turns[3].text == "La burocracia de los fondos federales. Los retrasos son largos.\n"
        "Además, falta personal técnico."
    )
    merged = parse_transcript(
        DATA / "entrevistador.txt"
    )  # two Entrevistado lines in a row: one turn
    assert (
        merged.turns[1].text == "Claro. El consejo binacional se creó para coordinar proyectos.\n"
        "Después vinieron los fondos mixtos."
    )
    assert merged.label_counts["Entrevistado"] == 3


def test_transcripts_label_in_mid_sentence_is_not_a_turn():
    tr = parse_transcript(DATA / "midsentence.txt")
    assert [t.speaker for t in tr.turns] == ["Interviewer", "Expert", "Interviewer", "Expert"]
    assert "who told us CONACYT: the agency, I mean, would fund half of it." in tr.turns[1].text
    assert "As we told the auditors: everything was in order." in tr.turns[3].text


def test_transcripts_cp1252_decoded():
    tr = parse_transcript(DATA / "cp1252.txt")
    assert tr.encoding == "cp1252"
    assert tr.turns[1].speaker == "Señor Peña"
    assert tr.turns[1].text == "En 1994, con el TLCAN. Fue un año difícil – pero útil."
    assert tr.turns[3].text.endswith("cambió todo…")


def test_transcripts_docx_table_and_bold_labels():
    table = parse_transcript(DATA / "table.docx")
    assert table.format == "docx-table"
    assert [t.speaker for t in table.turns] == [
        "Interviewer",
        "Lucía Fernández",
        "Interviewer",
        "Lucía Fernández",
    ]
    assert (
        table.turns[1].text == "It pays for certification audits and shares a metrology lab.\n"
        "Small firms could never afford that alone."
    )
    bold = parse_transcript(DATA / "bold_labels.docx")
    assert bold.format == "docx-labels"
    assert [t.speaker for t in bold.turns] == [
        "Entrevistador",
        "Sofía Ramírez",
        "Entrevistador",
        "Sofía Ramírez",
    ]
    assert bold.turns[3].text == "Doce proyectos conjuntos en cinco años."


def test_transcripts_no_labels_become_plain_text_with_warning():
    tr = parse_transcript(DATA / "no_labels.txt")
    assert tr.format == "plain"
    assert len(tr.turns) == 2 and all(t.speaker is None for t in tr.turns)
    assert "no speaker labels" in tr.warnings[0] and "no_labels.txt" in tr.warnings[0]


def test_transcripts_prose_heading_is_not_a_speaker():
    tr = parse_text(
        "Interviewer: Hello there.\n\nExpert: Hi.\n\nThe main issue: money was short.\n", "x.txt"
    )
    assert [t.speaker for t in tr.turns] == ["Interviewer", "Expert"]
    assert tr.turns[1].text.endswith("The main issue: money was short.")


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.txt", "empty.txt: the file is empty"),
        ("blank.txt", "blank.txt: the file is empty"),
        ("broken_timing.vtt", "broken_timing.vtt: line 8: broken cue timing"),
        ("backwards_timing.vtt", "backwards_timing.vtt: line 3: cue ends"),
        ("broken_timing.srt", "broken_timing.srt: line 6: broken cue timing"),
        ("not_a_docx.docx", "not_a_docx.docx: not a valid zip"),
    ],
)
def test_transcripts_bad_input_names_file_and_line(name, message):
    with pytest.raises(ParseError) as exc:
        parse_transcript(DATA / name)
    assert str(exc.value).startswith(message)


def test_transcripts_srt_missing_number_is_a_warning_with_line():
    tr = parse_transcript(DATA / "missing_numbers.srt")
    assert [t.speaker for t in tr.turns] == ["Entrevistador", "Entrevistado", "Entrevistador"]
    assert tr.warnings == ["missing_numbers.srt: line 5: cue without a number (cue 2 assumed)"]


def test_transcripts_parse_time():
    assert parse_time("1:02:03") == 3723.0
    assert parse_time("00:00:01,500") == 1.5
    assert parse_time("0:03") == 3.0
    assert parse_time("00:61:00") is None and parse_time("ab") is None


@pytest.mark.parametrize(
    "n, expected",
    [
        (3, {"Interviewee": 70, "Interviewer 1": 69, "Interviewer 2": 11}),
        (5, {"Interviewee": 94, "Interviewer": 67}),
        (2, {"Interviewer1": 43, "Interviewee1": 44, "Interviewer2": 1, "Interviewer2 2": 1}),
    ],
)
def test_transcripts_real_interview_label_counts(shared_interviews, n, expected):
    tr = parse_transcript(shared_interviews / f"interview-{n}.txt")
    assert tr.format == "labels"
    assert dict(tr.label_counts) == expected
    # consecutive paragraphs of one speaker merge, so there are at most as many turns as labels
    assert len(tr.turns) <= sum(expected.values())
    assert all(a.speaker != b.speaker for a, b in zip(tr.turns, tr.turns[1:]))
    assert not tr.warnings


def test_transcripts_utf16_with_bom_and_crlf(tmp_path):
    path = tmp_path / "teams-export.txt"
    path.write_bytes(
        "Entrevistador: ¿Dónde trabaja?\r\nEntrevistada: En el centro de diseño.\r\n".encode(
            "utf-16"
        )
    )
    tr = parse_transcript(path)
    assert tr.encoding == "utf-16"
    assert [(t.speaker, t.text) for t in tr.turns] == [
        ("Entrevistador", "¿Dónde trabaja?"),
        ("Entrevistada", "En el centro de diseño."),
    ]


def test_transcripts_otter_text_ending_in_a_time_is_not_a_header():
    tr = parse_text(
        "Ana Torres  0:03\nWe met at the plant and the shift started at 9:15\n\n"
        "Luis Vega  0:10\nRight.\n",
        "o.txt",
    )
    assert tr.format == "otter"
    assert [t.speaker for t in tr.turns] == ["Ana Torres", "Luis Vega"]
    assert tr.turns[0].text == "We met at the plant and the shift started at 9:15"


def test_transcripts_vtt_must_start_with_signature(tmp_path):
    path = tmp_path / "captions.vtt"
    path.write_text("00:00:01.000 --> 00:00:02.000\nHello\n", encoding="utf-8")
    with pytest.raises(
        ParseError, match=r"captions.vtt: line 1: a WebVTT file must start with WEBVTT"
    ):
        parse_transcript(path)


def test_transcripts_docx_details_table_above_labelled_paragraphs():
    tr = parse_transcript(DATA / "details_table_then_labels.docx")
    assert tr.format == "docx-labels"
    assert [t.speaker for t in tr.turns] == ["Interviewer", "Expert 4", "Interviewer", "Expert 4"]


def test_transcripts_otter_docx_export():
    tr = parse_transcript(DATA / "otter.docx")
    assert tr.format == "docx-otter"
    assert [(t.speaker, t.start) for t in tr.turns] == [
        ("Carmen Villalobos", 3.0),
        ("Jorge Castañeda", 11.0),
        ("Carmen Villalobos", 19.0),
        ("Jorge Castañeda", 24.0),
    ]
    assert tr.turns[3].text == "A machining certification programme."


def test_transcripts_label_with_role_in_parentheses():
    from interviews.document import suggest_roles

    tr = parse_text(
        "Ana Torres (Interviewer): Where do you work?\n\n"
        "Luis Vega (Entrevistado) [00:00:09]: En el consorcio.\n\n"
        "Ana Torres (Interviewer): Since when?\n\n"
        "Luis Vega (Entrevistado): Desde 2015, más o menos.\n",
        "roles.txt",
    )
    assert [(t.speaker, t.start) for t in tr.turns] == [
        ("Ana Torres", None),
        ("Luis Vega", 9.0),
        ("Ana Torres", None),
        ("Luis Vega", None),
    ]
    assert suggest_roles(tr) == {"Ana Torres": "interviewer", "Luis Vega": "interviewee"}
