"""REFI-QDA export of a transcript with its recording (AudioSource, Transcript, SyncPoint,
TranscriptSelection as Project.xsd defines them) and the round trip back: text, turn times to the
millisecond, codings at their characters, the recording embedded or reported missing."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from media_data import make_tone, require_ffmpeg

import interviews
from coding import add_code, code_span, codings_frame
from corpus import get_text, list_documents
from exports import ExportError, evidence_table, export_qdpx, import_qdpx
from projectfile import open_project

require_ffmpeg()

DATA = Path(__file__).parents[1] / "interviews" / "data"
NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture
def teams_with_recording(db, tmp_path):
    """teams.vtt imported, a 30 s recording attached, a quote of Daniel's coded with a memo."""
    shutil.copy(DATA / "teams.vtt", tmp_path / "teams.vtt")
    doc = interviews.import_transcripts([str(tmp_path / "teams.vtt")], db)[0].document_id
    tone = make_tone(tmp_path / "call.m4a", seconds=30)
    interviews.attach_media_file(db, doc, tone, by="ana")
    text = get_text(db, doc)
    add_code(db, "Origins")
    start = text.index("three universities")
    code_span(db, doc, start, start + len("three universities"), "Origins", "ana", memo="why")
    end = text.index("the firms.") + len("the firms.")
    mostly = text.index("Mostly CONACYT")
    add_code(db, "Funding")
    code_span(db, doc, mostly, end, "Funding", "ben")
    return {"db": db, "doc": doc, "text": text, "tone": tone}


def _qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("project.qde"))


def test_export_writes_an_audio_source_with_sync_points_valid_and_byte_stable(
    teams_with_recording, tmp_path, refi_schemas
):
    db, text = teams_with_recording["db"], teams_with_recording["text"]
    path = export_qdpx(db, tmp_path / "a.qdpx", name="p")
    root = _qde(path)
    schema = etree.XMLSchema(etree.parse(str(refi_schemas / "Project.xsd")))
    assert schema.validate(root), schema.error_log
    assert root.findall(".//q:TextSource", NS) == []
    (audio,) = root.findall(".//q:AudioSource", NS)
    assert audio.get("name") == "call.m4a" and audio.get("path") == "relative://call.m4a"
    (tr,) = audio.findall("q:Transcript", NS)
    points = {p.get("guid"): p for p in tr.findall("q:SyncPoint", NS)}
    by_pos = {int(p.get("position")): p.get("timeStamp") for p in points.values()}
    turns = interviews.turns_frame(db, [teams_with_recording["doc"]])
    # every turn's start and end, to the millisecond
    assert [by_pos[int(s)] for s in turns["char_start"]] == ["3120", "10250", "20100", "22900"]
    assert [by_pos[int(e)] for e in turns["char_end"]] == ["9900", "19700", "22300", "29400"]
    sels = tr.findall("q:TranscriptSelection", NS)
    assert len(sels) == 2
    spans = sorted(
        (int(points[s.get("fromSyncPoint")].get("position")),
         int(points[s.get("toSyncPoint")].get("position")))
        for s in sels
    )  # fmt: skip
    assert [text[a:b] for a, b in spans] == [
        "three universities",
        text[text.index("Mostly CONACYT") : text.index("the firms.") + len("the firms.")],
    ]
    with zipfile.ZipFile(path) as zf:
        assert not any(n.endswith(".m4a") for n in zf.namelist())  # referenced, not copied
    again = export_qdpx(db, tmp_path / "b.qdpx", name="p")
    assert _stamps_removed(path) == _stamps_removed(again)


def _stamps_removed(path: Path) -> bytes:
    import re

    with zipfile.ZipFile(path) as zf:
        xml = zf.read("project.qde")
        rest = b"".join(zf.read(n) for n in sorted(zf.namelist()) if n != "project.qde")
    return re.sub(rb'(creation|modified)DateTime="[^"]*"', b"", xml, count=2) + rest


