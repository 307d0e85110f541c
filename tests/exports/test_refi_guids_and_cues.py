"""Issue 25 §4: REFI-QDA users sharing a GUID and a GUID shared by a code and a source are refused
like codes sharing one (message naming the GUID, nothing written); repeated or overlapping
transcript cues are kept once, with a warning."""

from __future__ import annotations

import pytest
from test_qdpx_import import C1, NS, S1, U1, U2, make_qdpx

from exports import ImportFileError, import_qdpx

TEXT = "El consejo binacional financió tres consorcios en el norte."


def _xml(users: str, code_guid: str = C1, source_guid: str = S1) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="t" origin="QualCoder 3.5">
  <Users>{users}</Users>
  <CodeBook><Codes><Code guid="{code_guid}" name="Consejo" isCodable="true"/></Codes></CodeBook>
  <Sources><TextSource guid="{source_guid}" name="Doc"><PlainTextContent>{TEXT}</PlainTextContent>
    <PlainTextSelection guid="AAAAAAAA-0000-4000-8000-000000000001" startPosition="3"
        endPosition="10" creatingUser="{U1}">
      <Coding guid="BBBBBBBB-0000-4000-8000-000000000001" creatingUser="{U1}">
        <CodeRef targetGUID="{code_guid}"/></Coding>
    </PlainTextSelection>
  </TextSource></Sources>
</Project>"""


def _dump(db) -> list[str]:
    return list(db.conn.iterdump())


def _refused(tmp_path, db, project_path, qdpx, guid: str, *names: str):
    before = _dump(db)
    with pytest.raises(ImportFileError) as info:
        import_qdpx(qdpx, project_path)
    message = str(info.value)
    assert guid.lower() in message and "share the GUID" in message
    for name in names:
        assert name in message
    assert _dump(db) == before  # nothing written into an existing project
    fresh = tmp_path / "fresh.qda.sqlite"
    with pytest.raises(ImportFileError):
        import_qdpx(qdpx, fresh)
    assert not fresh.exists()
    assert not list(tmp_path.glob(".fresh.qda.sqlite*"))  # no hidden partial project either


def test_refi_users_sharing_a_guid_are_refused(tmp_path, db, project_path):
    users = f'<User guid="{U1}" name="Ana"/><User guid="{U1}" name="Luis"/>'
    qdpx = make_qdpx(tmp_path / "dup-users.qdpx", _xml(users))
    _refused(tmp_path, db, project_path, qdpx, U1, "'Ana'", "'Luis'")


def test_refi_code_and_source_sharing_a_guid_are_refused(tmp_path, db, project_path):
    users = f'<User guid="{U1}" name="Ana"/>'
    qdpx = make_qdpx(tmp_path / "dup-kinds.qdpx", _xml(users, code_guid=C1, source_guid=C1))
    _refused(tmp_path, db, project_path, qdpx, C1, "code 'Consejo'", "source 'Doc'")


def test_refi_user_and_code_sharing_a_guid_are_refused(tmp_path, db, project_path):
    users = f'<User guid="{C1}" name="Ana"/>'
    qdpx = make_qdpx(tmp_path / "dup-user-code.qdpx", _xml(users))
    _refused(tmp_path, db, project_path, qdpx, C1, "user 'Ana'", "code 'Consejo'")


def test_refi_distinct_users_still_import_with_their_names(tmp_path):
    users = f'<User guid="{U1}" name="Ana"/><User guid="{U2}" name="Luis"/>'
    qdpx = make_qdpx(tmp_path / "ok.qdpx", _xml(users))
    target = tmp_path / "ok.qda.sqlite"
    report = import_qdpx(qdpx, target)
    assert report.imported["codings"] == 1
    from coding import codings_frame
    from projectfile import open_project

    db = open_project(target)
    assert codings_frame(db)["coder"].tolist() == ["Ana"]
    db.conn.close()


VTT_ROLLING = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Ana>We funded three consortia

00:00:03.000 --> 00:00:06.000
<v Ana>three consortia in the north

00:00:03.000 --> 00:00:06.000
<v Ana>three consortia in the north

00:00:06.500 --> 00:00:08.000
<v Luis>Which ones?
"""

SRT_DUPLICATED = """1
00:00:01,000 --> 00:00:04,000
Ana: We funded three consortia

2
00:00:01,000 --> 00:00:04,000
Ana: We funded three consortia

3
00:00:05,000 --> 00:00:07,000
Luis: Which ones?

4
00:00:07,500 --> 00:00:09,000
Ana: The northern ones. The northern ones.
"""


def test_vtt_overlapping_and_duplicated_cues_are_kept_once_with_a_warning():
    from interviews.vtt import parse_vtt

    tr = parse_vtt(VTT_ROLLING, "rolling.vtt")
    assert [(t.speaker, t.text) for t in tr.turns] == [
        ("Ana", "We funded three consortia in the north"),
        ("Luis", "Which ones?"),
    ]
    assert tr.turns[0].end == 6.0
    warning = [w for w in tr.warnings if "repeated or overlapped" in w]
    assert warning and "2 cue(s)" in warning[0] and "consortia" not in warning[0]


def test_srt_duplicated_cue_is_dropped_and_a_repeat_inside_one_cue_stays():
    from interviews.srt import parse_srt

    tr = parse_srt(SRT_DUPLICATED, "dup.srt")
    texts = [t.text for t in tr.turns]
    assert texts == [
        "We funded three consortia",
        "Which ones?",
        "The northern ones. The northern ones.",  # said twice by the speaker: kept
    ]
    assert any("1 cue(s) repeated or overlapped" in w for w in tr.warnings)


def test_cues_that_neither_overlap_nor_repeat_are_untouched():
    from interviews.vtt import parse_vtt

    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>No.\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v Ana>No.\n"
    )
    tr = parse_vtt(vtt, "no.vtt")
    assert tr.turns[0].text == "No. No."  # said twice, one after the other: both kept
    assert not [w for w in tr.warnings if "repeated" in w]
