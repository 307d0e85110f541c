"""Merging or deleting case records: speakers and attribute values follow; missing: NotFound."""

import pytest

from interviews import (
    InterviewError,
    case_attributes_frame,
    cases_frame,
    delete_case_record,
    ensure_case,
    merge_case_records,
    set_attribute,
    speakers_frame,
)
from projectfile import NotFound


def test_case_records_merge_moves_speakers_and_missing_attributes(interviews_db):
    db = interviews_db
    speakers = speakers_frame(db)
    gone = int(speakers["case_id"].dropna().iloc[0])
    keep = ensure_case(db, "Expert A")
    set_attribute(db, gone, "sector", "industry")
    set_attribute(db, gone, "country", "Mexico")
    set_attribute(db, keep, "country", "Chile")
    moved = set(speakers.loc[speakers["case_id"] == gone, "speaker_id"])
    merge_case_records(db, keep, gone)
    assert gone not in set(cases_frame(db)["case_id"])
    now = speakers_frame(db).set_index("speaker_id")
    assert {int(now.loc[s, "case_id"]) for s in moved} == {keep}
    attrs = case_attributes_frame(db).set_index("case_id")
    assert attrs.loc[keep, "sector"] == "industry" and attrs.loc[keep, "country"] == "Chile"


def test_case_records_delete_keeps_speakers_unlinked(interviews_db):
    db = interviews_db
    speakers = speakers_frame(db)
    case = int(speakers["case_id"].dropna().iloc[0])
    linked = set(speakers.loc[speakers["case_id"] == case, "speaker_id"])
    delete_case_record(db, case)
    assert case not in set(cases_frame(db)["case_id"])
    now = speakers_frame(db).set_index("speaker_id")
    assert all(now.loc[s, "case_id"] != now.loc[s, "case_id"] for s in linked)  # NaN: unlinked


def test_case_records_missing_case_is_not_found(db):
    keep = ensure_case(db, "Expert A")
    with pytest.raises(NotFound):
        delete_case_record(db, 999)
    with pytest.raises(NotFound):
        merge_case_records(db, keep, 999)
    with pytest.raises(InterviewError):
        merge_case_records(db, keep, keep)
