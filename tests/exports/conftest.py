"""Fixtures for exports tests: a small coded project (policy PDF-like text with pages, a transcript-like text)."""

from __future__ import annotations

import pandas as pd
import pytest
from exports_sample import INTERVIEW, POLICY, VTT, make_doc, span

import interviews
from coding import add_code, code_case, code_span
from corpus.model import Page
from corpus.store import get_text, store_document


@pytest.fixture
def coded(db):
    """A project with a paged policy brief, an interview, a two-level codebook and codings by two coders."""
    p2 = POLICY.index("Page two")
    policy_id = store_document(
        db,
        make_doc(POLICY, "Policy brief", "policy", [Page(1, 0, p2), Page(2, p2, len(POLICY))]),
        segment_language=False,
    )
    interview_id = store_document(
        db, make_doc(INTERVIEW, "Interview Expert 3", "interview"), segment_language=False
    )
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
        db, interview_id, *span(INTERVIEW, "We signed with the council in 1994"), "Funding", "ana"
    )
    ids["scarce"] = code_span(
        db,
        interview_id,
        *span(INTERVIEW, "Funding was scarce; =SUM(A1) was our joke about budgets.\nLine two"),
        "Funding > Public",
        "ben",
    )
    return {"db": db, "policy": policy_id, "interview": interview_id, "codings": ids}


@pytest.fixture
def with_cases(monkeypatch, coded):
    """Pretend the interviews package knows one case with attributes and timed turns for the interview."""
    from exports import people

    text = INTERVIEW
    lines, pos, turns = text.split("\n"), 0, []
    for n, line in enumerate(lines):
        start = text.index(line, pos)
        pos = start + len(line)
        is_expert = line.startswith("Expert") or line.startswith("Line two")
        turns.append(
            {
                "document_id": coded["interview"],
                "turn_no": n,
                "char_start": start,
                "char_end": pos,
                "speaker_id": 2 if is_expert else 1,
                "speaker": "Expert 3" if is_expert else "Interviewer",
                "role": "interviewee" if is_expert else "interviewer",
                "case_id": 7 if is_expert else None,
                "case_name": "Expert 3" if is_expert else None,
                "t_start": 751.4 + 10 * n,
                "t_end": 760.0 + 10 * n,
                "language": "en",
            }
        )
    turns_df = pd.DataFrame(turns)
    monkeypatch.setattr(
        people,
        "turns",
        lambda db, document_ids=None: turns_df[
            turns_df["document_id"].isin(document_ids) if document_ids is not None else slice(None)
        ].reset_index(drop=True),
    )
    monkeypatch.setattr(
        people,
        "document_cases",
        lambda db: pd.DataFrame(
            {"document_id": [coded["interview"]], "case_id": [7], "case_name": ["Expert 3"]}
        ),
    )
    monkeypatch.setattr(
        people,
        "case_attributes",
        lambda db: pd.DataFrame(
            {
                "case_id": [7],
                "case_name": ["Expert 3"],
                "sector": ["industry"],
                "country": ["Mexico"],
            }
        ),
    )
    monkeypatch.setattr(
        people,
        "cases",
        lambda db: pd.DataFrame({"case_id": [7], "name": ["Expert 3"], "kind": ["person"]}),
    )
    return coded


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
