"""The recording's pure parts of the UI: the turns and codings the reader gets (window offsets,
seconds), the window a playing time moves to, and what is said of a missing recording."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import interviews
from interviews import MediaRow
from ui.components.media_player import media_problem, waveform_points, window_at_time
from ui.components.span_reader import margin_items, reader_turns
from ui.components.windows import Window, document_windows

DATA = Path(__file__).parents[1] / "interviews" / "data"

TURNS = [  # as turns_frame gives them: the Teams interview, its second turn from 10.25 s
    {"turn_no": 1, "char_start": 25, "char_end": 95, "t_start": 3.12, "t_end": 9.9},
    {"turn_no": 2, "char_start": 122, "char_end": 230, "t_start": 10.25, "t_end": 19.7},
    {"turn_no": 3, "char_start": 257, "char_end": 284, "t_start": 20.1, "t_end": float("nan")},
    {"turn_no": 4, "char_start": 311, "char_end": 414, "t_start": None, "t_end": None},
]


def test_reader_turns_are_the_windows_turns_in_window_offsets_with_seconds():
    got = reader_turns(TURNS, 100, 300)
    assert got == [
        {"no": 2, "s": 22, "e": 130, "t0": 10.25, "t1": 19.7},
        {"no": 3, "s": 157, "e": 184, "t0": 20.1, "t1": None},
    ]
    assert reader_turns(TURNS, 0, 20) == []


def test_margin_items_carry_a_codings_seconds_when_known():
    rows = [
        {"coding_id": 7, "code_path": "Funding", "color": "#2ca02c", "coder": "ana",
         "char_start": 311, "char_end": 400, "t_from": 22.9, "t_to": 29.4},
        {"coding_id": 8, "code_path": "Origins", "color": "#1f77b4", "coder": "ben",
         "char_start": 30, "char_end": 60},
    ]  # fmt: skip
    first, second = margin_items(rows, 0, 414)
    assert (first["t0"], first["t1"]) == (22.9, 29.4)
    assert (second["t0"], second["t1"]) == (None, None)


def test_the_window_a_time_moves_to():
    windows = [Window(0, 200, "Turns 1-2"), Window(200, 414, "Turns 3-4")]
    assert window_at_time(TURNS, windows, 12.0) == 0
    assert window_at_time(TURNS, windows, 21.0) == 1
    # in the pause between turns 1 and 2: the next turn's window
    assert window_at_time(TURNS, windows, 10.0) == 0
    assert window_at_time(TURNS, windows, 19.9) == 1
    # turn 3 has no end and no timed turn follows: it plays on
    assert window_at_time(TURNS, windows, 99.0) == 1
    assert window_at_time(TURNS[:2], windows, 99.0) is None


def _rec(tmp_path: Path, **kw) -> MediaRow:
    base = dict(
        media_id=1, document_id=1, attached_to=1, sha256="ab", path=tmp_path / "a.m4a",
        listening_path=None, original_name="call.m4a", kind="audio", container="mov",
        codec="aac", duration_s=30.0, size=10, offset_s=0.0,
    )  # fmt: skip
    base.update(kw)
    return MediaRow(**base)


def test_what_is_said_of_a_recording_that_cannot_play(tmp_path):
    assert media_problem(None) is None
    assert "missing from the project's media folder" in media_problem(_rec(tmp_path))
    (tmp_path / "a.m4a").write_bytes(b"x")
    assert media_problem(_rec(tmp_path)) is None
    named_only = media_problem(_rec(tmp_path, path=None, sha256=None))
    assert "named by the imported project but not carried" in named_only


def test_the_waveform_keeps_each_stretchs_loudest_peak():
    peaks = np.zeros(4000, dtype=np.float16)
    peaks[1234] = 0.9  # one short loud moment, 31 % of the way in
    points = waveform_points(peaks, points=800)
    assert len(points) == 800
    assert max(points) == pytest.approx(0.9, abs=0.001)
    assert points.index(max(points)) == 1234 * 800 // 4000
    assert waveform_points([0.5, float("nan"), 1.7, -1.0]) == [0.5, 0.0, 1.0, 0.0]
    assert waveform_points([]) == []


def test_a_turns_label_opens_the_window_of_its_turn():
    interview = interviews.transcript_to_document(
        interviews.parse_transcript("teams.vtt", data=(DATA / "teams.vtt").read_bytes())
    )
    segs = pd.DataFrame([{"kind": s.kind, "char_start": s.start} for s in interview.segments])
    text = interview.text
    windows = document_windows(len(text), segments=segs, per_window=2, text=text)
    assert [w.label for w in windows] == ["Turns 1–2", "Turns 3–4"]
    assert text[windows[1].start :].startswith("Laura Méndez [00:00:20]: Who funded")
    assert windows[0].end == windows[1].start and text[windows[0].end - 1] == "\n"
