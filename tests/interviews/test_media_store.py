"""Recordings attached to transcripts: kept beside the project by relative path and checksum,
found after the project folder moves, reported (never replaced) when missing or changed, found
along the version chain after an edit, detached with their copies."""

from __future__ import annotations

import os
import shutil
import stat

import numpy as np
import pytest
from media_data import TEAMS_CUES, make_speech, make_tone, require_ffmpeg

import workflows
from coding import audit_frame, edit_document
from corpus import get_text
from interviews import (
    MediaError,
    import_transcripts,
    media_dir,
    media_for,
    media_frame,
    media_peaks,
    media_status,
    turn_times,
)
from projectfile import open_project

require_ffmpeg()


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    return make_speech(tmp_path_factory.mktemp("rec") / "interview.m4a", TEAMS_CUES, total=31)


def test_attach_keeps_the_recording_beside_the_project_by_relative_path(teams, speech, tmp_path):
    db, doc = teams
    report = workflows.attach_media(db, doc, speech, by="ana")
    row = report.media
    folder = media_dir(tmp_path / "test.qda.sqlite")
    assert row.path.parent == folder and row.listening_path.parent == folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(row.path.stat().st_mode) == 0o600
    assert row.path.read_bytes() == speech.read_bytes()
    assert row.path.name.startswith(row.sha256)
    assert row.kind == "audio" and row.codec == "aac"
    assert row.duration_s == pytest.approx(31.0, abs=0.1)
    stored = media_frame(db)
    assert stored["path"].iloc[0] == f"test.qda.sqlite.media/{row.path.name}"  # relative
    assert stored["title"].iloc[0] == "teams"
    peaks = media_peaks(db, row.media_id)
    assert 1000 < len(peaks) <= 20000 and peaks.max() > 0.05
    # the speech sits where the cues say: loud at 11 s, silent at 1 s
    per_s = len(peaks) / 31.0
    assert peaks[int(1 * per_s)] < 0.01 < peaks[int(11 * per_s) : int(13 * per_s)].max()
    assert np.isfinite(peaks).all()
    assert audit_frame(db)["action"].tolist()[-1] == "attach recording"
    # nothing left half-written in the folder
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [row.path.name, row.listening_path.name]
    )


def test_a_moved_project_folder_still_finds_its_recording(teams, speech, tmp_path):
    db, doc = teams
    workflows.attach_media(db, doc, speech)
    db.conn.close()
    moved = tmp_path.parent / (tmp_path.name + "-moved")
    shutil.copytree(tmp_path, moved)  # copy, not move: the mtimes change as well
    shutil.rmtree(tmp_path / "test.qda.sqlite.media")
    db2 = open_project(moved / "test.qda.sqlite")
    try:
        row = media_for(db2, doc)
        assert row.path.parent.parent == moved and row.path.is_file()
        status = media_status(db2)
        assert status["status"].tolist() == ["ok"]
    finally:
        db2.conn.close()


def test_missing_and_changed_files_are_reported_never_replaced(teams, speech, tmp_path):
    db, doc = teams
    row = workflows.attach_media(db, doc, speech).media
    original = row.path.read_bytes()
    with open(row.path, "r+b") as fh:  # same size, other bytes
        fh.seek(len(original) // 2)
        fh.write(b"\x00" * 64)
    status = media_status(db)
    assert status["status"].tolist() == ["changed"]
    assert "differ" in status["reason"].iloc[0]
    assert row.path.read_bytes() != original  # reported, not put back
    row.path.unlink()
    status = workflows.check_recordings(db)
    assert status["status"].tolist() == ["missing"]
    assert row.path.name in status["reason"].iloc[0]
    assert not row.path.exists()


def test_the_same_bytes_attached_to_two_transcripts_are_kept_once(db, data_dir, speech):
    outcomes = import_transcripts([str(data_dir / n) for n in ("teams.vtt", "zoom.vtt")], db)
    a, b = (o.document_id for o in outcomes)
    ra = workflows.attach_media(db, a, speech).media
    rb = workflows.attach_media(db, b, speech).media
    assert ra.media_id == rb.media_id and ra.path == rb.path
    assert len(list(ra.path.parent.iterdir())) == 2
    workflows.detach_recording(db, a)  # still used by b: files stay
    assert ra.path.is_file() and media_for(db, a) is None
    removed = workflows.detach_recording(db, b)
    assert sorted(removed) == sorted([ra.path, ra.listening_path])
    assert not ra.path.exists() and media_frame(db).empty
    with pytest.raises(MediaError, match="has no recording"):
        workflows.detach_recording(db, b)


def test_an_edited_version_plays_the_same_recording_and_keeps_exact_times(teams, speech):
    db, doc = teams
    row = workflows.attach_media(db, doc, speech).media
    text = get_text(db, doc)
    new = edit_document(db, doc, text.replace("three universities", "four universities"), "ana")
    found = media_for(db, new.new_document_id)
    assert found.media_id == row.media_id and found.attached_to == doc
    times = turn_times(db, new.new_document_id)
    assert times.loc[1, ["t_start", "t_end"]].tolist() == [10.25, 19.7]


def test_attach_refuses_a_document_that_is_not_a_transcript(db, tmp_path):
    note = tmp_path / "policy.txt"
    note.write_text("A policy paragraph about technicians and training.\n", encoding="utf-8")
    (outcome,) = workflows.ingest_files(db, [str(note)]).outcomes
    tone = make_tone(tmp_path / "t.wav", 1)
    with pytest.raises(MediaError, match="not an interview transcript"):
        workflows.attach_media(db, outcome.document_id, tone)
    assert media_frame(db).empty
    assert not media_dir(tmp_path / "test.qda.sqlite").exists()


def test_formats_people_record_in_are_accepted(teams, tmp_path):
    db, doc = teams
    for suffix in (".mp3", ".wav", ".ogg", ".opus", ".webm", ".mp4"):
        rec = make_tone(tmp_path / f"tone{suffix}", 2.0, 330)
        row = workflows.attach_media(db, doc, rec).media
        assert row.duration_s == pytest.approx(2.0, abs=0.15), suffix
        assert row.listening_path.is_file()
    assert os.path.getsize(row.listening_path) < 40_000  # mono 64 kb/s
