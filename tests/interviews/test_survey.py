"""Survey import: a CSV/XLSX with a respondent per row becomes cases, typed attributes and
answers (turns of the respondent), with bad rows reported."""

from __future__ import annotations

import io

import openpyxl
import pytest

import coding as C
import interviews as I
from corpus import ParseError
from workflows import import_survey

ROWS = [
    ["id", "Sector", "Age", "Why did you join the consortium?", "What held you back?"],
    ["R1", "Industry", "41", "Talent was scarce and the consortium trained people.", "Funding."],
    ["R2", "Academia", "29", "We wanted industry partners for our students.", ""],
    ["R3", "Industry", "55", "Año tras año perdíamos técnicos en la región.", "Paperwork."],
]


def _csv(rows, encoding="utf-8-sig", sep=",") -> bytes:
    return "\n".join(sep.join(f'"{c}"' for c in r) for r in rows).encode(encoding)


def _import(db, data=None, name="survey.csv", per="question"):
    return import_survey(
        db,
        data if data is not None else _csv(ROWS),
        "id",
        {"Sector": "category", "Age": "number"},
        ["Why did you join the consortium?", "What held you back?"],
        per=per,
        name=name,
    )


def test_survey_csv_cp1252_and_bom():
    for enc in ("utf-8-sig", "cp1252"):
        table = I.read_table(_csv(ROWS, enc, ";"), "s.csv")
        assert table.columns == ROWS[0]
        assert table.rows[2][3] == "Año tras año perdíamos técnicos en la región."
    guesses = {g.name: (g.kind, g.type) for g in I.infer_columns(I.read_table(_csv(ROWS), "s.csv"))}
    assert guesses["id"] == ("id", "text")
    assert guesses["Age"] == ("attribute", "number")
    assert guesses["Why did you join the consortium?"][0] == "open"


def test_survey_xlsx_read_only(tmp_path):
    wb = openpyxl.Workbook()
    for r in ROWS:
        wb.active.append([int(c) if c.isdigit() else c for c in r])
    buf = io.BytesIO()
    wb.save(buf)
    table = I.read_table(buf.getvalue(), "s.xlsx")
    assert table.columns == ROWS[0] and table.rows[0][2] == "41" and len(table.rows) == 3
    with pytest.raises(ParseError):
        I.read_table(b"PK\x03\x04 not really a zip", "bad.xlsx")


def test_survey_bad_rows_reported(db):
    rows = [*ROWS, ["R2", "Industry", "30", "A second R2.", ""], ["", "Academia", "33", "x", ""]]
    rows.append(["R9", "Industry", "forty", "Age is not a number here.", ""])
    report = _import(db, _csv(rows))
    assert report.bad_rows == [
        (5, "id 'R2' repeats row 3"),
        (6, "no id"),
        (7, "Age: 'forty' is not a number"),
    ]
    assert (report.cases_new, report.answers, report.values) == (3, 5, 6)
    attrs = I.case_attributes_frame(db).set_index("case_name")
    assert attrs.loc["R1", "Age"] == 41 and attrs.loc["R2", "Sector"] == "Academia"
    with pytest.raises(I.InterviewError):
        _import(db, _csv(rows))  # the same file twice


@pytest.mark.parametrize("per", ["question", "answer"])
def test_survey_answers_belong_to_respondent_case(db, per):
    report = _import(db, per=per)
    assert len(report.documents) == (2 if per == "question" else 5)
    survey = I.surveys_frame(db).iloc[0]
    answers = I.survey_answers(db, int(survey["id"]), "Why did you join the consortium?")
    assert list(answers["respondent"]) == ["R1", "R2", "R3"]
    assert answers["text"].iloc[2] == "Año tras año perdíamos técnicos en la región."
    code = C.add_code(db, "Talent")
    r3 = answers.iloc[2]
    C.code_span(db, int(r3.document_id), int(r3.char_start), int(r3.char_end), code, "ana")
    frame = C.code_case_frame(db, C.Scope.of(codes=[code]))
    coded = frame[frame["codings"] > 0]
    assert list(coded["case_name"]) == ["R3"]


