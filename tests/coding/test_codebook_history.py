"""The codebook's history: events per change (undone with it), snapshots and their comparison."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from coding_data import make_document

import coding as C
from corpus import store_document
from projectfile import open_project

TEXT = (
    "Talent left for Texas. Funding came late. Public money was slow.\n\n"
    "Private funds came from firms. Skills were scarce. Funding dried up."
)


@pytest.fixture
def doc(db):
    return store_document(db, make_document(TEXT, "history"), segment_language=False)


def _code(db, doc, needle, code, coder="ana"):
    s = TEXT.index(needle)
    return C.code_span(db, doc, s, s + len(needle), code, coder)


def _events(db):
    return C.codebook_history_frame(db)


def _last(db):
    return _events(db).iloc[-1]


def _assert_last(db, kind: str, detail: str, touched: int) -> None:
    ev = _last(db)
    assert (ev["kind"], ev["detail"], ev["codings_touched"]) == (kind, detail, touched)


def test_codebook_event_add_records_path_and_coder(db):
    C.add_code(db, "Funding", coder="ana")
    kid = C.add_code(db, "Public", parent="Funding", coder="ben")
    ev = _last(db)
    assert (ev["kind"], ev["code_id"], ev["coder"]) == ("add", kid, "ben")
    assert ev["detail"] == "added 'Funding > Public'"
    assert C.undo(db, "ben") == "add code Public"
    assert list(_events(db)["kind"]) == ["add"]


def test_codebook_event_rename(db, doc):
    cid = C.add_code(db, "Talent")
    _code(db, doc, "Talent left for Texas.", "Talent")
    C.update_code(db, cid, "ana", name="Skills")
    _assert_last(db, "rename", "renamed 'Talent' to 'Skills'", 1)
    audit_before = len(C.audit_frame(db))
    C.undo(db, "ana")
    assert list(_events(db)["kind"]) == ["add"]  # the undone rename leaves the history
    assert len(C.audit_frame(db)) > audit_before  # the audit log keeps both


def test_codebook_event_move(db, doc):
    C.add_code(db, "Funding")
    cid = C.add_code(db, "Public")
    _code(db, doc, "Public money was slow.", "Public")
    C.move_code(db, cid, "Funding", coder="ana")
    _assert_last(db, "move", "moved 'Public' to 'Funding > Public'", 1)
    C.undo(db, "ana")
    assert "move" not in set(_events(db)["kind"])


def test_codebook_event_merge_counts_codings(db, doc):
    C.add_code(db, "Funding")
    src = C.add_code(db, "Money")
    _code(db, doc, "Public money was slow.", "Money")
    _code(db, doc, "Funding dried up.", "Money")
    _code(db, doc, "Funding dried up.", "Funding")  # a duplicate that collapses
    assert C.merge_codes(db, src, "Funding", coder="ana") == 1
    _assert_last(db, "merge", "merged 'Money' into 'Funding'", 2)
    C.undo(db, "ana")
    assert "merge" not in set(_events(db)["kind"])


def test_codebook_event_split_moves_listed_codings(db, doc):
    C.add_code(db, "Funding")
    a = _code(db, doc, "Public money was slow.", "Funding")
    b = _code(db, doc, "Private funds came from firms.", "Funding")
    keep = _code(db, doc, "Funding dried up.", "Funding")
    public, private = C.split_code(db, "Funding", {"Public": [a], "Private": [b]}, coder="ana")
    paths = dict(zip(C.codes_frame(db)["id"], C.codes_frame(db)["path"]))
    assert (paths[public], paths[private]) == ("Public", "Private")
    got = C.codings_frame(db).set_index("coding_id")["code_id"].to_dict()
    assert (got[a], got[b], got[keep]) == (public, private, C.resolve_code(db, "Funding"))
    _assert_last(db, "split", "split 'Funding' into 'Public', 'Private'", 2)
    assert C.undo(db, "ana") == "split code Funding"  # one action
    assert set(C.codes_frame(db)["path"]) == {"Funding"}
    assert list(_events(db)["kind"]) == ["add"]
    with pytest.raises(C.CodingError):
        C.split_code(db, "Funding", {"X": [999]}, coder="ana")


def test_codebook_event_define(db, doc):
    cid = C.add_code(db, "Funding")
    _code(db, doc, "Funding came late.", "Funding")
    C.update_code(db, cid, "ana", definition="Money for the programme", color="#112233")
    kinds = list(_events(db)["kind"])
    assert kinds == ["add", "recolor", "define"]
    ev = _last(db)
    assert (ev["detail"], ev["codings_touched"]) == ("changed the definition of 'Funding'", 1)
    C.update_code(db, cid, "ana", definition="Money for the programme")  # no change: no event
    assert len(_events(db)) == 3
    C.undo(db, "ana")
    assert list(_events(db)["kind"]) == ["add"]


def test_codebook_event_trash_restore(db, doc):
    C.add_code(db, "Funding")
    cid = C.add_code(db, "Public", parent="Funding")
    _code(db, doc, "Public money was slow.", "Funding > Public")
    C.delete_code(db, "Funding", coder="ana")
    _assert_last(db, "trash", "moved 'Funding' to the trash", 1)
    C.restore_code(db, C.trash_frame(db).query("path == 'Funding'")["id"].iloc[0], coder="ana")
    assert _last(db)["kind"] == "restore" and cid in set(C.codes_frame(db)["id"])
    C.undo(db, "ana")
    C.undo(db, "ana")
    assert "trash" not in set(_events(db)["kind"]) and "restore" not in set(_events(db)["kind"])


def test_coding_knows_codebook_version(db, doc):
    C.add_code(db, "Talent")
    first = _code(db, doc, "Talent left for Texas.", "Talent")
    C.update_code(db, "Talent", name="Skills")
    second = _code(db, doc, "Skills were scarce.", "Skills")
    versions = dict(db.execute("SELECT id, codebook_event_id FROM codings").fetchall())
    ids = list(_events(db)["id"])
    assert versions == {first: ids[0], second: ids[1]}
    assert C.codebook_version(db) == ids[1]


def test_compare_snapshots_round1_vs_consensus(db, doc):
    C.add_code(db, "Talent", coder="ana")
    C.add_code(db, "Funding", coder="ana")
    C.add_code(db, "Money", coder="ana")
    C.add_code(db, "Places", coder="ana")
    _code(db, doc, "Talent left for Texas.", "Talent")
    _code(db, doc, "Skills were scarce.", "Talent")
    a = _code(db, doc, "Public money was slow.", "Funding")
    b = _code(db, doc, "Private funds came from firms.", "Funding")
    _code(db, doc, "Funding came late.", "Funding")
    _code(db, doc, "Funding dried up.", "Money")
    C.snapshot_codebook(db, "round 1", "ana")
    with pytest.raises(C.CodingError):
        C.snapshot_codebook(db, "round 1", "ana")
    C.update_code(db, "Talent", "ana", name="Skills")
    C.merge_codes(db, "Money", "Funding", coder="ana")
    C.split_code(db, "Funding", {"Public": [a], "Private": [b]}, coder="ana")
    C.update_code(db, "Places", "ana", definition="Where things happen")
    C.add_code(db, "Timing", coder="ana")
    C.snapshot_codebook(db, "after consensus", "ben")
    got = C.compare_snapshots(db, "round 1", "after consensus")
    ids = dict(zip(C.codes_frame(db)["path"], C.codes_frame(db)["id"]))
    money = 3
    expected = pd.DataFrame(
        [
            ["renamed", 1, "Talent", "Skills", "'Talent' → 'Skills'", 2],
            ["split", 2, "Funding", "Funding", "into 'Public', 'Private'", 2],
            ["merged", money, "Money", None, "into 'Funding'", 1],
            ["definition changed", 4, "Places", "Places", "definition", 0],
            ["added", ids["Public"], None, "Public", "split from 'Funding'", 0],
            ["added", ids["Private"], None, "Private", "split from 'Funding'", 0],
            ["added", ids["Timing"], None, "Timing", "", 0],
        ],
        columns=C.codebook_history.COMPARE_COLUMNS,
    )
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)
    snaps = C.snapshots_frame(db)
    assert list(snaps["name"]) == ["round 1", "after consensus"]
    assert list(snaps["codes"]) == [4, 6]
    periods = C.codebook_periods(db)
    assert list(periods["period"]) == ["'round 1' → 'after consensus'"]
    assert periods["summary"].iloc[0] == (
        "3 codes added, 'Talent' renamed 'Skills' (2 codings), 'Funding' split into 'Public',"
        " 'Private' (2 codings), 'Money' merged into 'Funding' (1 codings), the definition of"
        " 'Places' revised"
    )
    since = C.codebook_history_frame(db, since_snapshot="round 1")
    assert list(since["kind"]) == ["rename", "merge", "add", "add", "split", "define", "add"]
    # counts are untouched by snapshots and history
    assert len(C.codings_frame(db)) == 6


def test_codebook_history_migration_backfills_codes(tmp_path):
    """A project made before 0008 gets one derived 'add' event per code, its codings no version."""
    import projectfile.migrations as M

    path = tmp_path / "old.qda.sqlite"
    db = open_project(path)
    C.add_code(db, "Old code", coder="ana")
    db.conn.close()
    con = sqlite3.connect(path)  # make the file look as it did before 0008
    con.executescript(
        "DROP TABLE codebook_events; DROP TABLE codebook_snapshots;"
        " ALTER TABLE codings DROP COLUMN codebook_event_id;"
        " DELETE FROM _migrations WHERE name = '0008_codebook_history';"
    )
    con.commit()
    con.close()
    assert "0008_codebook_history" in [n for _, n, _ in M.known_migrations()]
    db = open_project(path)
    ev = C.codebook_history_frame(db)
    assert list(ev["kind"]) == ["add"] and bool(ev["derived"].iloc[0])
    assert ev["coder"].iloc[0] == "ana"
    db.conn.close()
