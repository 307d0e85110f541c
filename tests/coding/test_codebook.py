"""Codebook editing, CSV round trip and memos."""

from __future__ import annotations

import pytest

import coding as C
from coding.codebook import (
    delete_code,
    empty_trash,
    merge_codes,
    move_code,
    rename_code,
    reorder_codes,
    restore_code,
    trash_frame,
    update_code,
)
from coding.codebook_csv import export_codebook_csv, import_codebook_csv
from coding.memos import add_memo, delete_memo, memos_frame, update_memo
from projectfile import NotFound


def test_edit_every_field_rename_and_recolour(db):
    cid = C.add_code(db, "Funding")
    C.add_code(db, "Talent")
    update_code(
        db, cid, "ana", definition="d", inclusion="i", exclusion="e", example="x", color="#00ff00"
    )
    rename_code(db, cid, "Finance")
    row = C.codes_frame(db).set_index("id").loc[cid]
    assert (
        row["name"],
        row["definition"],
        row["inclusion"],
        row["exclusion"],
        row["example"],
        row["color"],
    ) == ("Finance", "d", "i", "e", "x", "#00ff00")
    with pytest.raises(C.CodingError, match="already exists"):
        rename_code(db, cid, "talent")
    assert C.undo(db, "default") == "edit code"
    assert C.code_path(db, cid) == "Funding"


def test_move_refuses_cycles_and_reorder(db):
    a = C.add_code(db, "A")
    b = C.add_code(db, "B", parent="A")
    c = C.add_code(db, "C", parent="A > B")
    with pytest.raises(C.CodingError, match="descendant"):
        move_code(db, a, c)
    move_code(db, c, None)
    assert C.code_path(db, c) == "C"
    reorder_codes(db, ["C", "A"])
    assert list(C.codes_frame(db)["path"]) == ["C", "A", "A > B"]
    move_code(db, "A > B", "C")
    assert C.code_path(db, b) == "C > B"


def test_merge_moves_codings_and_collapses_duplicates(db, docs):
    C.add_code(db, "Money")
    C.add_code(db, "Funding")
    C.add_code(db, "Public", parent="Funding")
    d = docs["policy"]
    C.code_span(db, d, 0, 10, "Money", "ana")
    C.code_span(db, d, 0, 10, "Funding", "ana")  # duplicate after merge
    C.code_span(db, d, 20, 30, "Funding", "ben")
    assert merge_codes(db, "Funding", "Money", "ana") == 1
    df = C.codings_frame(db)
    assert sorted(zip(df["code_path"], df["char_start"], df["coder"])) == [
        ("Money", 0, "ana"),
        ("Money", 20, "ben"),
    ]
    assert "Money > Public" in set(C.codes_frame(db)["path"])
    C.undo(db, "ana")
    assert sorted(C.codings_frame(db)["code_path"]) == ["Funding", "Funding", "Money"]


def test_delete_to_trash_restore_and_purge(db, docs):
    C.add_code(db, "A")
    C.add_code(db, "B", parent="A")
    C.code_span(db, docs["policy"], 0, 5, "A > B", "ana")
    assert delete_code(db, "A") == 2
    assert C.codings_frame(db).empty and C.codes_frame(db).empty
    assert set(trash_frame(db)["path"]) == {"A", "A > B"}
    C.add_code(db, "A")
    with pytest.raises(C.CodingError, match="exists there now"):
        restore_code(db, 1)
    rename_code(db, "A", "A2")
    assert restore_code(db, 1) == 2
    assert len(C.codings_frame(db)) == 1
    delete_code(db, "A2")
    assert empty_trash(db) == 1
    assert len(C.codings_frame(db)) == 1


def test_codebook_csv_round_trip(db, tmp_path):
    C.add_code(db, "Funding", color="#112233", definition='Money, "quoted"\nand lines')
    C.add_code(db, "Público", parent="Funding")
    out = tmp_path / "cb.csv"
    assert export_codebook_csv(db, out) == 2
    from projectfile import open_project

    other = open_project(tmp_path / "other.qda.sqlite")
    assert import_codebook_csv(other, out) == 2
    df = C.codes_frame(other)
    assert list(df["path"]) == ["Funding", "Funding > Público"]
    assert (
        df.loc[0, "definition"] == 'Money, "quoted"\nand lines' and df.loc[0, "color"] == "#112233"
    )
    assert import_codebook_csv(other, out) == 2  # re-import updates, does not duplicate
    assert len(C.codes_frame(other)) == 2


def test_codebook_csv_bad_input_names_file_and_line(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("path,color\nA,#123456\nB,blue\n", encoding="utf-8")
    with pytest.raises(C.CodingError, match=r"bad.csv, line 3"):
        import_codebook_csv(db, bad)
    assert C.codes_frame(db).empty  # nothing half-written
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(C.CodingError, match="bad.csv: needs a 'path'"):
        import_codebook_csv(db, bad)


def test_memos_on_targets_and_search(db, docs):
    C.add_code(db, "Funding")
    cid = C.code_span(db, docs["policy"], 0, 5, "Funding", "ana")
    add_memo(db, "Overall the councils matter.", "ana")
    add_memo(db, "Read again: tecnología", "ben", "document", docs["policy"])
    add_memo(db, "Definition unclear", "ana", "code", "Funding")
    m = add_memo(db, "Strong quote", "ana", "coding", cid)
    assert len(memos_frame(db)) == 4
    assert memos_frame(db, query="tecnologia")["author"].tolist() == ["ben"]
    assert memos_frame(db, target="coding", target_id=cid)["text"].tolist() == ["Strong quote"]
    update_memo(db, m, "ana", text="Very strong quote")
    assert memos_frame(db, query="very")["memo_id"].tolist() == [m]
    delete_memo(db, m, "ana")
    assert len(memos_frame(db)) == 3
    with pytest.raises(NotFound, match="no document"):
        add_memo(db, "x", "ana", "document", 999)


def test_emptying_the_trash_removes_codings_and_memos_of_purged_codes(db, docs):
    C.add_code(db, "Gone")
    C.add_code(db, "Child", parent="Gone")
    cid = C.code_span(db, docs["policy"], 0, 5, "Gone > Child", "ana")
    add_memo(db, "on the coding", "ana", "coding", cid)
    add_memo(db, "on the code", "ana", "code", "Gone")
    delete_code(db, "Gone")
    assert empty_trash(db) == 2
    assert db.execute("SELECT COUNT(*) FROM codings").fetchone()[0] == 0
    assert memos_frame(db).empty
    assert C.audit_frame(db, "codes")["action"].tolist()[:2] == ["purge", "purge"]
