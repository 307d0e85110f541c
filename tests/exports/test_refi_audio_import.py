"""REFI-QDA import of audio and video sources from other tools: each transcript becomes an interview
transcript whose turns carry the sync points' times, its transcript selections become codings at
their sync points' positions, and what cannot come (time-only selections) is reported."""

from __future__ import annotations

from test_qdpx_import import NS, U1, make_qdpx

import interviews
from coding import codings_frame
from corpus import get_text, list_documents
from exports import evidence_table, import_qdpx
from projectfile import open_project

C1 = "0A1B2C3D-0000-4000-8000-0000000000a1"
AUDIO, TRANSCRIPT = "9D260347-0000-4000-8000-000000000001", "71013825-0000-4000-8000-000000000002"
# a QualCoder-like transcript: in-text stamps, CRLF line ends, an emoji before the coded words
QC_TEXT = (
    "[00:00:03] Laura: Good morning 🙂 and thanks for joining us.\r\n"
    "[00:00:10] Daniel: It began in 2014 with three universities in Querétaro.\r\n"
    "[00:00:20] Laura: Who funded the first phase?\r\n"
)


def _sp(n: int) -> str:
    return f"5F26FA5B-0000-4000-8000-{n:012d}"


def _qualcoder_xml(start: int, end: int, path: str = "internal://9d260347.m4a") -> str:
    """QualCoder's shape: a start sync point 0/0, one sync point at each coding edge with the time
    of the nearest in-text stamp before it, a transcript selection between them."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="qc" origin="QualCoder 3.6">
  <Users><User guid="{U1}" name="colin"/></Users>
  <CodeBook><Codes><Code guid="{C1}" name="Origins" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <AudioSource guid="{AUDIO}" name="entrevista.m4a" path="{path}">
      <Transcript plainTextPath="internal://t.txt" guid="{TRANSCRIPT}"
          name="entrevista.m4a.transcribed">
        <SyncPoint guid="{_sp(1)}" position="0" timeStamp="0" />
        <SyncPoint guid="{_sp(2)}" position="{start}" timeStamp="10000" />
        <SyncPoint guid="{_sp(3)}" position="{end}" timeStamp="20000" />
        <TranscriptSelection guid="{_sp(4)}" name="entrevista.m4a.transcribed"
            fromSyncPoint="{_sp(2)}" toSyncPoint="{_sp(3)}">
          <Coding guid="{_sp(5)}" creatingUser="{U1}"><CodeRef targetGUID="{C1}" /></Coding>
        </TranscriptSelection>
        <TranscriptSelection guid="{_sp(6)}" fromSyncPoint="{_sp(2)}">
          <Coding guid="{_sp(7)}"><CodeRef targetGUID="{C1}" /></Coding>
        </TranscriptSelection>
      </Transcript>
      <AudioSelection guid="{_sp(8)}" begin="16176" end="45358" name="clip">
        <Coding guid="{_sp(9)}"><CodeRef targetGUID="{C1}" /></Coding>
      </AudioSelection>
    </AudioSource>
  </Sources>
  <Cases><Case guid="{_sp(10)}" name="Daniel"><SourceRef targetGUID="{AUDIO}"/></Case></Cases>
</Project>"""


def test_qualcoder_transcript_imports_codings_at_the_words_and_times_from_sync_points(tmp_path):
    phrase = "three universities in Querétaro"
    start = QC_TEXT.index(phrase)  # code points over the text as stored (CRLF)
    path = make_qdpx(
        tmp_path / "qc.qdpx",
        _qualcoder_xml(start, start + len(phrase)),
        {"sources/t.txt": QC_TEXT.encode("utf-8")},
    )
    report = import_qdpx(path, tmp_path / "p.qda.sqlite")
    joined = "\n".join(report.skipped)
    assert "1 audio selection(s)" in joined and "does not name two sync points" in joined
    db = open_project(tmp_path / "p.qda.sqlite")
    docs = list_documents(db)
    assert docs["title"].tolist() == ["entrevista.m4a.transcribed"]
    doc_id = int(docs["id"].iloc[0])
    assert docs["kind"].tolist() == ["interview"]
    assert get_text(db, doc_id) == QC_TEXT.replace("\r\n", "\n")
    spans = codings_frame(db)
    assert spans["text"].tolist() == [phrase] and spans["coder"].tolist() == ["colin"]
    turns = interviews.turns_frame(db, [doc_id])
    assert turns["t_start"].tolist() == [0.0, 10.0, 20.0]
    row = evidence_table(db).iloc[0]
    assert row["time_range"] == "00:00:10-00:00:20"
    # the case named the recording's source: it holds the transcript
    assert interviews.document_cases(db)["case_name"].tolist() == ["Daniel"]
    db.conn.close()


