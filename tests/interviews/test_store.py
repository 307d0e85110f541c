"""Storing transcripts: canonical text with labels, turns, speakers linked to cases, roles,
all-or-nothing imports."""

from __future__ import annotations

import pandas as pd
import pytest

from corpus import get_segments, get_text, list_documents, search
from interviews import (
    InterviewError,
    cases_frame,
    document_cases,
    import_transcripts,
    parse_transcript,
    set_speaker,
    speakers_frame,
    store_transcript,
    transcript_turns,
    turns_frame,
)
from interviews.document import suggest_roles, transcript_to_document
from interviews.queries import TURN_COLUMNS


def test_store_canonical_text_keeps_labels_and_turn_ranges(db, data_dir):
    doc_id = store_transcript(db, parse_transcript(data_dir / "teams.vtt"))
    text = get_text(db, doc_id)
    assert text.startswith(
        "Laura Méndez [00:00:03]: Good morning, and thanks for joining us today."
    )
    assert "\n\nDaniel Ortega [00:00:10]: Sure. It began in 2014" in text
    turns = transcript_turns(db, doc_id)
    assert list(turns.columns[: len(TURN_COLUMNS)]) == TURN_COLUMNS
    assert turns["turn_no"].tolist() == [1, 2, 3, 4]
    assert turns["text"].iloc[2] == "Who funded the first phase?"
    assert turns["speaker"].tolist() == ["Laura Méndez", "Daniel Ortega"] * 2
    assert turns["t_start"].iloc[1] == 10.25 and turns["t_end"].iloc[1] == 19.7
    segs = get_segments(db, doc_id, kind="turn")
    assert segs["char_start"].tolist() == turns["char_start"].tolist()
    assert set(segs["language"]) == {"en"}
    assert list_documents(db, kind="interview")["id"].tolist() == [doc_id]


def test_store_turns_are_searchable(interviews_db):
    hits = search(interviews_db, "metrology")
    assert len(hits) == 1 and "metrology" in hits["snippet"].iloc[0]


def test_store_language_detected_per_turn_in_mixed_interview(db):
    from interviews.parse import parse_text

    tr = parse_text(
        "Interviewer: Could you describe how the binational council was funded in those years?\n\n"
        "Expert: Claro, el consejo binacional recibió fondos federales y apoyo de las empresas"
        " del estado.\n",
        "mixed.txt",
    )
    doc_id = store_transcript(db, tr)
    assert turns_frame(db, [doc_id])["language"].tolist() == ["en", "es"]


def test_store_roles_suggested_from_labels_and_questions(data_dir):
    assert suggest_roles(parse_transcript(data_dir / "spanish_pr.txt")) == {
        "P": "interviewer",
        "R": "interviewee",
    }
    assert suggest_roles(parse_transcript(data_dir / "teams.vtt")) == {
        "Laura Méndez": "interviewer",
        "Daniel Ortega": "interviewee",
    }
    assert (
        suggest_roles(parse_transcript(data_dir / "table.docx"))["Lucía Fernández"] == "interviewee"
    )


def test_store_same_name_same_case_across_interviews_generic_labels_per_interview(
    db, data_dir, tmp_path
):
    other = tmp_path / "second.txt"
    other.write_text(
        "Interviewer: Did Daniel Ortega keep working with the council?\n\n"
        "Daniel Ortega: Yes, until 2020.\n",
        encoding="utf-8",
    )
    import_transcripts(
        [str(data_dir / "teams.vtt"), str(other), str(data_dir / "spanish_pr.txt")], db
    )
    cases = cases_frame(db)
    row = cases[cases["name"] == "Daniel Ortega"].iloc[0]
    assert row["documents"] == 2
    assert "Interviewer (second)" in set(cases["name"]) and "R (spanish_pr)" in set(cases["name"])
    dc = document_cases(db)
    assert sorted(dc["case_name"]) == ["Daniel Ortega", "Daniel Ortega", "R (spanish_pr)"]


def test_store_user_can_correct_role_and_case(interviews_db):
    sp = speakers_frame(interviews_db)
    laura = int(sp[sp["speaker"] == "Laura Méndez"]["speaker_id"].iloc[0])
    set_speaker(interviews_db, laura, role="interviewee", case="Dr. L. Méndez")
    row = speakers_frame(interviews_db).set_index("speaker_id").loc[laura]
    assert row["role"] == "interviewee" and row["case_name"] == "Dr. L. Méndez"
    with pytest.raises(InterviewError, match="role must be one of"):
        set_speaker(interviews_db, laura, role="boss")


