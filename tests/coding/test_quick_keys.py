"""Quick keys 1-9 are pinned per coder in the project and never move by usage."""

from __future__ import annotations

import pytest

import coding as C
from projectfile import open_project


def test_pins_per_coder_stay_put_when_usage_changes(db, docs):
    a, b, c = (C.add_code(db, n) for n in ("Alpha", "Beta", "Gamma"))
    assert C.quick_keys(db, "ana").empty and C.free_quick_keys(db, "ana") == list(range(1, 10))
    C.pin_quick_key(db, "ana", 1, a)
    C.pin_quick_key(db, "ana", 2, "Gamma")
    C.pin_quick_key(db, "ben", 1, c)
    doc = docs["policy"]
    for i in range(5):  # Beta becomes by far the most used code: the keys must not move
        C.code_span(db, doc, i, i + 3, b, "ana")
    keys = C.quick_keys(db, "ana")
    assert keys[["key", "id", "path"]].values.tolist() == [[1, a, "Alpha"], [2, c, "Gamma"]]
    assert C.quick_key_code(db, "ben", 1) == c and C.quick_key_code(db, "ben", 2) is None
    assert C.free_quick_keys(db, "ana") == [3, 4, 5, 6, 7, 8, 9]


def test_a_code_has_one_key_and_a_key_one_code(db):
    a, b = C.add_code(db, "Alpha"), C.add_code(db, "Beta")
    C.pin_quick_key(db, "ana", 1, a)
    C.pin_quick_key(db, "ana", 5, a)  # moving the code frees key 1
    assert C.quick_keys(db, "ana")[["key", "id"]].values.tolist() == [[5, a]]
    C.pin_quick_key(db, "ana", 5, b)  # replacing the code on a key
    assert C.quick_keys(db, "ana")[["key", "id"]].values.tolist() == [[5, b]]
    C.pin_quick_key(db, "ana", 5, None)
    assert C.quick_keys(db, "ana").empty
    for bad in (0, 10, "x"):
        with pytest.raises(C.CodingError, match="use 1 to 9"):
            C.pin_quick_key(db, "ana", bad, a)
    with pytest.raises(C.CodingError, match="one quick key only"):
        C.set_quick_keys(db, "ana", {1: a, 2: a})
    C.set_quick_keys(db, "ana", {1: b, 2: a, 3: None})
    assert C.quick_keys(db, "ana")[["key", "id"]].values.tolist() == [[1, b], [2, a]]


def test_trashed_code_hides_its_key_and_restoring_brings_it_back(db):
    a = C.add_code(db, "Alpha")
    C.pin_quick_key(db, "ana", 3, a)
    C.delete_code(db, a, "ana")
    assert C.quick_keys(db, "ana").empty and 3 in C.free_quick_keys(db, "ana")
    C.restore_code(db, a, "ana")
    assert C.quick_keys(db, "ana")[["key", "id"]].values.tolist() == [[3, a]]


def test_pins_are_stored_in_the_project_and_audited(db, project_path):
    a = C.add_code(db, "Alpha")
    C.pin_quick_key(db, "ana", 7, "Alpha")
    again = open_project(project_path)
    try:
        assert C.quick_key_code(again, "ana", 7) == a
        log = C.audit_frame(again)
        assert ((log["entity"] == "quick_key") & (log["action"] == "pin")).any()
    finally:
        again.conn.close()
