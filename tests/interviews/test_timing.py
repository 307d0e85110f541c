"""Turn times follow their turns through edits (exact to the millisecond, ends kept), an edited
label time wins, "this turn starts here" is stored like an imported time and survives edits,
a quote's time range, and the turn playing at a moment."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from coding import edit_document
from corpus import get_text
from interviews import (
    TimingError,
    import_transcripts,
    set_turn_time,
    span_times,
    store_word_times,
    turn_at,
    turn_times,
)

TEAMS_TIMES = [(3.12, 9.9), (10.25, 19.7), (20.1, 22.3), (22.9, 29.4)]


def _times(db, doc) -> list[tuple[float | None, float | None]]:
    t = turn_times(db, doc)
    return [
        (None if pd.isna(a) else a, None if pd.isna(b) else b)
        for a, b in zip(t["t_start"], t["t_end"])
    ]


def _edit(db, doc, old: str, new: str) -> int:
    text = get_text(db, doc)
    assert old in text
    return edit_document(db, doc, text.replace(old, new, 1), "ana").new_document_id


def test_a_word_fix_keeps_every_exact_time_and_end(teams):
    db, doc = teams
    assert _times(db, doc) == TEAMS_TIMES
    new = _edit(db, doc, "Querétaro", "Querétaro, Mexico,")
    assert _times(db, new) == TEAMS_TIMES  # not 10.0-None from the label
    assert set(turn_times(db, new)["time_source"]) == {"file"}


def test_an_edited_label_time_wins(teams):
    db, doc = teams
    new = _edit(db, doc, "Daniel Ortega [00:00:10]:", "Daniel Ortega [00:00:12]:")
    t = turn_times(db, new).set_index("turn_no")
    assert (t.loc[2, "t_start"], t.loc[2, "t_end"]) == (12.0, 19.7)
    assert t.loc[2, "time_source"] == "file"
    assert _times(db, new)[2:] == TEAMS_TIMES[2:]


def test_joining_two_turns_gives_the_first_start_and_the_last_end(teams):
    db, doc = teams
    text = get_text(db, doc)
    start = text.index("\n\nLaura Méndez [00:00:20]: ")
    end = start + len("\n\nLaura Méndez [00:00:20]: ")
    joined = text[:start] + " " + text[end:]  # turn 3's words join turn 2 (and so turn 4,
    new = edit_document(db, doc, joined, "ana").new_document_id  # Daniel's too)
    assert _times(db, new) == [TEAMS_TIMES[0], (10.25, 29.4)]


def test_an_unlabelled_timed_turn_keeps_its_time(db, data_dir):
    (outcome,) = import_transcripts([str(data_dir / "plain.vtt")], db)
    doc = outcome.document_id
    before = _times(db, doc)
    assert before[0][0] is not None
    new = _edit(db, doc, "supplier development", "supplier-development")
    assert _times(db, new) == before


def test_a_time_set_by_hand_is_kept_through_an_edit(db, shared_interviews):
    (outcome,) = import_transcripts([str(shared_interviews / "interview-3.txt")], db)
    doc = outcome.document_id
    assert turn_times(db, doc)["t_start"].isna().all()  # plain text: no times
    set_turn_time(db, doc, 3, 12.345)
    done = set_turn_time(db, doc, 2, 4.5)
    assert done.after == (4.5, 12.345) and not done.previous_end_set  # turn 1 is untimed
    t = turn_times(db, doc).set_index("turn_no")
    assert t.loc[3, "time_source"] == "manual" and t.loc[2, "t_end"] == 12.345
    new = _edit(db, doc, "So you can go ahead.", "So, you can go ahead.")
    t = turn_times(db, new).set_index("turn_no")
    assert (t.loc[2, "t_start"], t.loc[2, "t_end"], t.loc[3, "t_start"]) == (4.5, 12.345, 12.345)
    assert t.loc[3, "time_source"] == "manual"


def test_set_turn_time_refuses_out_of_order_and_past_the_end(teams):
    db, doc = teams
    with pytest.raises(TimingError, match="turn 2 before it starts at 00:00:10.250"):
        set_turn_time(db, doc, 3, 9.0)
    with pytest.raises(TimingError, match="turn 4 after it starts at 00:00:22.900"):
        set_turn_time(db, doc, 3, 23.0)
    with pytest.raises(TimingError, match="after the end of the recording"):
        set_turn_time(db, doc, 4, 40.0, duration_s=31.0)
    assert _times(db, doc) == TEAMS_TIMES  # nothing changed
    done = set_turn_time(db, doc, 3, 20.5)
    assert done.before == (20.1, 22.3) and done.after == (20.5, 22.3)


def test_span_times_of_a_quote_in_one_turn_and_across_two(teams):
    db, doc = teams
    text = get_text(db, doc)
    a = text.index("three universities")
    b = text.index("Who funded")
    spans = pd.DataFrame(
        {
            "document_id": [doc, doc, doc],
            "char_start": [a, a, 0],
            "char_end": [a + 18, b + 10, 5],
        }
    )
    got = span_times(db, spans)
    assert got.loc[0].tolist() == [10.25, 19.7]
    assert got.loc[1].tolist() == [10.25, 22.3]
    assert got.loc[2].tolist() == [3.12, 9.9]  # the label before turn 1 belongs to it


def test_span_times_prefers_word_times_and_says_nan_when_untimed(db, teams, tmp_path):
    db, doc = teams
    text = get_text(db, doc)
    a = text.index("three")
    store_word_times(db, doc, [(a, a + 5, 12.4, 12.8), (a + 6, a + 18, 12.8, 13.6)])
    got = span_times(
        db, pd.DataFrame({"document_id": [doc], "char_start": [a], "char_end": [a + 18]})
    )
    assert got.loc[0].tolist() == [12.4, 13.6]
    plain = tmp_path / "plain.txt"
    plain.write_text("Ana: hello there.\n\nBen: hi.\n", encoding="utf-8")
    (outcome,) = import_transcripts([str(plain)], db)
    got = span_times(
        db, pd.DataFrame({"document_id": [outcome.document_id], "char_start": [5], "char_end": [9]})
    )
    assert all(math.isnan(v) for v in got.loc[0])


def test_turn_at_follows_the_playing_turn():
    turns = [(1, 3.12, 9.9), (2, 10.25, 19.7), (3, 20.1, None), (4, 22.9, 29.4), (5, None, None)]
    assert turn_at(turns, 0.0) is None
    assert turn_at(turns, 3.12) == 1
    assert turn_at(turns, 10.0) is None  # a pause between turns
    assert turn_at(turns, 19.69) == 2
    assert turn_at(turns, 21.0) == 3  # no end: until the next turn starts
    assert turn_at(turns, 25.0) == 4
    assert turn_at(turns, 40.0) is None
