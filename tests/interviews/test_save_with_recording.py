"""A previewed transcript saved with its recording (the Interviews page's Import tab, through
``workflows.save_transcript(..., media=...)``): both are stored, or neither. The recording is
checked before the transcript is stored (not a recording, no ffmpeg), and an attach that still
fails afterwards removes the new transcript again."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_data import make_tone, require_ffmpeg

import workflows
from corpus import list_documents
from interviews import MediaError, media_dir, media_for, parse_transcript

require_ffmpeg()
DATA = Path(__file__).parent / "data"


def _previewed(name: str = "teams.vtt"):
    data = (DATA / name).read_bytes()
    return parse_transcript(name, data=data, name=name), data


def _stored(db, project_path) -> tuple[list[str], list[str]]:
    folder = media_dir(project_path)
    files = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    return list_documents(db)["title"].astype(str).tolist(), files


def test_saved_with_its_recording(db, tmp_path):
    tr, data = _previewed()
    rec = make_tone(tmp_path / "Interview 1.m4a", 31.0)
    doc, _ = workflows.save_transcript(
        db, tr, data, path="teams.vtt", coder="ana", media=rec, media_name="Interview 1.m4a"
    )
    media = media_for(db, doc)
    assert media is not None and media.original_name == "Interview 1.m4a"
    assert media.duration_s == pytest.approx(31.0, abs=0.1)


def test_not_a_recording_is_refused_before_the_transcript_is_stored(db, project_path, tmp_path):
    before = _stored(db, project_path)
    fake = tmp_path / "notes.mp3"
    fake.write_text("my notes, not a recording\n" * 40, encoding="utf-8")
    tr, data = _previewed()
    with pytest.raises(MediaError, match="notes.mp3"):
        workflows.save_transcript(db, tr, data, path="teams.vtt", media=fake)
    assert _stored(db, project_path) == before


def test_without_ffmpeg_nothing_is_stored(db, project_path, tmp_path, monkeypatch):
    rec = make_tone(tmp_path / "call.wav", 2.0)
    before = _stored(db, project_path)
    monkeypatch.setenv("PATH", str(tmp_path))  # no ffmpeg here
    tr, data = _previewed()
    with pytest.raises(MediaError, match="ffmpeg"):
        workflows.save_transcript(db, tr, data, path="teams.vtt", media=rec)
    assert _stored(db, project_path) == before


def test_an_attach_that_fails_after_the_check_removes_the_new_transcript(
    db, project_path, tmp_path, monkeypatch
):
    import workflows.transcripts as transcripts

    first, data = _previewed("zoom.vtt")
    kept, _ = workflows.save_transcript(db, first, data, path="zoom.vtt")
    before = _stored(db, project_path)

    def broken(*args, **kwargs):
        raise MediaError("call.wav: the disk is full")

    monkeypatch.setattr(transcripts, "attach_media", broken)
    tr, data = _previewed()
    with pytest.raises(MediaError, match="disk is full"):
        workflows.save_transcript(
            db, tr, data, path="teams.vtt", media=make_tone(tmp_path / "call.wav", 2.0)
        )
    assert _stored(db, project_path) == before
    assert kept in list_documents(db)["id"].tolist()
