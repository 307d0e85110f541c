"""Merging projects coded apart (issue 16 §2): coders apart, idempotent, edited texts mapped."""

from __future__ import annotations

import shutil

import pytest

from coding import (
    add_code,
    add_memo,
    agreement,
    code_span,
    codes_frame,
    codings_frame,
    delete_coding,
    edit_document,
    ensure_code_path,
    merge_project,
    preview_merge,
    undo,
    update_code,
)
from corpus import Document, get_text, list_documents, paragraphs_from_text, sha256_bytes
from corpus import store_document as store
from interviews import case_attributes_frame, parse_transcript, set_attribute, store_transcript
from projectfile import QdaError, open_project

TRANSCRIPT = (
    "Interviewer: How did the consortium start?\n\n"
    "Maria Lopez: It started in 2019 with three firms. The funding came late. We waited a year.\n\n"
    "Interviewer: And the training?\n\n"
    "Maria Lopez: The university trained our technicians in metrology."
)
POLICY = "The council met in March.\n\nSuppliers waited for certification for two years."


def _build(path):
    db = open_project(path)
    data = TRANSCRIPT.encode()
    store_transcript(db, parse_transcript("maria.txt", data=data), data, title="Maria")
    store(
        db,
        Document(
            POLICY,
            "brief",
            "brief.txt",
            segments=paragraphs_from_text(POLICY),
            sha256=sha256_bytes(POLICY.encode()),
            size=len(POLICY),
        ),
    )
    ensure_code_path(db, "Funding > Delays", coder="lead", color="#aa0000")
    ensure_code_path(db, "Training", coder="lead", color="#00aa00")
    _code(db, "maria", "The funding came late.", "Funding > Delays", "lead")
    db.conn.close()


def _doc(db, source):
    docs = list_documents(db)
    return int(docs.loc[docs["source_name"] == source, "id"].iloc[0])


def _code(db, source, needle, code, coder):
    doc = _doc(db, source + ".txt")
    s = get_text(db, doc).index(needle)
    return code_span(db, doc, s, s + len(needle), code, coder)


@pytest.fixture
def copies(tmp_path):
    """Two copies of one project: A coded by ana, B coded by ben."""
    base = tmp_path / "base.qda.sqlite"
    _build(base)
    a, b = tmp_path / "ana.qda.sqlite", tmp_path / "ben.qda.sqlite"
    shutil.copyfile(base, a)
    shutil.copyfile(base, b)
    da, db_ = open_project(a), open_project(b)
    _code(da, "maria", "We waited a year.", "Funding > Delays", "ana")
    _code(da, "maria", "trained our technicians", "Training", "ana")
    _code(db_, "maria", "We waited a year.", "Funding > Delays", "ben")
    _code(db_, "maria", "The university trained our technicians", "Training", "ben")
    add_memo(db_, "ben's notes on funding", "ben", target="code", target_id=1)
    db_.conn.close()
    yield da, b
    da.conn.close()


def _state(db):
    return (
        len(codings_frame(db)),
        len(codes_frame(db)),
        len(list_documents(db, include_old=True)),
        db.execute("SELECT COUNT(*) FROM memos").fetchone()[0],
        db.execute("SELECT COUNT(*) FROM coders").fetchone()[0],
    )


def test_merge_two_coders_copies_then_agreement_has_both(copies):
    db, other = copies
    report = merge_project(db, other, coder="ana")
    frame = report.frame()
    docs = frame[frame["item"] == "document"]
    assert set(docs["outcome"]) == {"matched"} and len(docs) == 2
    codings = frame[frame["item"] == "coding"]
    assert (codings["outcome"] == "added").sum() == 2  # ben's two
    assert (codings["outcome"] == "already here").sum() == 1  # the lead's shared coding
    assert set(codings_frame(db)["coder"]) == {"lead", "ana", "ben"}
    ag = agreement(db, coders=["ana", "ben"])
    overall = ag[ag["code"] == "overall"].iloc[0] if "code" in ag else ag.iloc[-1]
    assert 0 < float(overall["kappa"]) < 1
    memos = frame[frame["item"] == "memo"]
    assert list(memos["outcome"]) == ["added"]


def test_merge_twice_changes_nothing(copies):
    db, other = copies
    merge_project(db, other, coder="ana")
    before = _state(db)
    actions = db.execute("SELECT COUNT(*) FROM coding_actions").fetchone()[0]
    again = merge_project(db, other, coder="ana")
    assert again.changed == 0
    assert _state(db) == before
    assert db.execute("SELECT COUNT(*) FROM coding_actions").fetchone()[0] == actions


def test_merge_edited_transcript_maps_codings(copies):
    db, other_path = copies
    other = open_project(other_path)
    doc = _doc(other, "maria.txt")
    text = get_text(other, doc)
    edited = text.replace("How did the consortium", "How exactly did the consortium")
    new = edit_document(other, doc, edited, "ben").new_document_id
    s = edited.index("three firms")
    code_span(other, new, s, s + len("three firms"), "Training", "ben")
    other.conn.close()
    report = merge_project(db, other_path, coder="ana").frame()
    row = report[report["item"] == "document"].set_index("name").loc["Maria"]
    assert row["outcome"] == "matched" and "differs" in row["reason"]
    ben = codings_frame(db, coders=["ben"])
    assert sorted(ben["text"]) == [
        "The university trained our technicians",
        "We waited a year.",
        "three firms",
    ]


