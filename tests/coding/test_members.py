"""Members and roles: add, change, remove; a project keeps an owner."""

from __future__ import annotations

import pytest

from coding import CodingError, add_member, members_frame, remove_member, set_role
from projectfile import NotFound


def test_members_add_role_remove(db):
    add_member(db, "bea", "owner", by="bea")
    add_member(db, "ana", "coder", by="bea")
    assert members_frame(db)[["name", "role"]].values.tolist() == [
        ["bea", "owner"],
        ["ana", "coder"],
    ]
    set_role(db, "ana", "editor", by="bea")
    assert members_frame(db).set_index("name").loc["ana", "role"] == "editor"
    remove_member(db, "ana", by="bea")
    assert list(members_frame(db)["name"]) == ["bea"]
    with pytest.raises(NotFound):
        remove_member(db, "ana", by="bea")
    with pytest.raises(CodingError, match="not a role"):
        add_member(db, "cy", "admin", by="bea")


def test_members_last_owner_cannot_leave_or_be_demoted(db):
    add_member(db, "bea", "owner", by="bea")
    with pytest.raises(CodingError, match="only owner"):
        set_role(db, "bea", "coder", by="bea")
    with pytest.raises(CodingError, match="only owner"):
        remove_member(db, "bea", by="bea")
    add_member(db, "carl", "owner", by="bea")
    set_role(db, "bea", "coder", by="carl")
    assert members_frame(db).set_index("name").loc["bea", "role"] == "coder"


def test_members_first_member_added_by_someone_else_makes_them_owner(db):
    add_member(db, "ana", "coder", by="bea")
    assert dict(members_frame(db)[["name", "role"]].values) == {"bea": "owner", "ana": "coder"}


def test_members_first_member_cannot_be_a_non_owner_adding_themselves(db):
    with pytest.raises(CodingError, match="first member is its owner"):
        add_member(db, "x", "coder", by="x")
    assert members_frame(db).empty
