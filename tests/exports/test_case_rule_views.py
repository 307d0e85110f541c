"""Issue 11 §4: one case rule. Every view (evidence table, HTML report, retrieval, code x case
matrix, frequencies, disagreements, `cli.py export matrix`) gives the same case for the same coding,
and counts a segment coded by several coders once in a team project (or every coding, on request).
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

import coding as C
import interviews
from cli import main
from corpus import get_text
from exports import evidence_report, evidence_table, matrix_frame

TRANSCRIPT = """Interviewer 2: So you can go ahead.

Interviewer 1: Okay, perfect. We are building a catalogue of quality issues in machine learning.

Interviewee: Sure. Data drift was our main quality issue last year.

Interviewer 1: How did you notice the drift in production?

Interviewee: Our dashboards showed the accuracy falling week after week.
"""


def _project_path(db) -> str:
    return db.conn.execute("PRAGMA database_list").fetchone()[2]


def _import(db, path, text: str | None = None) -> int:
    if text is not None:
        path.write_text(text, encoding="utf-8")
    (outcome,) = interviews.import_transcripts([str(path)], db)
    assert outcome.status == "ok", outcome
    return int(outcome.document_id)


def _views(db, capsys) -> dict[str, set[str]]:
    """Return {view: case names given to the 'Detection' coding(s)}."""
    out: dict[str, set[str]] = {}
    ev = evidence_table(db, codes="Detection")
    out["evidence"] = set(ev["case_name"])
    out["retrieve"] = set(C.retrieve(db, "Detection")["case_name"])
    long = C.code_case_frame(db, codes="Detection")
    out["code_case_frame"] = set(long["case_name"])
    m = C.code_case_matrix(db, codes=["Detection"])
    out["code_case_matrix"] = {c for c in m.columns if m.loc["Detection", c] > 0}
    f = C.frequencies(db, by="case", codes="Detection")
    out["frequencies"] = set(f["case_name"])
    mf = matrix_frame(db, kind="code-case", codes=["Detection"]).set_index("code")
    out["export matrix"] = {c for c in mf.columns if mf.loc["Detection", c] > 0}
    buf = io.BytesIO()
    evidence_report(db, ev, buf)
    page = buf.getvalue().decode("utf-8")
    heat = page.split("Codes x cases (coded segments)</figcaption>")[1].split("</figure>")[0]
    out["html report"] = {
        t.split(" × ")[1].rsplit(":", 1)[0].replace("&#x27;", "'")
        for t in re.findall(r"<title>([^<]* × [^<]*)</title>", heat)
        if not t.endswith(": 0")
    }
    capsys.readouterr()
    assert main(["export", "matrix", "--project", _project_path(db), "--codes", "Detection"]) == 0
    csv = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("code")
    out["cli export matrix"] = {c for c in csv.columns if csv.loc["Detection", c] > 0}
    return out


@pytest.fixture
def interview(db, tmp_path):
    doc = _import(db, tmp_path / "interview-3.txt", TRANSCRIPT)
    C.add_code(db, "Detection")
    return db, doc, get_text(db, doc)


def test_a_coding_on_the_interviewers_turn_is_the_interviewers_in_every_view(interview, capsys):
    db, doc, text = interview
    s = text.index("How did you notice")
    C.code_span(db, doc, s, s + len("How did you notice the drift"), "Detection", "ana")
    views = _views(db, capsys)
    assert views == {view: {"Interviewer 1 (interview-3)"} for view in views}, views


def test_the_rule_for_spans_outside_turns_and_across_turns(interview):
    db, doc, text = interview
    turns = interviews.turns_frame(db, [doc])
    across_start = text.index("Data drift")
    across_end = text.index("How did you")
    spans = pd.DataFrame(
        {
            "document_id": [doc, doc, doc],
            "char_start": [across_start, 0, 0],
            "char_end": [across_end + 7, len(text), len(text)],
            "scope": ["span", "span", "document"],
        }
    )
    found = C.span_cases(db, spans)
    # across two turns: the turn where the span starts (the interviewee's)
    assert found.loc[0, "case_name"] == "Interviewee (interview-3)"
    assert found.loc[0, "turn_no"] == int(
        turns.loc[turns["speaker"] == "Interviewee", "turn_no"].iloc[0]
    )
    # from the very start: the first turn (Interviewer 2 speaks first)
    assert found.loc[1, "case_name"] == "Interviewer 2 (interview-3)"
    # a whole-document coding: the document's (interviewee's) case
    assert found.loc[2, "case_name"] == "Interviewee (interview-3)"
    assert found.loc[2, "speaker"] is None


def test_a_segment_coded_by_two_coders_counts_once_in_a_team_project(interview, capsys):
    db, doc, text = interview
    s = text.index("Data drift")
    for coder in ("ana", "ben"):
        C.code_span(db, doc, s, s + len("Data drift"), "Detection", coder)
    case = "Interviewee (interview-3)"
    assert C.count_mode(db) == "segments"
    assert C.code_case_matrix(db).loc["Detection", case] == 1
    assert C.code_case_matrix(db, count="codings").loc["Detection", case] == 2
    freq = C.frequencies(db).set_index("code_path")
    assert freq.loc["Detection", "codings"] == 1
    assert (
        C.frequencies(db, count="codings").set_index("code_path").loc["Detection", "codings"] == 2
    )
    project = _project_path(db)
    capsys.readouterr()
    assert main(["export", "matrix", "--project", project, "--count", "codings"]) == 0
    csv = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("code")
    assert csv.loc["Detection", case] == 2
    assert main(["export", "matrix", "--project", project]) == 0
    csv = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("code")
    assert csv.loc["Detection", case] == 1
    with pytest.raises(C.CodingError, match="count must be"):
        C.frequencies(db, count="twice")


def test_disagreements_name_the_case_of_the_stretch(interview):
    db, doc, text = interview
    s = text.index("How did you notice")
    C.code_span(db, doc, s, s + 18, "Detection", "ana")
    C.code_span(
        db, doc, text.index("Data drift"), text.index("Data drift") + 10, "Detection", "ben"
    )
    dis = C.disagreements(db, unit="char")
    assert set(dis["case_name"]) == {"Interviewer 1 (interview-3)", "Interviewee (interview-3)"}


def test_real_interview_3_interviewer_turn_is_the_interviewers_case(db, shared_interviews, capsys):
    doc = _import(db, shared_interviews / "interview-3.txt")
    text = get_text(db, doc)
    turns = interviews.transcript_turns(db, doc)
    turn = turns[turns["speaker"] == "Interviewer 1"].iloc[3]
    C.add_code(db, "Detection")
    s = int(turn["char_start"])
    C.code_span(db, doc, s, min(int(turn["char_end"]), s + 40), "Detection", "ana")
    assert text[s : s + 5].strip()
    views = _views(db, capsys)
    assert views == {view: {"Interviewer 1 (interview-3)"} for view in views}, views


def test_views_of_an_empty_project_or_an_empty_case_filter_are_empty(db):
    C.add_code(db, "Detection")
    assert C.code_case_frame(db).empty and C.frequencies(db, by="case").empty
    assert C.code_case_matrix(db).empty and C.cooccurrence(db).to_numpy().sum() == 0
    assert C.frequencies(db, cases=[12345]).empty
    assert C.code_case_frame(db, cases=[12345]).empty
