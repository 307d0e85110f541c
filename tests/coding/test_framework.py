"""Framework matrices on the bilingual demo project: counts equal the code x case view and the
per-document counts over the same scope; cell summaries are memos (written, edited, undone,
searched, moved with merged cases); the 0007 migration keeps old memos and their search."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from demo_data import STEPS, build_demo, demo_copy

import coding
from coding import (
    Scope,
    cell_summaries,
    code_attribute_matrix,
    code_case_frame,
    code_document_frame,
    codings_frame,
    framework_frame,
    framework_rows,
    frequencies,
    memos_frame,
    set_cell_summary,
    undo,
)
from coding.schema import MIGRATIONS
from interviews import cases_frame, define_attribute, set_attribute
from projectfile import open_project, register_schema


@pytest.fixture(scope="session")
def demo_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-cache")


@pytest.fixture
def demo(tmp_path, demo_cache):
    db = open_project(demo_copy(tmp_path, demo_cache))
    yield db
    db.conn.close()


def _case_id(db, name: str) -> int:
    cases = cases_frame(db)
    return int(cases.loc[cases["name"] == name, "case_id"].iloc[0])


def _cells(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    return {(k, p): int(n) for k, p, n in frame[["row_key", "code_path", "codings"]].values}


@pytest.mark.parametrize("count", ["codings", "segments"])
def test_framework_counts_equal_code_case_frame(demo, count):
    scope = Scope(count=count)
    cc = code_case_frame(demo, scope)
    expected = {
        (f"case:{c}", p): int(n) for c, p, n in cc[["case_id", "code_path", "codings"]].values
    }
    assert expected, "the demo must have coded cases"
    assert _cells(framework_frame(demo, scope, rows="case")) == expected
    # with children: a top-level column is the sum of its own and its sub-codes' rows there
    fw = framework_frame(demo, scope.replace(children=True), rows="case")
    assert set(fw["code_path"]) <= {
        "Governance",
        "Funding",
        "Talent",
        "Technology transfer",
        "Barriers",
        "Trade policy",
    }
    for (key, path), n in _cells(fw).items():
        case = int(key.split(":")[1])
        rows = cc[
            (cc["case_id"] == case)
            & ((cc["code_path"] == path) | cc["code_path"].str.startswith(path + " > "))
        ]
        assert n == int(rows["codings"].sum()), (key, path)
    # Funding has no codings of its own: its column is Public + Private
    funding = fw[fw["code_path"] == "Funding"]["codings"].sum()
    assert funding == cc[cc["code_path"].str.startswith("Funding > ")]["codings"].sum() > 0


def test_framework_coding_ids_are_the_codings_counted(demo):
    fw = framework_frame(demo, Scope(count="codings"), rows="case")
    assert (fw["codings"] == fw["coding_ids"].map(len)).all()
    # two coders: counting segments counts fewer than every coding somewhere, never more
    seg = framework_frame(demo, Scope(count="segments"), rows="case").set_index(
        ["row_key", "code_id"]
    )
    every = fw.set_index(["row_key", "code_id"])
    assert (seg["codings"] <= every.loc[seg.index, "codings"]).all()
    assert (seg["codings"] < every.loc[seg.index, "codings"]).any()
    quotes = codings_frame(demo).set_index("coding_id")
    cell = fw.iloc[0]
    assert {quotes.loc[i, "code_id"] for i in cell["coding_ids"]} == {cell["code_id"]}


def test_framework_rows_by_attribute_and_document(demo):
    scope = Scope(count="codings")
    by_attr = framework_frame(demo, scope, rows="attribute:sector")
    # the Analysis page's code x attribute view: '(none)' holds the cases without a sector
    matrix = code_attribute_matrix(demo, "sector", value="codings", scope=scope)
    expected = {
        (f"attribute:sector={v}", p): int(n)
        for p, row in matrix.iterrows()
        for v, n in row.items()
        if n
    }
    assert _cells(by_attr) == expected
    industry = by_attr[
        (by_attr["row_label"] == "industry") & (by_attr["code_path"] == "Talent > Training")
    ]
    assert industry["cases"].tolist() == [2]  # Héctor Valdivia and Ramiro Castellanos
    assert framework_rows(demo, scope, "attribute:sector")["row_label"].tolist() == [
        "academia",
        "government",
        "industry",
        "(none)",
    ]
    by_doc = framework_frame(demo, scope, rows="document")
    cd = code_document_frame(demo, scope)
    freq = frequencies(demo, by="document", scope=scope)
    assert cd["codings"].sum() == freq["codings"].sum() == by_doc["codings"].sum()
    titles = framework_rows(demo, scope, "document").set_index("row_key")["row_label"]
    assert set(by_doc["row_key"]) <= set(titles.index)
    assert (by_doc["row_label"] == by_doc["row_key"].map(titles)).all()


def test_framework_respects_coders_scope(demo):
    coders = sorted(codings_frame(demo)["coder"].unique())
    assert len(coders) == 2
    one = Scope(coders=(coders[0],))
    fw = framework_frame(demo, one, rows="case")
    ids = {i for t in fw["coding_ids"] for i in t}
    by = codings_frame(demo).set_index("coding_id")["coder"]
    assert {by[i] for i in ids} == {coders[0]}
    cc = code_case_frame(demo, one)
    assert fw["codings"].sum() == cc["codings"].sum()
    # a consensus coder (issue 22) is just another coder name in the scope
    assert framework_frame(demo, Scope(coders=("consensus",)), rows="case").empty


def test_framework_case_filter_and_chosen_columns(demo):
    valeria = _case_id(demo, "Valeria Montoya")
    scope = Scope(cases=(valeria,), codes=("Funding", "Barriers"), children=True)
    fw = framework_frame(demo, scope, rows="case")
    assert set(fw["row_key"]) == {f"case:{valeria}"}
    assert set(fw["code_path"]) <= {"Funding", "Barriers"}
    assert framework_rows(demo, scope, "case")["row_label"].tolist() == ["Valeria Montoya"]


def test_set_cell_summary_updates_and_undoes(demo):
    hector = _case_id(demo, "Héctor Valdivia")
    key = f"case:{hector}"
    first = set_cell_summary(
        demo, key, "Talent", "Forma técnicos con el instituto; pide más cupo.", "ana"
    )
    s = cell_summaries(demo)
    assert s[["row_key", "memo_id", "author"]].values.tolist() == [[key, first, "ana"]]
    memo = memos_frame(demo, target="cell").iloc[0]
    assert memo["title"] == "Héctor Valdivia × Talent" and memo["cell_row"] == key
    assert memos_frame(demo, query="tecnicos")["memo_id"].tolist() == [first]  # accents folded
    again = set_cell_summary(demo, key, "Talent", "Trains technicians; wants more places.", "ben")
    assert again == first
    s = cell_summaries(demo).iloc[0]
    assert (s["text"], s["author"]) == ("Trains technicians; wants more places.", "ben")
    assert memos_frame(demo, query="tecnicos").empty
    undo(demo, "ben")
    assert cell_summaries(demo).iloc[0]["text"].startswith("Forma técnicos")
    assert set_cell_summary(demo, key, "Talent", "  ", "ana") is None
    assert cell_summaries(demo).empty
    undo(demo, "ana")
    assert len(cell_summaries(demo)) == 1
    # counts never move with summaries
    assert framework_frame(demo, rows="case").equals(framework_frame(demo, rows="case"))
    with pytest.raises(coding.CodingError):
        set_cell_summary(demo, "team:3", "Talent", "x", "ana")
    with pytest.raises(coding.CodingError):
        coding.add_memo(demo, "x", "ana", target="cell", target_id=1)


def test_cell_summaries_follow_merged_cases(demo):
    hector, ramiro = _case_id(demo, "Héctor Valdivia"), _case_id(demo, "Ramiro Castellanos")
    set_cell_summary(demo, f"case:{hector}", "Barriers", "Bureaucracy at customs.", "ana")
    set_cell_summary(demo, f"case:{ramiro}", "Barriers", "Delays in certification.", "ana")
    set_cell_summary(demo, "attribute:sector=industry", "Barriers", "Paperwork.", "ana")
    coding.merge_cases(demo, hector, ramiro, coder="ana")
    s = cell_summaries(demo).set_index("row_key")
    assert f"case:{ramiro}" not in s.index
    assert set(s.loc[f"case:{hector}", "text"].split("\n\n")) == {
        "Bureaucracy at customs.",
        "Delays in certification.",
    }
    # the next write keeps one summary for the cell
    set_cell_summary(demo, f"case:{hector}", "Barriers", "Customs and certification.", "ana")
    assert cell_summaries(demo).set_index("row_key").loc[f"case:{hector}", "text"] == (
        "Customs and certification."
    )
    coding.delete_case(demo, hector, coder="ana")
    assert cell_summaries(demo)["row_key"].tolist() == ["attribute:sector=industry"]


def test_cell_memo_migration_keeps_old_memos_and_search(tmp_path):
    """A project written before 0007 (the demo's memos, built with every other coding migration)
    opens, keeps every memo with its id, author and dates, and still finds them by search."""
    full = list(MIGRATIONS)
    before = [m for m in full if m[0] != "0007_cell_memos"]  # the code needs the others
    register_schema("coding", before)
    try:
        old = build_demo(tmp_path / "old.qda.sqlite", STEPS)
        db = open_project(old)
        coding.add_memo(db, "Antes de la migración", "ana", title="Nota")
        db.conn.close()
    finally:
        register_schema("coding", full)
    raw = sqlite3.connect(old)
    assert (
        "cell" not in raw.execute("SELECT sql FROM sqlite_master WHERE name='memos'").fetchone()[0]
    )
    memos_before = raw.execute("SELECT * FROM memos ORDER BY id").fetchall()
    hits_before = raw.execute(
        "SELECT rowid FROM memos_fts WHERE memos_fts MATCH 'council' ORDER BY rowid"
    ).fetchall()
    raw.close()
    assert len(memos_before) == 5 and hits_before

    db = open_project(old)
    applied = {r[0] for r in db.execute("SELECT name FROM _migrations WHERE package='coding'")}
    assert "0007_cell_memos" in applied
    triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'memos'")}
    assert {"memos_insert_version", "memos_update_version", "memos_delete_version"} <= triggers
    after = db.execute(
        "SELECT id, target, document_id, code_id, coding_id, case_id, title, text, author,"
        " created_at, updated_at, deleted_at FROM memos ORDER BY id"
    ).fetchall()
    assert after == memos_before
    assert (
        db.execute(
            "SELECT rowid FROM memos_fts WHERE memos_fts MATCH 'council' ORDER BY rowid"
        ).fetchall()
        == hits_before
    )
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not db.execute("PRAGMA foreign_key_check").fetchall()
    # an action recorded before the migration still undoes and redoes
    assert undo(db, "ana") == "add project memo"
    assert memos_frame(db, query="migracion").empty
    assert coding.redo(db, "ana") is not None
    assert len(memos_frame(db, query="migracion")) == 1
    # the triggers are back: a new memo and a cell summary are found, an edit re-indexes
    new = coding.add_memo(db, "Quinta entrevista pendiente", "ana")
    assert memos_frame(db, query="entrevista")["memo_id"].tolist() == [new]
    cell = set_cell_summary(
        db, "attribute:sector=government", "Governance", "Councils matter.", "ana"
    )
    assert memos_frame(db, query="councils matter")["memo_id"].tolist() == [cell]
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO memos (target, author, created_at, updated_at)"
            " VALUES ('cell', 'x', 'n', 'n')"
        )
    db.conn.close()


def test_cell_summaries_merge_from_another_project(tmp_path, demo_cache):
    """A copy coded apart brings its cell summaries (case rows by case, attribute rows as
    they are) once; merging again adds nothing."""
    here = open_project(demo_copy(tmp_path, demo_cache, "here.qda.sqlite"))
    there_path = demo_copy(tmp_path, demo_cache, "there.qda.sqlite")
    there = open_project(there_path)
    sofia = _case_id(there, "Sofía Aranda")
    set_cell_summary(there, f"case:{sofia}", "Talent", "Forma técnicos en El Marqués.", "ben")
    set_cell_summary(there, "attribute:sector=academia", "Talent", "Academia trains.", "ben")
    there.conn.close()
    coding.merge_project(here, there_path, coder="ana")
    got = cell_summaries(here).set_index("row_key")["text"].to_dict()
    assert got == {
        f"case:{_case_id(here, 'Sofía Aranda')}": "Forma técnicos en El Marqués.",
        "attribute:sector=academia": "Academia trains.",
    }
    coding.merge_project(here, there_path, coder="ana")
    assert len(cell_summaries(here)) == 2
    here.conn.close()


def test_orphaned_attribute_summaries_reattach(demo):
    """A value renamed on every case leaves its row's summaries orphaned (shown, never lost);
    reattaching moves them to the new row in one undoable action."""
    set_cell_summary(demo, "attribute:sector=academia", "Talent", "Trains technicians.", "ana")
    assert coding.orphan_summaries(demo, "attribute:sector").empty
    define_attribute(demo, "sector", "category", ["government", "academia", "industry", "univ"])
    set_attribute(demo, "Sofía Aranda", "sector", "univ")
    orphans = coding.orphan_summaries(demo, "attribute:sector")
    assert orphans[["row_key", "text"]].values.tolist() == [
        ["attribute:sector=academia", "Trains technicians."]
    ]
    assert coding.orphan_summaries(demo, "case").empty
    n = coding.move_cell_summaries(
        demo, "attribute:sector=academia", "attribute:sector=univ", "ana"
    )
    assert n == 1 and coding.orphan_summaries(demo, "attribute:sector").empty
    moved = memos_frame(demo, target="cell").iloc[0]
    assert (moved["cell_row"], moved["title"]) == (
        "attribute:sector=univ",
        "sector = univ × Talent",
    )
    undo(demo, "ana")
    assert len(coding.orphan_summaries(demo, "attribute:sector")) == 1
