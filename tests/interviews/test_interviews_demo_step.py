"""The demo step imports every fictional transcript, fixes roles and sets typed attributes."""

from __future__ import annotations

from pathlib import Path

from interviews import case_attributes_frame, document_cases, transcripts_frame, turns_frame

DEMO = Path(__file__).resolve().parents[2] / "demo"


def test_demo_step_interviews(db):
    from demo import step_interviews

    step_interviews.build(db, DEMO)
    tr = transcripts_frame(db)
    assert len(tr) == 5
    assert set(tr["format"]) == {"vtt-teams", "vtt-zoom", "otter", "docx-table", "labels"}
    turns = turns_frame(db)
    assert {"en", "es"} <= set(turns["language"])
    interviewees = set(document_cases(db)["case_name"])
    assert interviewees == {
        "Rebecca Langford",
        "Héctor Valdivia",
        "Sofía Aranda",
        "Valeria Montoya",
        "Ramiro Castellanos",
    }
    attrs = case_attributes_frame(db).set_index("case_name")
    assert attrs.loc["Valeria Montoya", "sector"] == "government"
    assert attrs.loc["Héctor Valdivia", "years_experience"] == 30.0
    assert (DEMO / "transcripts" / "README.md").read_text(encoding="utf-8").count("fictional") >= 1
