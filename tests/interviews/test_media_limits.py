"""A recording that cannot be attached gets a message naming the file and the problem, and
nothing is stored: no row, no file, no partial file beside the project."""

from __future__ import annotations

import pytest
from media_data import (
    fake_long_wav,
    make_tone,
    make_video_without_sound,
    require_ffmpeg,
    truncate,
)

import interviews.media_tools as media_tools
import workflows
from interviews import MediaError, MediaToolsMissing, media_frame
from projectfile import MEDIA_DURATION, Limit, LimitExceeded

require_ffmpeg()


def _nothing_stored(db, tmp_path):
    assert media_frame(db).empty
    assert db.execute("SELECT COUNT(*) FROM media_files").fetchone()[0] == 0
    folder = tmp_path / "test.qda.sqlite.media"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_text_file_renamed_mp3_is_not_a_recording(teams, tmp_path):
    db, doc = teams
    fake = tmp_path / "notes.mp3"
    fake.write_text("These are my notes, not a recording.\n" * 20, encoding="utf-8")
    with pytest.raises(MediaError, match=r"notes\.mp3: not a recording ffmpeg can read"):
        workflows.attach_media(db, doc, fake)
    _nothing_stored(db, tmp_path)


def test_a_truncated_m4a_is_refused(teams, tmp_path):
    db, doc = teams
    rec = truncate(make_tone(tmp_path / "cut.m4a", 20.0))
    with pytest.raises(MediaError, match=r"cut\.m4a: truncated"):
        workflows.attach_media(db, doc, rec)
    _nothing_stored(db, tmp_path)


def test_an_mp3_cut_short_is_refused(teams, tmp_path):
    db, doc = teams
    rec = truncate(make_tone(tmp_path / "cut.mp3", 20.0), 0.3)  # its header says 20 s
    with pytest.raises(MediaError, match=r"cut\.mp3: truncated: it says it lasts 00:00:20"):
        workflows.attach_media(db, doc, rec)
    _nothing_stored(db, tmp_path)


def test_a_ten_hour_recording_is_over_the_limit(teams, tmp_path):
    db, doc = teams
    rec = fake_long_wav(tmp_path / "all_day.wav", hours=10)
    with pytest.raises(LimitExceeded) as err:
        workflows.attach_media(db, doc, rec)
    message = str(err.value)
    assert message.startswith("all_day.wav: the recording lasts 10 h 00 min, over the limit")
    assert "6 h 00 min for the length of one recording" in message
    assert "cut the recording into parts" in message
    assert err.value.limit is MEDIA_DURATION
    _nothing_stored(db, tmp_path)


def test_a_file_over_the_size_limit_is_refused_before_reading(teams, tmp_path, monkeypatch):
    db, doc = teams
    monkeypatch.setattr(media_tools, "MEDIA_FILE", Limit(10_000, "one recording", "smaller"))
    rec = make_tone(tmp_path / "big.wav", 3.0)  # 3 s of 44.1 kHz 16-bit: 264 kB
    with pytest.raises(LimitExceeded, match=r"big\.wav: the file is .* over the limit"):
        workflows.attach_media(db, doc, rec)
    _nothing_stored(db, tmp_path)


def test_a_video_without_sound_is_refused(teams, tmp_path):
    db, doc = teams
    rec = make_video_without_sound(tmp_path / "silent.mp4")
    with pytest.raises(MediaError, match=r"silent\.mp4: a video without sound"):
        workflows.attach_media(db, doc, rec)
    _nothing_stored(db, tmp_path)


def test_without_ffmpeg_attach_says_what_to_install_and_the_rest_runs(teams, tmp_path, monkeypatch):
    db, doc = teams
    rec = make_tone(tmp_path / "tone.wav", 1.0)
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(MediaToolsMissing, match=r"ffmpeg and ffprobe not installed.*apt-get"):
        workflows.attach_media(db, doc, rec)
    (note,) = workflows.media_capabilities()
    assert "cannot be attached" in note and "coding" in note
    _nothing_stored(db, tmp_path)
    # the transcript itself still reads and edits
    assert len(workflows.check_recordings(db)) == 0