def test_our_own_labelled_text_keeps_its_speakers_and_millisecond_times(tmp_path):
    text = (
        "Laura Méndez [00:00:03]: Good morning.\n\n"
        "Daniel Ortega [00:00:10]: It began in 2014 with three universities.\n\n"
        "Laura Méndez [00:00:20]: Who funded it?\n\n"
        "Daniel Ortega [00:00:22]: Mostly CONACYT."
    )
    g, d = text.index("Good"), text.index("It began")
    e = text.index("universities.") + len("universities.")
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="ours" origin="QDA Workbench">
  <CodeBook><Codes><Code guid="{C1}" name="Origins" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <VideoSource guid="{AUDIO}" name="call.mp4" path="relative://call.mp4">
      <Transcript plainTextPath="internal://t.txt" guid="{TRANSCRIPT}" name="teams call">
        <SyncPoint guid="{_sp(1)}" position="{g}" timeStamp="3120" />
        <SyncPoint guid="{_sp(2)}" position="{g + len("Good morning.")}" timeStamp="9900" />
        <SyncPoint guid="{_sp(3)}" position="{d}" timeStamp="10250" />
        <SyncPoint guid="{_sp(4)}" position="{e}" timeStamp="19700" />
        <TranscriptSelection guid="{_sp(5)}" fromSyncPoint="{_sp(3)}" toSyncPoint="{_sp(4)}">
          <Coding guid="{_sp(6)}"><CodeRef targetGUID="{C1}" /></Coding>
        </TranscriptSelection>
      </Transcript>
    </VideoSource>
  </Sources>
</Project>"""
    path = make_qdpx(tmp_path / "ours.qdpx", xml, {"sources/t.txt": text.encode("utf-8")})
    import_qdpx(path, tmp_path / "p.qda.sqlite")
    db = open_project(tmp_path / "p.qda.sqlite")
    doc_id = int(list_documents(db)["id"].iloc[0])
    assert get_text(db, doc_id) == text
    turns = interviews.turns_frame(db, [doc_id])
    assert turns["speaker"].tolist() == ["Laura Méndez", "Daniel Ortega"] * 2
    # times from the sync points to the millisecond; a turn without them keeps its label's
    assert turns[["t_start", "t_end"]].values.tolist() == [
        [3.12, 9.9],
        [10.25, 19.7],
        [20.0, None],
        [22.0, None],
    ]
    assert codings_frame(db)["text"].tolist() == [text[d:e]]
    assert evidence_table(db).iloc[0]["time_range"] == "00:00:10-00:00:19"
    db.conn.close()


def test_another_tools_embedded_recording_is_attached(tmp_path):
    from media_data import make_tone, require_ffmpeg

    require_ffmpeg()
    phrase = "three universities in Querétaro"
    start = QC_TEXT.index(phrase)
    tone = make_tone(tmp_path / "tone.m4a", seconds=25)
    path = make_qdpx(
        tmp_path / "qc.qdpx",
        _qualcoder_xml(start, start + len(phrase)),
        {"sources/t.txt": QC_TEXT.encode("utf-8"), "sources/9d260347.m4a": tone.read_bytes()},
    )
    report = import_qdpx(path, tmp_path / "p.qda.sqlite")
    assert report.imported["recordings"] == 1
    db = open_project(tmp_path / "p.qda.sqlite")
    doc_id = int(list_documents(db)["id"].iloc[0])
    rec = interviews.media_for(db, doc_id)
    assert rec.original_name == "entrevista.m4a" and 24 < rec.duration_s < 26
    assert interviews.media_status(db)["status"].tolist() == ["ok"]
    db.conn.close()


def test_a_recording_named_but_not_carried_is_recorded_missing(tmp_path):
    phrase = "three universities in Querétaro"
    start = QC_TEXT.index(phrase)
    path = make_qdpx(
        tmp_path / "qc.qdpx",
        _qualcoder_xml(start, start + len(phrase), path="C:/Users/x/entrevista.m4a"),
        {"sources/t.txt": QC_TEXT.encode("utf-8")},
    )
    report = import_qdpx(path, tmp_path / "p.qda.sqlite")
    (line,) = [s for s in report.skipped if "entrevista.m4a" in s and "recorded as missing" in s]
    assert "C:/Users/x/entrevista.m4a" in line  # an absolute path is never followed
    db = open_project(tmp_path / "p.qda.sqlite")
    assert interviews.media_status(db)["status"].tolist() == ["missing"]
    db.conn.close()