def test_survey_qdpx_round_trip_keeps_cases_and_variables(db, tmp_path):
    from exports import export_qdpx, import_qdpx
    from projectfile import open_project

    _import(db)
    path = export_qdpx(db, tmp_path / "s.qdpx")
    import_qdpx(path, tmp_path / "other.qda.sqlite")
    other = open_project(tmp_path / "other.qda.sqlite")
    mine = I.case_attributes_frame(db).set_index("case_name")[["Sector", "Age"]].sort_index()
    theirs = I.case_attributes_frame(other).set_index("case_name")[["Sector", "Age"]].sort_index()
    assert mine.astype(str).equals(theirs.astype(str))
    assert list(theirs.index) == ["R1", "R2", "R3"]
    other.conn.close()


def test_grid_edits_pure():
    import pandas as pd

    from workflows import grid_edits

    before = pd.DataFrame(
        {
            "document_id": [1, 1, 2],
            "char_start": [0, 10, 0],
            "char_end": [5, 20, 7],
            "respondent": ["R1", "R2", "R3"],
            "text": ["a", "b", "c"],
            "3": [False, True, False],
            "4": [False, False, True],
        }
    )
    after = before.copy()
    after.loc[0, "3"] = True  # ticked
    after.loc[2, "4"] = False  # cleared
    after.loc[1, "text"] = "edited text is not a code cell"
    assert grid_edits(before, after) == [(1, 0, 5, 3, True), (2, 0, 7, 4, False)]
    assert grid_edits(before, before) == []


def test_grid_coding_saves_one_batch_and_clears(db):
    from workflows import apply_grid_edits, grid_edits, survey_grid

    _import(db)
    sid = int(I.surveys_frame(db)["id"].iloc[0])
    talent, funding = C.add_code(db, "Talent"), C.add_code(db, "Funding")
    question = "Why did you join the consortium?"
    before = survey_grid(db, sid, question, [talent, funding], "ana")
    assert list(before["respondent"]) == ["R1", "R2", "R3"] and not before[str(talent)].any()
    after = before.copy()
    after[str(talent)] = [True, False, True]
    after.loc[1, str(funding)] = True
    assert apply_grid_edits(db, grid_edits(before, after), "ana", question) == (3, 0)
    coded = C.codings_frame(db, coders="ana")
    assert coded["batch_id"].nunique() == 1 and len(coded) == 3
    assert set(coded["text"]) == {r for r in before["text"]}
    again = survey_grid(db, sid, question, [talent, funding], "ana")
    assert list(again[str(talent)]) == [True, False, True]
    cleared = again.copy()
    cleared.loc[0, str(talent)] = False
    assert apply_grid_edits(db, grid_edits(again, cleared), "ana", question) == (0, 1)
    assert list(survey_grid(db, sid, question, [talent], "ana")[str(talent)]) == [
        False,
        False,
        True,
    ]


def test_large_survey_answers_indexed_in_bulk_are_searchable(db):
    from corpus.search import count_hits
    from corpus.store import BULK_FTS_MIN

    n = BULK_FTS_MIN + 100  # one question's document takes the bulk full-text path
    rows = [["id", "Sector", "Why did you join?"]] + [
        [f"R{i}", "Industry", f"Respondent {i} joined for the maquiladoras training."]
        for i in range(n)
    ]
    report = import_survey(db, _csv(rows), "id", {"Sector": "category"}, ["Why did you join?"])
    assert report.answers == n
    assert count_hits(db, "maquiladoras") == n
    db.execute("INSERT INTO segments_fts(segments_fts) VALUES('integrity-check')")
    fts = dict(db.execute("SELECT rowid, text FROM segments_fts").fetchall())
    assert fts == dict(db.execute("SELECT id, text FROM segments").fetchall())
