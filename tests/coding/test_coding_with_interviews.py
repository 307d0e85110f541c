"""Coding with real interviews data: retrieval with speaker/case/time, case codings, code x case/attribute, autocode."""

from __future__ import annotations

import pytest

interviews = pytest.importorskip("interviews")

import coding as C  # noqa: E402
from coding.autocode import preview_speaker  # noqa: E402
from coding.matrices import code_attribute_matrix, code_case_matrix  # noqa: E402
from coding.queries import retrieve  # noqa: E402
from corpus.store import get_text  # noqa: E402

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
def interview(db):
    from interviews.parse import parse_text

    tr = parse_text(VTT, "rosa.vtt", ".vtt")
    doc = interviews.store_transcript(
        db,
        tr,
        title="Interview Rosa",
        roles={"Rosa Díaz": "interviewee", "Interviewer": "interviewer"},
    )
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
    with pytest.raises(C.CodingError, match="no case"):
        C.code_case(db, 9999, "Expert", "ana")
    prev = preview_speaker(db, "Training", speakers=["Rosa Díaz"])
    assert len(prev) == 2 and prev["text"].str.contains("CONACYT").any()
    C.apply_batch(db, prev.to_dict("records"), rule="speaker", coder="ana")
    m = code_case_matrix(db)
    assert m.loc["Training", "Rosa Díaz"] == 2 and m.loc["Expert", "Rosa Díaz"] == 1
    assert code_attribute_matrix(db, "sector").loc["Training", "industry"] == 2
    codes = C.codes_frame(db).set_index("path")
    assert codes.loc["Expert", "cases"] == 1 and codes.loc["Training", "cases"] == 1


def test_case_merge_and_delete_helpers(db, interview):
    C.add_code(db, "Expert")
    rosa = int(interviews.document_cases(db)["case_id"].iloc[0])
    other = interviews.ensure_case(db, "Luis")
    C.code_case(db, rosa, "Expert", "ana")
    assert C.move_case_codings(db, rosa, other) == 1
    assert C.codings_frame(db)["case_id"].tolist() == [other]
    assert C.forget_case(db, other) == 1 and C.codings_frame(db).empty
