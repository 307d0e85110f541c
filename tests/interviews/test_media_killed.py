"""An attach killed midway (no clean-up runs, as with SIGKILL) leaves partial files that the next
start removes and reports; the project holds no row of it. A finished attach is never undone by
that clean-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from media_data import make_tone, require_ffmpeg

import cli
import workflows
from interviews import media_frame
from projectfile import open_project

require_ffmpeg()
ROOT = Path(__file__).resolve().parents[2]


def _killed_attach(tmp_path, patch: str) -> subprocess.CompletedProcess:
    script = tmp_path / "killed.py"
    script.write_text(
        "import os, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import cli\n"
        "import interviews.media_attach as attach\n"
        f"{patch}\n"
        "if __name__ == '__main__':\n"
        "    cli.main(sys.argv[1:])\n",
        encoding="utf-8",
    )
    return subprocess.run(
        [
            sys.executable, str(script), "interviews", "media", "attach", "1",
            str(tmp_path / "rec.wav"), "--project", str(tmp_path / "p.qda.sqlite"), "--quiet",
        ],
        cwd=ROOT, capture_output=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path, data_dir):
    make_tone(tmp_path / "rec.wav", 5.0)
    p = tmp_path / "p.qda.sqlite"
    open_project(p).conn.close()
    assert cli.main(["interviews", "import", str(data_dir / "teams.vtt"), "--project", str(p)]) == 0
    return p


KILL_IN_LISTENING_COPY = (
    "def killed(src, dest, *a, **k):\n"
    "    open(dest, 'wb').write(b'half an m4a')\n"
    "    os._exit(9)\n"
    "attach.listening_copy = killed"
)
KILL_BEFORE_THE_ROW = "attach.store_media = lambda *a, **k: os._exit(9)"


@pytest.mark.parametrize("patch", [KILL_IN_LISTENING_COPY, KILL_BEFORE_THE_ROW])
def test_a_killed_attach_leaves_nothing_after_the_next_start(project, tmp_path, patch):
    run = _killed_attach(tmp_path, patch)
    assert run.returncode == 9, run.stderr.decode()[-2000:]
    folder = Path(str(project) + ".media")
    assert list(folder.iterdir())  # the kill left files
    notes = workflows.clean_up_killed_runs()
    assert any("recording attach was interrupted" in n for n in notes), notes
    assert list(folder.iterdir()) == []
    db = open_project(project)
    try:
        assert media_frame(db).empty
        # and attaching again works
        row = workflows.attach_media(db, 1, tmp_path / "rec.wav").media
        assert row.path.is_file()
    finally:
        db.conn.close()


def test_clean_up_after_a_finished_attach_removes_nothing(project, tmp_path):
    db = open_project(project)
    try:
        row = workflows.attach_media(db, 1, tmp_path / "rec.wav").media
    finally:
        db.conn.close()
    workflows.clean_up_killed_runs()
    assert row.path.is_file() and row.listening_path.is_file()
