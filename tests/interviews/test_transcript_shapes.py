"""Issue 11 §6: lower-case role labels and bracketed speaker ids are speakers, not unlabelled
text; merged labels are counted for the preview; transcripts saved from the Interviews page are in
the ingest log like documents."""

from __future__ import annotations

import pytest

import interviews
from cli import main
from corpus import ingest_log
from projectfile import QdaError

LOWER = """interviewer: thanks for joining us. how did the project start?
interviewee: it started in 2019 with a small grant from the state.
interviewee: then the council joined, a year later.
interviewer: and the firms?

interviewee: they came later, in 2021, when the first technicians graduated.
interviewer 2: one more question from me: who trained them?
interviewee: the university did, with the chamber of commerce.
"""

# the shape of QualCoder's example transcript: a bracketed speaker id opens each turn
BRACKETED = """[id1] Hello, thank you for agreeing to this interview. Can you describe your role?
[id2] Sure. I coordinate the training programme at the plant.
[laughs] It is a lot of work, honestly.
[id1] What changed since 2019?
[id2] We hired forty technicians. [inaudible]
[00:01:02] that was the big change for us.
[id2] And the council paid half of it.
[Figure 2] shows the numbers, by the way.
"""


def _parse(text: str, name: str):
    return interviews.parse_transcript(name, data=text.encode("utf-8"), name=name)


def test_lower_case_role_labels_are_speakers():
    tr = _parse(LOWER, "lower.txt")
    assert tr.format == "labels" and not tr.warnings
    assert tr.speakers == ["Interviewer", "Interviewee", "Interviewer 2"]
    assert [t.speaker for t in tr.turns] == [
        "Interviewer",
        "Interviewee",
        "Interviewer",
        "Interviewee",
        "Interviewer 2",
        "Interviewee",
    ]
    assert "then the council joined" in tr.turns[1].text
    assert tr.merged_labels == 1
    summary = interviews.import_summary(tr)
    assert "6 turns" in summary and "3 speakers" in summary
    assert "1 label of the same speaker as the turn before merged into that turn" in summary
    roles = interviews.preview_frame(tr).set_index("turn_no")["role"]
    assert roles[1] == "interviewer" and roles[2] == "interviewee"


def test_bracketed_speaker_ids_are_speakers_and_stage_directions_are_text():
    tr = _parse(BRACKETED, "qualcoder-example.txt")
    assert tr.format == "labels" and not tr.warnings
    assert tr.speakers == ["id1", "id2"]
    assert [t.speaker for t in tr.turns] == ["id1", "id2", "id1", "id2"]
    second = tr.turns[1].text
    assert "[laughs] It is a lot of work" in second
    last = tr.turns[3].text
    assert "[00:01:02] that was the big change" in last and "[Figure 2] shows" in last
    assert "And the council paid half of it." in last
    assert tr.merged_labels == 1
    # the interviewer asks the questions
    roles = interviews.preview_frame(tr).drop_duplicates("speaker").set_index("speaker")["role"]
    assert roles["id1"] == "interviewer" and roles["id2"] == "interviewee"


def test_bracketed_ids_get_a_case_per_interview(db, tmp_path):
    path = tmp_path / "example.txt"
    path.write_text(BRACKETED, encoding="utf-8")
    (outcome,) = interviews.import_transcripts([str(path)], db)
    assert outcome.status == "ok"
    cases = set(interviews.cases_frame(db)["name"])
    assert cases == {"id1 (example)", "id2 (example)"}


def test_uppercase_labels_still_parse_as_before():
    tr = _parse("Interviewer: Hello.\nInterviewee: Hi there.\nInterviewer: Bye?\n", "a.txt")
    assert tr.speakers == ["Interviewer", "Interviewee"] and tr.merged_labels == 0


def test_transcript_saved_from_the_page_is_in_the_ingest_log(db, tmp_path, capsys):
    tr = _parse(LOWER, "lower.txt")
    doc_id = interviews.save_transcript(db, tr, LOWER.encode(), path="uploads/lower.txt")
    log = ingest_log(db)
    row = log.iloc[0]
    assert (row["path"], row["status"], int(row["document_id"])) == (
        "uploads/lower.txt",
        "ok",
        doc_id,
    )
    assert int(row["pages"]) == 6  # turns
    with pytest.raises(QdaError, match="already"):
        interviews.save_transcript(db, tr, LOWER.encode(), path="uploads/lower-again.txt")
    log = ingest_log(db)
    assert log.iloc[0]["status"] == "skipped" and "duplicate" in log.iloc[0]["reason"]
    project = db.conn.execute("PRAGMA database_list").fetchone()[2]
    capsys.readouterr()
    assert main(["log", "--project", project]) == 0
    out = capsys.readouterr().out
    assert "uploads/lower.txt" in out and "uploads/lower-again.txt" in out


def test_real_transcripts_keep_their_speakers(shared_interviews):
    data = (shared_interviews / "interview-3.txt").read_bytes()
    tr = interviews.parse_transcript("interview-3.txt", data=data, name="interview-3.txt")
    assert {"Interviewee", "Interviewer 1", "Interviewer 2"} <= set(tr.speakers)
    assert sum(tr.label_counts.values()) >= 150
    assert tr.merged_labels == sum(tr.label_counts.values()) - len(tr.turns)
