"""Roles in the app on an exposed server (AppTest, ``[auth.users]`` sign-in, QDA_EXPOSED=1): a
viewer's Code page has no coding toolbar and no coding buttons, their Codebook page no write
buttons; a coder codes but does not restructure the codebook; a project without members takes
writes only from ``[auth] admins``, and a shared password reads only, each with a clear message."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest
from ui_data import APP

from ui.auth import hash_password

PASSWORDS = {"bea": "owner pw", "ana": "coder pw", "vic": "viewer pw"}
CODEBOOK_WRITES = {"↶ Undo", "↷ Redo", "Move", "▲ Up", "▼ Down", "Merge", "Delete", "Restore"}


def _users() -> dict:
    return {name: hash_password(pw, iterations=1000) for name, pw in PASSWORDS.items()}


@pytest.fixture
def team_project(data_project):
    """The UI data project with members: bea owner, ana coder, vic viewer."""
    from coding import add_member, ensure_coder
    from projectfile import open_project

    path, ids = data_project
    db = open_project(path)
    for name, role in (("bea", "owner"), ("ana", "coder"), ("vic", "viewer")):
        ensure_coder(db, name)
        add_member(db, name, role, by="bea")
    db.conn.close()
    return path, ids


def _signed_in(path, monkeypatch, auth: dict, name: str | None, password: str) -> AppTest:
    monkeypatch.setenv("QDA_PROJECT", str(path))
    monkeypatch.setenv("QDA_EXPOSED", "1")
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = auth
    at.run()
    assert at.title[0].value == "Sign in"
    if name is not None:
        at.text_input(key="qda_sign_in_name").input(name)
    at.text_input[-1].input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Project", [e.value for e in at.error]
    return at


def _reader(at: AppTest) -> dict:
    (reader,) = [c for c in at.get("bidi_component") if c.proto.component_name.endswith("reader")]
    return json.loads(reader.proto.json)


def _buttons(at: AppTest) -> dict[str, bool]:
    """label -> disabled, for every button of the page (form buttons too)."""
    return {b.label: b.disabled for b in at.button}


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.sidebar.caption)


def test_viewer_code_page_has_no_toolbar_and_coder_has(team_project, monkeypatch):
    path, ids = team_project
    auth = {"users": _users()}
    pages = {}
    for name in ("vic", "ana"):
        at = _signed_in(path, monkeypatch, auth, name, PASSWORDS[name])
        at.session_state["code_doc"] = ids["report"]
        at.switch_page("ui/pages/code.py").run()
        assert not at.exception, at.exception
        pages[name] = at
    vic, ana = pages["vic"], pages["ana"]
    assert "Role: viewer" in _captions(vic) and "Role: coder" in _captions(ana)
    seen, coded = _reader(vic), _reader(ana)
    assert seen["toolbar"] is False and seen["quick"] == [] and seen["codes"] == []
    assert coded["toolbar"] is True and len(coded["codes"]) == 4
    assert seen["text"] == coded["text"] and seen["text"].startswith("Section 1.")
    viewer, coder = _buttons(vic), _buttons(ana)
    for label in ("↶ Undo", "↷ Redo", "Correct this text"):
        assert label not in viewer
    assert viewer["Apply to selection"] and viewer["Add memo"] and viewer["Create"]
    assert viewer["Save quick keys"]
    cards = [b for b in vic.button if b.label in ("Save", "Delete")]
    assert len(cards) == 4 and all(b.disabled for b in cards)  # alice's and bob's codings
    assert "↶ Undo" in coder and not coder["Add memo"] and not coder["Create"]
    assert "Correct this text" not in coder  # documents are an editor's


def test_codebook_write_buttons_follow_the_role(team_project, monkeypatch):
    path, _ = team_project
    auth = {"users": _users()}
    pages = {}
    for name in ("vic", "ana", "bea"):
        at = _signed_in(path, monkeypatch, auth, name, PASSWORDS[name])
        at.switch_page("ui/pages/codebook.py").run()
        assert not at.exception, at.exception
        pages[name] = _buttons(at)
    viewer, coder, owner = pages["vic"], pages["ana"], pages["bea"]
    # the viewer reads: no form and no write button at all
    assert CODEBOOK_WRITES & set(viewer) == set()
    assert not {"Add code", "Propose code", "Save changes"} & set(viewer)
    # a coder proposes codes (an owner accepts them) and changes nothing of the structure
    assert CODEBOOK_WRITES & set(coder) == {"↶ Undo", "↷ Redo"}
    assert not coder["Propose code"] and "Save changes" not in coder
    assert {"↶ Undo", "↷ Redo", "Move", "Merge", "Delete"} <= set(owner)  # (trash empty)
    assert not owner["Add code"] and not owner["Save changes"]


def _save_project_memo(at: AppTest, text: str) -> AppTest:
    at.switch_page("ui/pages/analysis.py").run()
    assert not at.exception, at.exception
    (box,) = [t for t in at.text_area if t.label == "New project memo"]
    box.input(text)
    (save,) = [b for b in at.button if b.label == "Save memo"]
    return save.click().run()


def _memos(path) -> list[str]:
    from coding import memos_frame
    from projectfile import open_project

    db = open_project(path)
    try:
        return list(memos_frame(db)["text"])
    finally:
        db.conn.close()


def test_memberless_exposed_project_takes_writes_only_from_admins(data_project, monkeypatch):
    path, _ = data_project
    auth = {"users": _users(), "admins": ["bea"]}
    before = _memos(path)
    at = _signed_in(path, monkeypatch, auth, "ana", PASSWORDS["ana"])
    assert "ana reads only: the project has no members yet" in _captions(at)
    at = _save_project_memo(at, "ana's memo")
    errors = [e.value for e in at.error]
    assert any(
        "This project has no members yet" in e
        and "[auth] admins" in e
        and "ana is not one" in e
        and "Nothing was changed" in e
        for e in errors
    ), errors
    assert _memos(path) == before
    at = _signed_in(path, monkeypatch, auth, "bea", PASSWORDS["bea"])
    assert "Role: owner" in _captions(at)  # an admin owns a project without members
    at = _save_project_memo(at, "bea's memo")
    assert not at.error, [e.value for e in at.error]
    assert _memos(path) == [*before, "bea's memo"]


def test_shared_password_reads_only(data_project, monkeypatch):
    path, ids = data_project
    auth = {"password_hash": hash_password("open sesame", iterations=1000), "admins": ["bea"]}
    before = _memos(path)
    at = _signed_in(path, monkeypatch, auth, None, "open sesame")
    assert "Read only: signed in without a name (shared password)" in _captions(at)
    at.session_state["code_doc"] = ids["report"]
    at.switch_page("ui/pages/code.py").run()
    assert _reader(at)["toolbar"] is False
    at = _save_project_memo(at, "nobody's memo")
    errors = [e.value for e in at.error]
    assert any("shared password" in e and "read only" in e for e in errors), errors
    assert _memos(path) == before


def test_a_member_who_creates_a_project_on_the_server_owns_it(team_project, monkeypatch):
    """ana, a coder (not an admin) of one project, creates another: it is hers to run (as on
    Taguette); before, it had no members and only the admins could change it."""
    from coding import members_frame
    from projectfile import open_project

    path, _ = team_project
    auth = {"users": _users(), "admins": ["bea"]}
    at = _signed_in(path, monkeypatch, auth, "ana", PASSWORDS["ana"])
    assert "Role: coder" in _captions(at)
    at.text_input(key="proj_path").set_value("ana-study").run()
    at.button(key="proj_create").click().run()
    assert not at.exception, at.exception
    made = path.parent / "ana-study.qda.sqlite"
    assert at.session_state["project_path"] == str(made.resolve())
    db = open_project(made)
    try:
        assert members_frame(db)[["name", "role"]].values.tolist() == [["ana", "owner"]]
    finally:
        db.conn.close()
    assert "Role: owner" in _captions(at)  # the page now works as the new project's owner
    at.switch_page("ui/pages/codebook.py").run()
    assert not at.exception, at.exception
    assert any(b.label == "Add code" for b in at.button), [b.label for b in at.button]
