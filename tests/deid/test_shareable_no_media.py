"""Recordings never travel in a shareable copy: no media rows, no media folder beside it, while
the pseudonymised version in the project itself still plays its recording."""

from __future__ import annotations

from pathlib import Path

from media_data import make_tone, require_ffmpeg

import workflows
from deid import pseudonymize, shareable_copy
from interviews import import_transcripts, media_for, transcripts_frame
from projectfile import open_project

require_ffmpeg()
TEAMS = Path(__file__).parents[1] / "interviews" / "data" / "teams.vtt"


def test_shareable_copy_carries_no_recordings(db, tmp_path):
    (outcome,) = import_transcripts([str(TEAMS)], db)
    doc = outcome.document_id
    rec = make_tone(tmp_path / "Laura Méndez interview.m4a", 30.0)
    row = workflows.attach_media(db, doc, rec).media
    pseudonymize(db, names=["Laura Méndez", "Daniel Ortega"])
    tr = transcripts_frame(db)
    pseudo = int(tr.loc[tr["pseudonymized"] == 1, "document_id"].iloc[0])
    assert media_for(db, pseudo).media_id == row.media_id  # found along the version chain

    out = tmp_path / "share" / "shared.qda.sqlite"
    shareable_copy(db, out)
    copy = open_project(out)
    try:
        for table in ("media_files", "transcript_media"):
            assert copy.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
        assert media_for(copy, pseudo) is None
        # turn times stay: they are not the recording
        times = copy.execute(
            "SELECT COUNT(*) FROM turns WHERE document_id = ? AND t_start IS NOT NULL", [pseudo]
        ).fetchone()[0]
        assert times == 4
    finally:
        copy.conn.close()
    assert sorted(p.name for p in out.parent.iterdir()) == ["shared.qda.sqlite"]
    assert row.path.is_file()  # the project's own recording is untouched
