"""Fixtures for exports tests: a small coded project (policy PDF-like text with pages, a
transcript-like text)."""

from __future__ import annotations

import pytest
from exports_sample import INTERVIEW, POLICY, VTT, make_doc, span

import interviews
from coding import add_code, code_case, code_span
from corpus import get_text, store_document
from corpus.model import Page
from interviews.model import Transcript, Turn


def _code_sample(db, policy_id: int, interview_id: int, interview: str) -> dict[str, int]:
    """Add a two-level codebook and six codings by two coders; return {name: coding id}."""
    add_code(
        db,
        "Funding",
        color="#1f77b4",
        definition="Money for innovation & research.",
        inclusion="Any source",
    )
    add_code(
        db,
        "Public",
        parent="Funding",
        color="#ff7f0e",
        definition="State money (CONACYT, councils).",
    )
    add_code(db, "Barriers", color="#2ca02c", definition="What held consortia back.")
    add_code(db, "Spanish", color="#d62728")
    ids = {}
    ids["conacyt"] = code_span(
        db,
        policy_id,
        *span(POLICY, "50% of the money came from CONACYT"),
        "Funding > Public",
        "ana",
        memo="key figure",
    )
    ids["training"] = code_span(
        db,
        policy_id,
        *span(POLICY, "training_programmes for technicians {were} the main barrier"),
        "Barriers",
        "ana",
    )
    ids["training_b"] = code_span(
        db, policy_id, *span(POLICY, "training_programmes for technicians"), "Barriers", "ben"
    )
    ids["emoji"] = code_span(
        db, policy_id, *span(POLICY, "el consorcio 🙂 firmó"), "Spanish", "ben"
    )
    ids["signed"] = code_span(
        db, interview_id, *span(interview, "We signed with the council in 1994"), "Funding", "ana"
    )
    ids["scarce"] = code_span(
        db,
        interview_id,
        *span(interview, "Funding was scarce; =SUM(A1) was our joke about budgets.\nLine two"),
        "Funding > Public",
        "ben",
    )
    return ids


def _store_policy(db) -> int:
    p2 = POLICY.index("Page two")
    return store_document(
        db,
        make_doc(POLICY, "Policy brief", "policy", [Page(1, 0, p2), Page(2, p2, len(POLICY))]),
        segment_language=False,
    )


@pytest.fixture
def coded(db):
    """A project with a paged policy brief, an interview, a two-level codebook and codings by two
    coders."""
    policy_id = _store_policy(db)
    interview_id = store_document(
        db, make_doc(INTERVIEW, "Interview Expert 3", "interview"), segment_language=False
    )
    ids = _code_sample(db, policy_id, interview_id, INTERVIEW)
    return {"db": db, "policy": policy_id, "interview": interview_id, "codings": ids}


def _interview_transcript() -> Transcript:
    """The sample interview as a timed transcript: one turn per speaker change, 10 s apart."""
    turns = []
    for line in INTERVIEW.split("\n"):
        speaker, sep, words = line.partition(": ")
        if sep and speaker in ("Interviewer", "Expert 3"):
            start = 751.4 + 10 * len(turns)
            turns.append(Turn(speaker, words, start=start, end=start + 8.6))
        else:  # a second line of the same turn
            turns[-1].text += "\n" + line
    return Transcript("interview-expert-3.txt", "labels", turns=turns)


@pytest.fixture
def with_cases(db):
    """The same coded project, its interview a real timed transcript: the case 'Expert 3' (with
    sector and country) speaks in it, the interviewer belongs to no case."""
    policy_id = _store_policy(db)
    interview_id = interviews.store_transcript(
        db,
        _interview_transcript(),
        title="Interview Expert 3",
        roles={"Interviewer": "interviewer", "Expert 3": "interviewee"},
        cases={"Interviewer": None, "Expert 3": "Expert 3"},
    )
    text = get_text(db, interview_id)
    ids = _code_sample(db, policy_id, interview_id, text)
    case_id = int(interviews.document_cases(db)["case_id"].iloc[0])
    interviews.set_attribute(db, case_id, "sector", "industry")
    interviews.set_attribute(db, case_id, "country", "Mexico")
    return {
        "db": db,
        "policy": policy_id,
        "interview": interview_id,
        "text": text,
        "case": case_id,
        "codings": ids,
    }


@pytest.fixture
def interview_project(db, tmp_path):
    """A project with one timed VTT interview (fictional), a case with attributes and codings."""
    path = tmp_path / "experto3.vtt"
    path.write_text(VTT, encoding="utf-8")
    outcome = interviews.import_transcripts(
        [str(path)], db, roles={"Moderadora": "interviewer", "Experto 3": "interviewee"}
    )[0]
    assert outcome.status == "ok", outcome.reason
    doc_id = outcome.document_id
    text = get_text(db, doc_id)
    case_id = int(interviews.document_cases(db)["case_id"].iloc[0])
    interviews.rename_case(db, case_id, "Experto 3")
    interviews.set_attribute(db, case_id, "sector", "industria")
    interviews.set_attribute(db, case_id, "years", 12, type_="number")
    s = text.index("consejo binacional")
    add_code(db, "Governance")
    add_code(db, "Barriers")
    code_span(db, doc_id, s, s + len("consejo binacional"), "Governance", "ana")
    b = text.index("los técnicos eran la barrera")
    code_span(db, doc_id, b, b + len("los técnicos eran la barrera"), "Barriers", "ben")
    code_case(db, case_id, "Barriers", "ana")
    return {"db": db, "doc": doc_id, "case": case_id}
