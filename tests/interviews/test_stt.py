"""Speech to text, offline (Whisper base from the pinned packages, faster-whisper): recordings
spoken by espeak-ng at test time, in English and Spanish, become transcripts whose words are
within a fixed word-error margin of the text spoken, with turn and word times in order and inside
the recording; the work runs in a child process bounded in time and memory; another model file is
refused; without the packages or ffmpeg the CLI says what it cannot do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from media_data import make_speech, make_tone, require_espeak, require_ffmpeg

import cli
from corpus import get_text
from interviews import (
    MediaError,
    SttError,
    SttUnavailable,
    import_transcripts,
    media_for,
    speech_to_text,
    stt_model,
    turn_times,
    word_error_rate,
    word_times,
)
from projectfile import open_project
from workflows import attach_media, media_capabilities, transcribe_recording

require_ffmpeg()
require_espeak()
ROOT = Path(__file__).resolve().parents[2]

# fixed sentences, no numbers (Whisper writes digits where espeak says words)
ENGLISH = [
    "Good morning and thanks for joining us today.",
    "Most of the funding came from the national science council.",
    "We trained technicians for the aerospace suppliers in the region.",
    "Some firms did not trust the universities at the beginning.",
]
SPANISH = [
    "Buenos días y gracias por venir hoy.",
    "La mayor parte del dinero vino del consejo nacional de ciencia.",
    "Formamos técnicos para los proveedores de la región.",
    "Algunas empresas no confiaban en las universidades al principio.",
]
STARTS = [0.5, 6.0, 11.5, 17.0]
# measured with this model and espeak-ng 1.51 (see bench/bench_stt.py), plus a margin
MAX_WER = {"en": 0.15, "es": 0.45}


def _speech(path: Path, sentences: list[str], lang: str) -> Path:
    return make_speech(path, list(zip(STARTS, sentences)), lang, total=23.0)


def _spoken(db, doc) -> str:
    """The turns' words, without the labels ('[00:00:06] ') the text shows before them."""
    text = get_text(db, doc)
    turns = turn_times(db, doc)
    return " ".join(text[a:b] for a, b in turns[["char_start", "char_end"]].values)


def _words_text(db, doc) -> str:
    text = get_text(db, doc)
    return " ".join(text[a:b] for a, b in word_times(db, doc)[["char_start", "char_end"]].values)


def test_english_recording_of_a_typed_transcript_becomes_a_timed_transcript(db, tmp_path):
    typed = tmp_path / "typed.txt"
    typed.write_text("Interviewer: " + " ".join(ENGLISH) + "\n", encoding="utf-8")
    (outcome,) = import_transcripts([str(typed)], db)
    rec = _speech(tmp_path / "interview.wav", ENGLISH, "en")
    attached = attach_media(db, outcome.document_id, rec).media
    seen: list[tuple[int, int]] = []
    report = transcribe_recording(
        db,
        outcome.document_id,
        language="en",
        by="ana",
        progress=lambda d, t, m: seen.append((d, t)),
    )
    doc = report.document_id
    assert doc != outcome.document_id
    assert report.result.language == "en"
    heard = _spoken(db, doc)
    wer = word_error_rate(" ".join(ENGLISH), heard)
    assert wer <= MAX_WER["en"], (wer, heard)
    # the same recording plays for the new transcript (one row, no second copy)
    assert media_for(db, doc).media_id == attached.media_id
    turns = turn_times(db, doc)
    assert set(turns["time_source"]) == {"stt"}
    starts = turns["t_start"].tolist()
    assert starts == sorted(starts) and starts[0] < 1.5 and turns["t_end"].iloc[-1] <= 23.0
    assert len(turns) >= 2  # a pause of more than a second between sentences starts a turn
    words = word_times(db, doc)
    assert len(words) >= 30
    assert (words["t_start"].diff().dropna() >= 0).all() and words["t_end"].max() <= 23.0
    assert word_error_rate(" ".join(ENGLISH), _words_text(db, doc)) <= MAX_WER["en"]
    # the second sentence starts near 6.0 s, and so does its first word
    text = get_text(db, doc)
    at = text.lower().index("most")
    first = words[words["char_start"] == at]
    assert len(first) == 1 and abs(float(first["t_start"].iloc[0]) - 6.0) < 0.8
    # progress went up to the recording's length; the log names the model, never the words
    assert seen and seen[-1][0] == seen[-1][1] == 23
    (detail,) = db.execute(
        "SELECT detail FROM audit_log WHERE action = 'transcribe recording'"
    ).fetchone()
    logged = json.loads(detail)
    assert logged["language"] == "en" and logged["from_document"] == outcome.document_id
    assert "funding" not in detail


def test_spanish_recording_with_the_language_detected(tmp_path):
    rec = _speech(tmp_path / "entrevista.wav", SPANISH, "es")
    result = speech_to_text(rec, "auto")
    assert result.language == "es"
    heard = " ".join(s[2] for s in result.segments)
    assert word_error_rate(" ".join(SPANISH), heard) <= MAX_WER["es"]
    assert 0 < result.realtime_factor


def test_another_model_file_is_refused_before_anything_runs(tmp_path, monkeypatch):
    rec = make_tone(tmp_path / "tone.wav", 1.0)
    monkeypatch.setattr(stt_model, "MODEL_SHA256", "0" * 64)
    with pytest.raises(SttUnavailable, match="not the one this version was checked with"):
        speech_to_text(rec, "en")


def test_time_and_memory_bounds_stop_the_child_with_a_message(tmp_path):
    rec = make_tone(tmp_path / "tone.wav", 2.0)
    with pytest.raises(SttError, match="needed more than 64 MB of memory"):
        speech_to_text(rec, "en", memory_bytes=64 * 1024**2)
    with pytest.raises(SttError, match="took longer than 0 s and was stopped"):
        speech_to_text(rec, "en", timeout_s=0.2)


def test_not_a_recording_and_an_unknown_language_store_nothing(db, tmp_path):
    fake = tmp_path / "notes.wav"
    fake.write_text("not sound", encoding="utf-8")
    with pytest.raises(MediaError, match="notes.wav: not a recording"):
        transcribe_recording(db, media_path=fake, language="en")
    with pytest.raises(SttError, match="en, es or auto"):
        speech_to_text(fake, "fr")
    assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0


def test_cli_transcribes_a_file_and_says_what_it_cannot_do(tmp_path, monkeypatch, capsys):
    project = tmp_path / "p.qda.sqlite"
    open_project(project).conn.close()
    rec = _speech(tmp_path / "short.wav", ENGLISH[:1], "en")
    argv = ["interviews", "transcribe", "--media", str(rec), "--language", "en"]
    assert cli.main([*argv, "--project", str(project), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "into document 1" in out and "language en" in out and "thanks" not in out
    db = open_project(project)
    assert media_for(db, 1) is not None and len(word_times(db, 1)) >= 5
    db.conn.close()
    # without the packages: a message naming them, and the app's notes say it
    monkeypatch.setattr(stt_model, "missing_packages", lambda: ["faster_whisper"])
    assert cli.main([*argv, "--project", str(project), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "speech to text needs the Python packages faster_whisper" in err
    assert any("faster_whisper" in note for note in media_capabilities())
    # without ffmpeg: exit 2 saying what to install
    empty = tmp_path / "no-tools"
    empty.mkdir()
    done = subprocess.run(
        [sys.executable, "cli.py", *argv, "--project", str(project), "--quiet"],
        cwd=ROOT,
        env={**os.environ, "PATH": str(empty)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "ffmpeg" in done.stderr and "apt-get install" in done.stderr