def test_embedded_recording_round_trips_with_times_and_codings(
    teams_with_recording, tmp_path, refi_schemas
):
    db = teams_with_recording["db"]
    path = export_qdpx(db, tmp_path / "e.qdpx", media="embed")
    root = _qde(path)
    etree.XMLSchema(etree.parse(str(refi_schemas / "Project.xsd"))).assertValid(root)
    (audio,) = root.findall(".//q:AudioSource", NS)
    entry = "sources/" + audio.get("path")[len("internal://") :]
    with zipfile.ZipFile(path) as zf:
        embedded = zf.read(entry)
    assert embedded == teams_with_recording["tone"].read_bytes()
    report = import_qdpx(path, tmp_path / "copy.qda.sqlite")
    assert report.imported["recordings"] == 1, report.lines()
    copy = open_project(tmp_path / "copy.qda.sqlite")
    doc = int(list_documents(copy)["id"].iloc[0])
    assert get_text(copy, doc) == teams_with_recording["text"]
    before = interviews.turns_frame(db, [teams_with_recording["doc"]])
    after = interviews.turns_frame(copy, [doc])
    cols = ["char_start", "char_end", "speaker", "t_start", "t_end"]
    assert after[cols].values.tolist() == before[cols].values.tolist()
    old = codings_frame(db).sort_values("char_start")
    new = codings_frame(copy).sort_values("char_start")
    assert new[["char_start", "char_end", "text", "coder", "code_path"]].values.tolist() == (
        old[["char_start", "char_end", "text", "coder", "code_path"]].values.tolist()
    )
    assert new["memo"].tolist()[0] == "why"
    rec = interviews.media_for(copy, doc)
    assert rec is not None and rec.original_name == "call.m4a" and 29 < rec.duration_s < 31
    assert hashlib.sha256(rec.path.read_bytes()).hexdigest() == rec.sha256
    assert sorted(evidence_table(copy)["time_range"]) == [
        "00:00:10-00:00:19",
        "00:00:22-00:00:29",
    ]
    copy.conn.close()


def test_referenced_recording_is_found_beside_the_file_or_reported_missing(
    teams_with_recording, tmp_path
):
    db = teams_with_recording["db"]
    path = export_qdpx(db, tmp_path / "out" / "r.qdpx")
    report = import_qdpx(path, tmp_path / "missing.qda.sqlite")
    assert "recordings" not in report.imported
    (line,) = [s for s in report.skipped if "call.m4a" in s]
    assert "not found beside it (relative://call.m4a)" in line and "recorded as missing" in line
    copy = open_project(tmp_path / "missing.qda.sqlite")
    doc = int(list_documents(copy)["id"].iloc[0])
    status = interviews.media_status(copy)
    assert status["status"].tolist() == ["missing"]
    assert interviews.turns_frame(copy, [doc])["t_start"].tolist() == [3.12, 10.25, 20.1, 22.9]
    copy.conn.close()
    shutil.copy(teams_with_recording["tone"], tmp_path / "out" / "call.m4a")
    found = import_qdpx(path, tmp_path / "found.qda.sqlite")
    assert found.imported["recordings"] == 1


def test_none_keeps_text_sources_and_embed_refuses_a_missing_file(teams_with_recording, tmp_path):
    db = teams_with_recording["db"]
    root = _qde(export_qdpx(db, tmp_path / "n.qdpx", media="none"))
    assert len(root.findall(".//q:TextSource", NS)) == 1
    assert not root.findall(".//q:AudioSource", NS)
    rec = interviews.media_for(db, teams_with_recording["doc"])
    rec.path.unlink()
    with pytest.raises(ExportError, match="'call.m4a' is missing"):
        export_qdpx(db, tmp_path / "x.qdpx", media="embed")
    assert not (tmp_path / "x.qdpx").exists()
    with pytest.raises(ExportError, match="media must be one of"):
        export_qdpx(db, tmp_path / "y.qdpx", media="all")


def test_cli_exports_with_the_recording_embedded(teams_with_recording, tmp_path):
    from cli import main

    db = teams_with_recording["db"]
    project = db.conn.execute("PRAGMA database_list").fetchone()[2]
    out = tmp_path / "cli.qdpx"
    argv = ["export", "qdpx", "--project", project, "--out", str(out), "--quiet"]
    assert main([*argv, "--media", "embed"]) == 0
    with zipfile.ZipFile(out) as zf:
        assert sum(n.endswith(".m4a") for n in zf.namelist()) == 1


def test_a_merge_brings_the_transcript_and_says_the_recording_stays_behind(
    teams_with_recording, tmp_path
):
    from exports import merge_qdpx

    path = export_qdpx(teams_with_recording["db"], tmp_path / "m.qdpx", media="embed")
    other = open_project(tmp_path / "other.qda.sqlite")
    imported, _ = merge_qdpx(path, other)
    assert any("recordings not attached (call.m4a)" in s for s in imported.skipped)
    assert interviews.media_frame(other).empty
    other.conn.close()