def test_store_failed_file_saves_nothing_and_batch_continues(db, data_dir):
    outcomes = import_transcripts(
        [
            str(data_dir / "broken_timing.vtt"),
            str(data_dir / "zoom.vtt"),
            str(data_dir / "empty.txt"),
            str(data_dir / "zoom.vtt"),
        ],
        db,
    )
    assert [o.status for o in outcomes] == ["failed", "ok", "failed", "skipped"]
    assert "broken_timing.vtt: line 8" in outcomes[0].reason
    assert len(list_documents(db)) == 1
    assert len(turns_frame(db)) == 4
    assert db.execute("SELECT COUNT(*) FROM speakers").fetchone()[0] == 2


def test_store_error_midway_rolls_back_document_and_turns(db, data_dir, monkeypatch):
    import interviews.store as store

    tr = parse_transcript(data_dir / "zoom.vtt")

    def boom(*a, **k):
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(store, "ensure_case", boom)
    with pytest.raises(RuntimeError):
        store_transcript(db, tr)
    assert list_documents(db).empty
    assert db.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 0
    assert turns_frame(db).empty


def test_store_document_offsets_match_turn_text(data_dir):
    for name in ("otter.txt", "captions.srt", "cp1252.txt", "bold_labels.docx", "no_labels.txt"):
        tr = parse_transcript(data_dir / name)
        doc = transcript_to_document(tr, language=False)
        doc.check()
        assert [doc.text[s.start : s.end] for s in doc.segments] == [
            t.text.strip() for t in tr.turns
        ]


def test_store_real_interviews_import(db, shared_interviews):
    outcomes = import_transcripts([str(shared_interviews)], db)
    assert [o.status for o in outcomes] == ["ok"] * 4
    turns = turns_frame(db)
    assert len(turns) == len(turns.drop_duplicates(["document_id", "turn_no"]))
    roles = speakers_frame(db).set_index(["document_title", "speaker"])["role"]
    assert roles[("interview-3", "Interviewee")] == "interviewee"
    assert roles[("interview-3", "Interviewer 2")] == "interviewer"
    langs = turns.groupby("document_id")["language"].agg(lambda s: s.value_counts().index[0])
    assert langs.tolist() == ["other", "en", "en", "en"]  # interview-2 is French


def test_store_import_with_process_executor_matches_serial(db, data_dir, tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    from projectfile import open_project

    files = [
        str(data_dir / n) for n in ("teams.vtt", "otter.txt", "broken_timing.vtt", "table.docx")
    ]
    with ProcessPoolExecutor(2) as ex:
        par = import_transcripts(files, db, executor=ex)
    serial_db = open_project(tmp_path / "serial.qda.sqlite")
    ser = import_transcripts(files, serial_db)
    assert [o.status for o in par] == [o.status for o in ser] == ["ok", "ok", "failed", "ok"]
    pd.testing.assert_frame_equal(turns_frame(db), turns_frame(serial_db))


def test_store_missing_file_is_a_failed_outcome(db, tmp_path):
    out = import_transcripts([str(tmp_path / "nope.txt")], db)
    assert out[0].status == "failed" and "nope.txt" in out[0].reason


def test_store_import_refi_cases_for_exports(db, data_dir):
    from interviews import (
        case_attributes_frame,
        document_cases,
        import_refi_cases,
        import_transcripts,
    )

    doc = import_transcripts([str(data_dir / "zoom.vtt")], db)[0].document_id
    assert (
        import_refi_cases(
            db,
            [
                {
                    "name": "Expert 9",
                    "description": "from NVivo",
                    "attributes": {"sector": "industry", "years": 4},
                    "document_ids": [doc],
                    "code_ids": [],
                }
            ],
        )
        == 1
    )
    attrs = case_attributes_frame(db).set_index("case_name")
    assert attrs.loc["Expert 9", "sector"] == "industry" and attrs.loc["Expert 9", "years"] == 4.0
    assert "Expert 9" in set(document_cases(db)["case_name"])
