"""Coding with real interviews data: retrieval with speaker/case/time, case codings,
code x case/attribute, speaker autocode, case merges and deletes."""

from __future__ import annotations

import pytest
from coding_data import import_interviews

import coding as C
import interviews
from coding.autocode import preview_speaker
from coding.matrices import code_attribute_matrix, code_case_matrix
from coding.memos import memos_frame
from coding.queries import retrieve
from corpus.store import get_text
from projectfile import NotFound, list_backups, transaction

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Interviewer>How did the council start?

00:00:05.000 --> 00:00:12.000
<v Rosa Díaz>Public funding from CONACYT came first, then the firms.

00:00:13.000 --> 00:00:15.000
<v Interviewer>And training?

00:00:16.000 --> 00:00:20.000
<v Rosa Díaz>Training technicians was the hardest part.
"""


@pytest.fixture
def interview(db, tmp_path):
    path = tmp_path / "Interview Rosa.vtt"
    path.write_text(VTT, encoding="utf-8")
    roles = {"Rosa Díaz": "interviewee", "Interviewer": "interviewer"}
    (doc,) = import_interviews(db, path, roles=roles)
    interviews.set_attribute(db, "Rosa Díaz", "sector", "industry")
    return doc


def test_retrieval_has_speaker_case_and_time(db, interview):
    text = get_text(db, interview)
    C.add_code(db, "Funding")
    s = text.index("Public funding")
    C.code_span(db, interview, s, s + 14, "Funding", "ana")
    row = retrieve(db, "Funding").iloc[0]
    assert row["speaker"] == "Rosa Díaz" and row["case_name"] == "Rosa Díaz"
    assert row["t_start"] == pytest.approx(5.0) and row["text"] == "Public funding"


def test_case_coding_matrices_and_speaker_autocode(db, interview):
    C.add_code(db, "Training")
    C.add_code(db, "Expert")
    case_id = int(interviews.document_cases(db)["case_id"].iloc[0])
    C.code_case(db, case_id, "Expert", "ana")
    with pytest.raises(NotFound, match="no case"):
        C.code_case(db, 9999, "Expert", "ana")
    prev = preview_speaker(db, "Training", speakers=["Rosa Díaz"])
    assert len(prev) == 2 and prev["text"].str.contains("CONACYT").any()
    C.apply_batch(db, prev.to_dict("records"), rule="speaker", coder="ana")
    m = code_case_matrix(db)
    assert m.loc["Training", "Rosa Díaz"] == 2 and m.loc["Expert", "Rosa Díaz"] == 1
    assert code_attribute_matrix(db, "sector").loc["Training", "industry"] == 2
    codes = C.codes_frame(db).set_index("path")
    assert codes.loc["Expert", "cases"] == 1 and codes.loc["Training", "cases"] == 1


def _case_coded_with_memo(db, name: str) -> int:
    """Return the id of a new case ``name`` coded 'Expert' as a whole, with a memo."""
    case = interviews.ensure_case(db, name)
    C.code_case(db, case, "Expert", "ana")
    C.add_memo(db, f"{name} chaired the council", "ana", "case", case)
    return case


# a backup attempted inside the merge's own transaction would wait forever: fail instead
@pytest.mark.timeout(120, method="thread")
def test_merging_cases_moves_whole_case_codings_and_memos(db, interview, project_path):
    C.add_code(db, "Expert")
    rosa = int(interviews.document_cases(db)["case_id"].iloc[0])
    luis = _case_coded_with_memo(db, "Luis")
    assert C.merge_cases(db, rosa, luis) == 1
    assert C.codings_frame(db)["case_id"].tolist() == [rosa]
    assert memos_frame(db, target="case", target_id=rosa)["text"].tolist() == [
        "Luis chaired the council"
    ]
    assert luis not in set(interviews.cases_frame(db)["case_id"])
    assert any("before-case-merge" in p.name for p in list_backups(project_path))


@pytest.mark.timeout(120, method="thread")
def test_merging_inside_a_callers_transaction_leaves_the_backup_to_the_caller(
    db, interview, project_path
):
    C.add_code(db, "Expert")
    rosa = int(interviews.document_cases(db)["case_id"].iloc[0])
    luis = _case_coded_with_memo(db, "Luis")
    with transaction(db):
        assert C.merge_cases(db, rosa, luis) == 1
    assert C.codings_frame(db)["case_id"].tolist() == [rosa]
    assert not any("before-case-merge" in p.name for p in list_backups(project_path))


def test_deleting_a_case_trashes_its_codings_and_memos(db, interview):
    C.add_code(db, "Expert")
    luis = _case_coded_with_memo(db, "Luis")
    assert C.delete_case(db, luis) == 1
    assert C.codings_frame(db).empty and memos_frame(db, target="case").empty
    assert luis not in set(interviews.cases_frame(db)["case_id"])
    assert interviews.document_cases(db)["case_name"].tolist() == ["Rosa Díaz"]


def test_case_merges_and_deletes_are_all_or_nothing(db, interview):
    C.add_code(db, "Expert")
    luis = _case_coded_with_memo(db, "Luis")
    before = (C.codings_frame(db), memos_frame(db), C.audit_frame(db))
    with pytest.raises(NotFound, match="no case"):
        C.merge_cases(db, 9999, luis)  # the codings moved first; the missing case undoes it all
    with pytest.raises(NotFound, match="no case"):
        C.delete_case(db, 9999)
    after = (C.codings_frame(db), memos_frame(db), C.audit_frame(db))
    for old, new in zip(before, after):
        assert old.equals(new)
    assert luis in set(interviews.cases_frame(db)["case_id"])
