"""``cli.py interviews media attach/list/check/detach`` and ``interviews align``; without ffmpeg
the attach exits 2 with what to install while the rest of the CLI runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from media_data import make_tone, require_ffmpeg

import cli
from interviews import turn_times
from projectfile import open_project

require_ffmpeg()
ROOT = Path(__file__).resolve().parents[2]


def _cli(*argv) -> int:
    return cli.main([str(a) for a in argv])


@pytest.fixture
def project(tmp_path, data_dir):
    p = tmp_path / "p.qda.sqlite"
    open_project(p).conn.close()
    assert _cli("interviews", "import", data_dir / "teams.vtt", "--project", p, "--quiet") == 0
    return p


def test_attach_list_check_detach(project, tmp_path, capsys):
    rec = make_tone(tmp_path / "Interview 1.m4a", 31.0)
    capsys.readouterr()
    assert _cli("interviews", "media", "attach", 1, rec, "--project", project, "--quiet") == 0
    out = capsys.readouterr().out
    assert "attached Interview 1.m4a (audio, aac, 00:00:31) to document 1" in out
    assert _cli("interviews", "media", "list", "--project", project, "--format", "json") == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["document_id"] == 1 and row["original_name"] == "Interview 1.m4a"
    assert row["path"].startswith("p.qda.sqlite.media/")
    assert _cli("interviews", "media", "check", "--project", project) == 0
    assert "ok" in capsys.readouterr().out
    (Path(str(project) + ".media") / Path(row["path"]).name).unlink()
    assert _cli("interviews", "media", "check", "--project", project, "--format", "json") == 3
    (status,) = json.loads(capsys.readouterr().out)
    assert status["status"] == "missing"
    assert _cli("interviews", "media", "detach", 1, "--project", project) == 0
    assert "removed 1 file(s)" in capsys.readouterr().out  # the listening copy was left
    assert _cli("interviews", "media", "detach", 1, "--project", project) == 2
    assert "document 1 has no recording attached" in capsys.readouterr().err


def test_attach_refuses_a_bad_file_with_exit_2(project, tmp_path, capsys):
    fake = tmp_path / "notes.wav"
    fake.write_bytes(b"RIFF not really")
    assert _cli("interviews", "media", "attach", 1, fake, "--project", project, "--quiet") == 2
    assert "notes.wav: not a recording ffmpeg can read" in capsys.readouterr().err


def test_align_sets_a_turn_start_by_hand(project, capsys):
    assert _cli("interviews", "align", 1, 3, "00:00:20.5", "--project", project) == 0
    assert "turn 3 of document 1 starts at 20.500 s" in capsys.readouterr().out
    db = open_project(project)
    try:
        t = turn_times(db, 1).set_index("turn_no")
        assert t.loc[3, "t_start"] == 20.5 and t.loc[3, "time_source"] == "manual"
        assert t.loc[2, "t_end"] == 19.7  # ended before: kept
    finally:
        db.conn.close()
    assert _cli("interviews", "align", 1, 3, "00:00:05", "--project", project) == 2
    assert "turn 2 before it starts at 00:00:10.250" in capsys.readouterr().err
    assert _cli("interviews", "align", 1, 3, "soon", "--project", project) == 2


def test_without_ffmpeg_attach_exits_2_saying_what_to_install(project, tmp_path):
    rec = make_tone(tmp_path / "tone.wav", 1.0)
    empty = tmp_path / "no-tools"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}

    def run(*argv):
        return subprocess.run(
            [sys.executable, "cli.py", *map(str, argv), "--project", str(project)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = run("interviews", "media", "attach", "1", rec, "--quiet")
    assert done.returncode == 2
    assert "cannot attach a recording: ffmpeg and ffprobe not installed" in done.stderr
    assert "apt-get install ffmpeg" in done.stderr
    done = run("interviews", "media", "list")
    assert done.returncode == 0 and "recordings cannot be attached" in done.stderr
    assert run("interviews", "align", "1", "1", "3.5").returncode == 0  # needs no ffmpeg


def test_import_with_media_attaches_it_and_a_bad_one_imports_nothing(tmp_path, data_dir, capsys):
    p = tmp_path / "q.qda.sqlite"
    open_project(p).conn.close()
    bad = tmp_path / "notes.m4a"
    bad.write_text("not audio", encoding="utf-8")
    argv = ["interviews", "import", data_dir / "teams.vtt", "--project", p, "--quiet"]
    assert _cli(*argv, "--media", bad) == 2
    assert "notes.m4a: not a recording" in capsys.readouterr().err
    db = open_project(p)
    try:
        assert db.execute("SELECT COUNT(*) FROM transcripts").fetchone()[0] == 0
    finally:
        db.conn.close()
    rec = make_tone(tmp_path / "teams.m4a", 30.0)
    assert _cli(*argv, "--media", rec) == 0
    assert "attached teams.m4a (audio, aac, 00:00:30) to document 1" in capsys.readouterr().out
    two = ["interviews", "import", data_dir / "zoom.vtt", data_dir / "otter.txt", "--project", p]
    assert _cli(*two, "--media", rec, "--quiet") == 2
    assert "this import gave 2" in capsys.readouterr().err
