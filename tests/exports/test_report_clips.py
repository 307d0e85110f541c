"""The HTML report's clips: one short recording per transcript quote, cut with ffmpeg only when
asked, capped, and refused in a project without recordings (a shareable copy has none)."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import pytest
from media_data import make_tone, require_ffmpeg

import interviews
from coding import add_code, code_span
from corpus import get_text
from exports import ExportError, evidence_report, evidence_table
from exports import report_clips as rc

require_ffmpeg()

DATA = Path(__file__).parents[1] / "interviews" / "data"
CLIP = re.compile(r'<audio class="clip" controls preload="none" src="data:audio/mp4;base64,([^"]+)')


@pytest.fixture
def coded_call(db, tmp_path):
    shutil.copy(DATA / "teams.vtt", tmp_path / "teams.vtt")
    doc = interviews.import_transcripts([str(tmp_path / "teams.vtt")], db)[0].document_id
    text = get_text(db, doc)
    add_code(db, "Origins")
    for phrase in ("three universities", "Mostly CONACYT"):
        start = text.index(phrase)
        code_span(db, doc, start, start + len(phrase), "Origins", "ana")
    return db, doc, tmp_path


def _duration(data: bytes, tmp_path: Path) -> float:
    path = tmp_path / "clip.m4a"
    path.write_bytes(data)
    return interviews.probe(path).duration_s


def test_each_quote_gets_its_own_stretch_of_the_recording(coded_call):
    db, doc, tmp_path = coded_call
    interviews.attach_media_file(db, doc, make_tone(tmp_path / "call.m4a", seconds=30))
    out = evidence_report(db, evidence_table(db), tmp_path / "r.html", clips=True)
    page = out.read_text(encoding="utf-8")
    clips = [base64.b64decode(b) for b in CLIP.findall(page)]
    assert len(clips) == 2
    # turn 2 runs 10.25-19.70 s, turn 4 22.90-29.40 s
    assert [round(_duration(c, tmp_path), 1) for c in clips] == pytest.approx([9.4, 6.5], abs=0.3)
    assert "Clips:" not in page
    plain = evidence_report(db, evidence_table(db), tmp_path / "p.html").read_text()
    assert "<audio" not in plain  # only when asked


def test_clips_are_capped_and_a_missing_recording_is_said(coded_call, monkeypatch):
    db, doc, tmp_path = coded_call
    interviews.attach_media_file(db, doc, make_tone(tmp_path / "call.m4a", seconds=30))
    monkeypatch.setattr(rc, "MAX_CLIPS", 1)
    page = evidence_report(db, evidence_table(db), tmp_path / "r.html", clips=True).read_text()
    assert len(CLIP.findall(page)) == 1 and "clips stop at 1" in page
    rec = interviews.media_for(db, doc)
    for path in {rec.path, rec.listening_path} - {None}:
        path.unlink()
    page = evidence_report(db, evidence_table(db), tmp_path / "m.html", clips=True).read_text()
    assert not CLIP.findall(page) and "its recording &#x27;call.m4a&#x27; is missing" in page


def test_a_project_without_recordings_refuses_clips(coded_call):
    db, _, tmp_path = coded_call
    with pytest.raises(ExportError, match="has none attached"):
        evidence_report(db, evidence_table(db), tmp_path / "r.html", clips=True)
    assert not (tmp_path / "r.html").exists()


def test_cli_report_with_clips_and_its_refusal(coded_call, capsys):
    from cli import main

    db, doc, tmp_path = coded_call
    project = db.conn.execute("PRAGMA database_list").fetchone()[2]
    argv = ["export", "evidence", "--project", project, "--format", "html", "--clips", "--out"]
    assert main([*argv, str(tmp_path / "none.html")]) == 2
    assert "has none attached" in capsys.readouterr().err
    interviews.attach_media_file(db, doc, make_tone(tmp_path / "call.m4a", seconds=30))
    assert main([*argv, str(tmp_path / "r.html"), "--quiet"]) == 0
    assert len(CLIP.findall((tmp_path / "r.html").read_text(encoding="utf-8"))) == 2
