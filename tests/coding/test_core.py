"""Core API: codes, coders, span codings, delete, undo/redo, batches, moving codings to a new
version."""

from __future__ import annotations

import pytest
from coding_data import TEXTS

import coding as C
from corpus.store import delete_document, get_text
from projectfile import NotFound


def test_codes_paths_and_sibling_uniqueness(db):
    top = C.add_code(db, "Funding", color="#FF0000", definition="Money")
    child = C.add_code(db, "Public", parent="Funding")
    assert C.code_path(db, child) == "Funding > Public"
    assert C.resolve_code(db, "funding > PUBLIC") == child
    with pytest.raises(C.CodingError, match="already exists"):
        C.add_code(db, "public", parent=top)
    C.add_code(db, "Public")  # same name elsewhere is fine
    df = C.codes_frame(db)
    assert list(df["path"]) == ["Funding", "Funding > Public", "Public"]
    assert df.loc[0, "color"] == "#ff0000" and df.loc[0, "definition"] == "Money"
    with pytest.raises(C.CodingError, match="colour"):
        C.add_code(db, "Bad", color="red")


def test_code_span_returns_text_and_rejects_bad_spans(db, docs):
    C.add_code(db, "Funding")
    C.add_code(db, "Public", parent="Funding")
    doc = docs["policy"]
    text = get_text(db, doc)
    s = text.index("Public funding")
    cid = C.code_span(db, doc, s, s + 14, "Funding > Public", "ana", memo="key")
    assert (
        C.code_span(db, doc, s, s + 14, "Funding > Public", "ana") == cid
    )  # identical coding is not duplicated
    C.code_span(db, doc, s + 7, s + 14, "Funding", "ben")  # nested, other coder
    df = C.codings_frame(db, codes="Funding", children=True)
    assert list(df["text"]) == ["Public funding", "funding"]
    assert list(df["coder"]) == ["ana", "ben"]
    assert df.loc[0, "code_path"] == "Funding > Public" and df.loc[0, "memo"] == "key"
    assert len(C.codings_frame(db, codes="Funding")) == 1
    assert len(C.codings_frame(db, coders=["ana"])) == 1
    for bad in [(-1, 3), (5, 5), (0, len(text) + 1)]:
        with pytest.raises(C.CodingError, match="not inside"):
            C.code_span(db, doc, *bad, "Funding", "ana")
    with pytest.raises(NotFound, match="no code"):
        C.code_span(db, doc, 0, 3, "Nope", "ana")


def test_offsets_are_code_points_with_emoji(db, docs):
    C.add_code(db, "Year")
    doc = docs["other"]
    s = TEXTS["other"].index("Año")
    C.code_span(db, doc, s, s + 9, "Year", "ana")
    assert C.codings_frame(db).loc[0, "text"] == "Año nuevo"


def test_delete_undo_redo_and_audit(db, docs):
    C.add_code(db, "A", coder="ana")
    cid = C.code_span(db, docs["policy"], 0, 10, "A", "ana")
    C.delete_coding(db, cid, "ana")
    assert C.codings_frame(db).empty
    assert C.undo(db, "ana") == "delete coding"
    assert len(C.codings_frame(db)) == 1
    assert C.undo(db, "ana") == "code span"
    assert C.codings_frame(db).empty
    assert C.redo(db, "ana") == "code span"
    assert len(C.codings_frame(db)) == 1
    assert C.undo(db, "ben") is None  # sessions are separate
    actions = C.audit_frame(db, "codings")["action"].tolist()
    assert actions[::-1][:3] == ["create", "delete", "undo"]


def test_undo_refuses_when_row_changed_by_someone_else(db, docs):
    C.add_code(db, "A")
    C.add_code(db, "B")
    cid = C.code_span(db, docs["policy"], 0, 10, "A", "ana")
    C.update_coding(db, cid, "ben", code="B")
    with pytest.raises(C.CodingError, match="changed since"):
        C.undo(db, "ana")
    assert C.codings_frame(db).loc[0, "code_path"] == "B"


