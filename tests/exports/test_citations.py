"""Issue 11 §5: citations ready for a paper. One template per project (presets and custom, stored in
the project) with case, speaker, title, date, page, turn, line and timestamp fields, used by every
evidence format; no nested brackets; VTT quotes name the interview; plurals right."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from docx import Document as WordDocument

from cli import main
from exports import (
    DEFAULT_TEMPLATE,
    PRESETS,
    ExportError,
    citation_template,
    evidence_csv,
    evidence_docx,
    evidence_html,
    evidence_latex,
    evidence_markdown,
    evidence_table,
    evidence_xlsx,
    render_citation,
    set_citation_template,
)


def test_optional_parts_drop_out_when_their_field_is_empty():
    t = "[{speaker}, ]{title}[, turn {turn}][, p. {page}][, {timestamp}]"
    full = {"speaker": "Expert 3", "title": "interview 2", "turn": 14, "timestamp": "00:03:44"}
    assert render_citation(t, full) == "Expert 3, interview 2, turn 14, 00:03:44"
    assert render_citation(t, {"title": "Policy brief", "page": 12.0}) == "Policy brief, p. 12"
    year = PRESETS["Title (Year), p. 12"]
    assert (
        render_citation(year, {"title": "Brief", "year": "2021", "page": 3}) == "Brief (2021), p. 3"
    )
    assert render_citation(year, {"title": "Brief", "page": None}) == "Brief"
    paren = PRESETS["Speaker and time in parentheses"]
    assert render_citation(paren, {"source": "Ana", "timestamp": ""}) == "(Ana)"


@pytest.mark.parametrize(
    "bad, message",
    [
        ("{title} {nope}", "unknown field {nope}"),
        ("[{title} [{page}]]", "cannot nest"),
        ("[{title}", "missing its ']'"),
        ("   ", "cannot be empty"),
    ],
)
def test_bad_templates_are_refused_with_a_reason(db, bad, message):
    with pytest.raises(ExportError, match=message):
        set_citation_template(db, bad)
    assert citation_template(db) == DEFAULT_TEMPLATE


def test_the_template_is_stored_in_the_project(db, project_path):
    from projectfile import open_project

    assert citation_template(db) == DEFAULT_TEMPLATE
    set_citation_template(db, "Case, line")
    other = open_project(project_path)
    try:
        assert citation_template(other) == PRESETS["Case, line"]
    finally:
        other.conn.close()


def test_vtt_quotes_name_the_interview_and_no_brackets_nest(interview_project):
    db = interview_project["db"]
    df = evidence_table(db)
    for cite, title in zip(df["citation"], df["document_title"]):
        assert title in cite and "((" not in cite and "))" not in cite
    row = df.set_index("quote").loc["consejo binacional"]
    # the two cues of Experto 3 are one turn: 00:12:41.5 to 00:13:30
    assert row["citation"] == f"Experto 3, {row['document_title']}, turn 2, 00:12:41-00:13:30"
    set_citation_template(db, "Case, line")
    again = evidence_table(db).set_index("quote").loc["consejo binacional"]
    assert again["citation"] == f"Experto 3, {row['document_title']}, line {again['line']}"


def test_interviewer_turn_in_a_generic_case_has_no_nested_brackets(db, tmp_path):
    import coding as C
    import interviews
    from corpus import get_text

    path = tmp_path / "interview-3.txt"
    path.write_text(
        "Interviewer 1: How did you notice it?\n\nInterviewee: The dashboards showed it.\n",
        encoding="utf-8",
    )
    (outcome,) = interviews.import_transcripts([str(path)], db)
    doc = int(outcome.document_id)
    text = get_text(db, doc)
    C.add_code(db, "Detection")
    s = text.index("The dashboards")
    C.code_span(db, doc, s, s + 14, "Detection", "ana")
    row = evidence_table(db).iloc[0]
    assert row["case_name"] == "Interviewee (interview-3)"
    assert row["citation"] == "Interviewee, interview-3, turn 2"
    assert row["line"] == 3


def test_every_format_carries_the_projects_citation(coded, tmp_path):
    db = coded["db"]
    set_citation_template(db, "Title (Year), p. 12")
    df = evidence_table(db)
    cite = "Policy brief, p. 2"  # no date: the year part drops out
    assert cite in set(df["citation"])
    csv = pd.read_csv(evidence_csv(df, tmp_path / "e.csv"))
    assert cite in set(csv["citation"])
    sheet = openpyxl.load_workbook(evidence_xlsx(df, tmp_path / "e.xlsx"))["Evidence"]
    assert cite in {c.value for row in sheet.iter_rows() for c in row}
    docx = WordDocument(str(evidence_docx(df, tmp_path / "e.docx")))
    assert any(p.text.endswith(f" — {cite}") for p in docx.paragraphs)
    assert "— Policy brief, p\\. 2" in evidence_markdown(df, tmp_path / "e.md").read_text("utf-8")
    assert "Policy brief, p. 2" in evidence_latex(df, tmp_path / "e.tex").read_text("utf-8")
    assert f">{cite}<" in evidence_html(df, tmp_path / "e.html").read_text("utf-8")


def test_plurals_are_right(coded, tmp_path):
    db = coded["db"]
    one = evidence_table(db, codes="Barriers", coders="ana")
    assert len(one) == 1
    docx = WordDocument(str(evidence_docx(one, tmp_path / "one.docx")))
    texts = [p.text for p in docx.paragraphs]
    assert "1 quote from 1 document" in texts and not any("1 quotes" in t for t in texts)
    page = evidence_html(one, io.BytesIO()).getvalue().decode("utf-8")
    assert "1 coding on 1 coded segment, 1 code, 1 document." in page
    assert "1 quote from 1 document" in page


def test_cli_sets_and_uses_the_citation_template(coded, capsys):
    project = coded["db"].conn.execute("PRAGMA database_list").fetchone()[2]
    assert main(["export", "citation", "--project", project, "--set", "{title}[, p. {page}]"]) == 0
    capsys.readouterr()
    assert main(["export", "evidence", "--project", project, "--codes", "Barriers"]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(out["citation"]) == {"Policy brief, p. 2"}
    assert (
        main(
            [
                "export",
                "evidence",
                "--project",
                project,
                "--codes",
                "Barriers",
                "--citation",
                "Speaker and time in parentheses",
            ]
        )
        == 0
    )
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(out["citation"]) == {"(Policy brief, p. 2)"}
