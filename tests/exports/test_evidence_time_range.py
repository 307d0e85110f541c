"""Each transcript quote carries its time range in the recording (00:03:44-00:04:02): in the
evidence table, its citation, and every writer (CSV, XLSX, DOCX, HTML report)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import docx
import openpyxl

import interviews
from coding import add_code, code_span, codes_frame
from corpus import get_text
from exports import (
    evidence_csv,
    evidence_docx,
    evidence_report,
    evidence_table,
    evidence_xlsx,
    set_citation_template,
)
from exports.evidence import format_time_range

DATA = Path(__file__).parents[1] / "interviews" / "data"


def _import(db, tmp_path, name: str, text: str | None = None) -> int:
    path = tmp_path / name
    if text is None:
        shutil.copy(DATA / name, path)
    else:
        path.write_text(text, encoding="utf-8")
    outcome = interviews.import_transcripts([str(path)], db)[0]
    assert outcome.status == "ok", outcome.reason
    return outcome.document_id


def _code(db, doc_id: int, phrase: str, code: str = "Origins") -> tuple[int, int]:
    text = get_text(db, doc_id)
    start = text.index(phrase)
    if code not in set(codes_frame(db)["name"]):
        add_code(db, code)
    code_span(db, doc_id, start, start + len(phrase), code, "ana")
    return start, start + len(phrase)


def test_teams_quote_has_its_turns_range_in_the_table_and_the_citation(db, tmp_path):
    doc = _import(db, tmp_path, "teams.vtt")
    turns = interviews.turns_frame(db, [doc])
    # Daniel's two cues (00:00:10.250-00:00:15.010, 00:00:15.010-00:00:19.700) are one turn
    assert turns[["t_start", "t_end"]].values.tolist()[1] == [10.25, 19.7]
    _code(db, doc, "three universities in Querétaro")
    row = evidence_table(db).iloc[0]
    assert (row["t_start"], row["t_end"]) == (10.25, 19.7)
    assert row["time_range"] == "00:00:10-00:00:19"
    assert row["citation"] == "Daniel Ortega, teams, turn 2, 00:00:10-00:00:19"


def test_a_quote_across_turns_runs_from_its_first_turns_start_to_its_last_turns_end(db, tmp_path):
    doc = _import(db, tmp_path, "teams.vtt")
    text = get_text(db, doc)
    start = text.index("aerospace suppliers")
    end = text.index("first phase?") + len("first phase?")
    add_code(db, "Funding")
    code_span(db, doc, start, end, "Funding", "ana")
    row = evidence_table(db).iloc[0]
    # cited as its first speaker's words (the case rule), timed to the end of the question
    assert row["speaker"] == "Daniel Ortega" and row["turn_no"] == 2
    assert (row["t_start"], row["t_end"]) == (10.25, 22.3)
    assert row["time_range"] == "00:00:10-00:00:22"


def test_labels_with_start_times_only_end_at_the_next_turn_and_the_last_is_open(db, tmp_path):
    text = (
        "Ana [00:03:44]: How did the council start?\n"
        "Luis [00:04:02]: With three universities and two firms.\n"
        "Ana [00:05:10]: Thank you.\n"
    )
    doc = _import(db, tmp_path, "labels.txt", text)
    _code(db, doc, "three universities")
    _code(db, doc, "Thank you", "Closing")
    df = evidence_table(db).set_index("quote")
    assert df.loc["three universities", "time_range"] == "00:04:02-00:05:10"
    assert df.loc["Thank you", "time_range"] == "00:05:10"  # the end is not known
    assert df.loc["Thank you", "t_end"] is None


def test_untimed_quotes_and_policy_quotes_have_no_range(coded):
    df = evidence_table(coded["db"])
    assert set(df["time_range"]) == {""}
    assert not any(c.endswith("-") for c in df["citation"])


def test_format_time_range():
    assert format_time_range(224.9, 242.2) == "00:03:44-00:04:02"
    assert format_time_range(224.0, 224.7) == "00:03:44"  # one second: no range
    assert format_time_range(224.0, None) == "00:03:44"
    assert format_time_range(None, 242.0) == ""
    assert format_time_range(3 * 3600 + 5, 3 * 3600 + 65) == "03:00:05-03:01:05"


def test_every_writer_carries_the_range(db, tmp_path):
    doc = _import(db, tmp_path, "teams.vtt")
    _code(db, doc, "Mostly CONACYT")
    df = evidence_table(db)
    cite = "Daniel Ortega, teams, turn 4, 00:00:22-00:00:29"
    assert df["citation"].tolist() == [cite]
    with open(evidence_csv(df, tmp_path / "e.csv"), encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["time_range"] == "00:00:22-00:00:29" and rows[0]["citation"] == cite
    sheet = openpyxl.load_workbook(evidence_xlsx(df, tmp_path / "e.xlsx")).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("time_range") + 1).value == "00:00:22-00:00:29"
    paras = [p.text for p in docx.Document(evidence_docx(df, tmp_path / "e.docx")).paragraphs]
    assert any(p.endswith(" — " + cite) for p in paras)
    html = evidence_report(db, df, tmp_path / "e.html").read_text(encoding="utf-8")
    assert f'<div class="cite">{cite}</div>' in html
    set_citation_template(db, "({source}[, {time_range}])")
    assert evidence_table(db)["citation"].tolist() == ["(Daniel Ortega, 00:00:22-00:00:29)"]