def test_merge_code_preview_new_matched_conflicting_and_added_document(copies, tmp_path):
    db, other_path = copies
    other = open_project(other_path)
    update_code(other, "Training", coder="ben", definition="Any training of staff")
    add_code(other, "Places", coder="ben", color="#0000aa")
    extra = "A laboratory note about metrology audits."
    store(
        other,
        Document(
            extra,
            "note",
            "note.txt",
            segments=paragraphs_from_text(extra),
            sha256=sha256_bytes(extra.encode()),
            size=len(extra),
        ),
    )
    _code(other, "note", "metrology audits", "Places", "ben")
    other.conn.close()
    preview = preview_merge(db, other_path).set_index("path")["status"].to_dict()
    assert preview == {
        "Funding": "matched",
        "Funding > Delays": "matched",
        "Training": "conflicting",
        "Places": "new",
    }
    report = merge_project(db, other_path, coder="ana").frame()
    assert "conflicting" in set(report.loc[report["name"] == "Training", "outcome"])
    assert codes_frame(db).set_index("path").loc["Training", "definition"] == ""
    added = report[(report["item"] == "document") & (report["outcome"] == "added")]
    assert list(added["name"]) == ["note"]
    assert list(codings_frame(db, codes="Places")["text"]) == ["metrology audits"]


def test_merge_refuses_a_missing_or_broken_file_and_changes_nothing(copies, tmp_path):
    db, _ = copies
    before = _state(db)
    with pytest.raises(QdaError, match="no such project file"):
        merge_project(db, tmp_path / "absent.qda.sqlite")
    junk = tmp_path / "junk.qda.sqlite"
    junk.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(QdaError, match="not a project file"):
        merge_project(db, junk)
    assert _state(db) == before


def test_merge_again_does_not_bring_back_a_deleted_coding(copies):
    db, other = copies
    merge_project(db, other, coder="ana")
    ben = codings_frame(db, coders=["ben"])
    delete_coding(db, int(ben["coding_id"].iloc[0]), "ana")
    again = merge_project(db, other, coder="ana")
    assert again.changed == 0
    assert len(codings_frame(db, coders=["ben"])) == len(ben) - 1


def test_merge_undo_then_merge_again_brings_the_codings_back(copies):
    db, other = copies
    merge_project(db, other, coder="carl", session="s2")
    assert len(codings_frame(db, coders=["ben"])) == 2
    assert undo(db, "carl", session="s2").startswith("merge")
    assert codings_frame(db, coders=["ben"]).empty
    again = merge_project(db, other, coder="carl", session="s2")
    assert again.changed >= 2 and len(codings_frame(db, coders=["ben"])) == 2


def test_merge_brings_case_attributes_and_reports_conflicts(copies):
    db, other_path = copies
    set_attribute(db, "Maria Lopez", "Sector", "industry")
    other = open_project(other_path)
    set_attribute(other, "Maria Lopez", "Sector", "university")
    set_attribute(other, "Maria Lopez", "Years", 12, type_="number")
    other.conn.close()
    report = merge_project(db, other_path, coder="ana").frame()
    attrs = report[report["item"] == "case attribute"].set_index("name")["outcome"].to_dict()
    assert attrs == {
        "Years": "added",
        "Maria Lopez: Years": "added",
        "Maria Lopez: Sector": "conflicting",
    }
    values = case_attributes_frame(db).set_index("case_name")
    assert values.loc["Maria Lopez", "Sector"] == "industry"
    assert float(values.loc["Maria Lopez", "Years"]) == 12
    again = merge_project(db, other_path, coder="ana")
    assert again.changed == 0


def test_merge_keeps_the_assistant_apart(tmp_path):
    """The other project's assistant codings arrive as the assistant's: kept out of every count
    unless asked for, never turned into a person's codings."""
    from coding import coders_frame, ensure_assistant

    a, b = tmp_path / "a.qda.sqlite", tmp_path / "b.qda.sqlite"
    _build(a)
    shutil.copy(a, b)
    db = open_project(a)
    bot = ensure_assistant(db, "usem3", "1", "2026-12-01", {"threshold": 0.5})
    _code(db, "maria", "We waited a year.", "Funding > Delays", bot)
    db.conn.close()
    db = open_project(b)
    try:
        merge_project(db, a)
        people = codings_frame(db)
        everyone = codings_frame(db, assistants=True)
        assert bot not in set(people["coder"])
        assert set(everyone["coder"]) == {"lead", bot}
        kinds = coders_frame(db).set_index("name")["kind"]
        assert kinds[bot] == "assistant" and kinds["lead"] == "person"
        assert codes_frame(db).set_index("path").loc["Funding > Delays", "codings"] == 1
    finally:
        db.conn.close()