def test_apply_batch_and_undo_as_one(db, docs):
    C.add_code(db, "Funding")
    doc = docs["policy"]
    rows = [
        {"document_id": doc, "char_start": i, "char_end": i + 5, "code": "Funding"}
        for i in range(0, 50, 10)
    ]
    batch = C.apply_batch(db, rows + rows[:1], rule="regex: fund", coder="bot")
    assert len(C.codings_frame(db, batch_id=batch)) == 5
    assert C.batches_frame(db).loc[0, "count"] == 5
    assert C.undo_batch(db, batch, "ana") == 5
    assert C.codings_frame(db).empty
    assert C.undo(db, "bot") is None  # the stack entry went with the batch
    b2 = C.apply_batch(db, rows, rule="again", coder="bot")
    assert C.undo(db, "bot") == "auto-code: again"
    assert C.codings_frame(db).empty
    C.redo(db, "bot")
    assert len(C.codings_frame(db, batch_id=b2)) == 5


def test_apply_batch_bad_row_writes_nothing(db, docs):
    C.add_code(db, "Funding")
    rows = [
        {"document_id": docs["policy"], "char_start": 0, "char_end": 5, "code": "Funding"},
        {"document_id": docs["policy"], "char_start": 0, "char_end": 10**6, "code": "Funding"},
    ]
    with pytest.raises(C.CodingError, match="row 1"):
        C.apply_batch(db, rows, rule="r", coder="bot")
    assert C.codings_frame(db).empty and C.batches_frame(db).empty


def test_move_codings_maps_offsets(db, docs):
    from coding_data import make_document

    from corpus.store import store_document

    C.add_code(db, "A")
    old = docs["other"]
    s = TEXTS["other"].index("Funding")
    C.code_span(db, old, s, s + 7, "A", "ana")
    C.code_document(db, old, "A", "ana")
    new_text = "PREFIX " + TEXTS["other"]
    new = store_document(db, make_document(new_text, "other2"), segment_language=False)
    assert C.move_codings(db, old, new, lambda o: o + 7) == 2
    df = C.codings_frame(db, documents=[new])
    assert set(df["text"]) == {"Funding", ""} and set(df["scope"]) == {"span", "document"}


def test_deleting_document_or_code_leaves_no_dangling_codings(db, docs):
    C.add_code(db, "A")
    C.code_span(db, docs["policy"], 0, 5, "A", "ana")
    delete_document(db, docs["policy"])
    assert db.execute("SELECT COUNT(*) FROM codings").fetchone()[0] == 0


def test_ids_from_dataframes_numpy_ints_are_accepted(db, docs):
    C.add_code(db, "A")
    C.add_code(db, "B")
    codes = C.codes_frame(db)
    cid = C.code_span(
        db, codes["id"].iloc[0] * 0 + docs["policy"], 0, 5, codes["id"].iloc[0], "ana"
    )
    frame = C.codings_frame(db)
    C.update_coding(db, frame["coding_id"].iloc[0], "ana", code=codes["id"].iloc[1], memo="m")
    assert C.codings_frame(db).loc[0, "code_path"] == "B"
    C.delete_coding(db, frame["coding_id"].iloc[0], "ana")
    assert C.codings_frame(db).empty and cid == int(frame["coding_id"].iloc[0])


def test_most_used_codes_for_quick_keys(db, docs):
    assert C.most_used_codes(db).empty
    for name in ("A", "B", "C", "D"):
        C.add_code(db, name)
    C.add_code(db, "A1", parent="A")
    for i, code in enumerate(["B", "B", "A", "C", "B", "A", "D", "A > A1"]):
        C.code_span(db, docs["policy"], i, i + 2, code, "ana" if i < 5 else "ben")
    # most codings first; C, D and A1 tie at one coding each and keep tree order (A1 sits under A)
    assert C.most_used_codes(db)["path"].tolist() == ["B", "A", "A > A1", "C", "D"]
    assert C.most_used_codes(db, limit=2)["path"].tolist() == ["B", "A"]
    for i in range(10):
        C.add_code(db, f"Unused {i}")
    codes = C.codes_frame(db)
    quick = C.most_used_codes(db, codes=codes)
    assert len(quick) == 9 and quick["path"].tolist()[5:] == [f"Unused {i}" for i in range(4)]
    assert list(quick.columns) == ["id", "path", "color", "codings"]


def test_undo_add_code_refuses_when_someone_coded_with_it(db, docs):
    C.add_code(db, "New", coder="ana")
    C.code_span(db, docs["policy"], 0, 5, "New", "ben")
    with pytest.raises(C.CodingError, match="has codings"):
        C.undo(db, "ana")
    assert len(C.codings_frame(db)) == 1
    C.undo(db, "ben")
    assert C.undo(db, "ana") == "add code New"
    assert C.codes_frame(db).empty
