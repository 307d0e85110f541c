"""The Project page's Team section (AppTest): an owner at a local desk adds the first member
(and becomes the project's owner), changes a role, starts a blind round and opens it; a coder
sees the lists without the forms."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from ui_data import app_as


def _project_page(path, monkeypatch, coder: str) -> AppTest:
    return app_as(path, monkeypatch, coder)


def _members(path):
    from coding import blind_frame, members_frame
    from projectfile import open_project

    db = open_project(path)
    try:
        return dict(zip(members_frame(db)["name"], members_frame(db)["role"])), blind_frame(db)
    finally:
        db.conn.close()


def test_owner_manages_members_and_blind_rounds_coder_only_reads(data_project, monkeypatch):
    path, _ids = data_project
    at = _project_page(path, monkeypatch, "olga")
    assert "Team" in [h.value for h in at.subheader]
    at.text_input(key="team_add_name").set_value("bea")
    at.selectbox(key="team_add_role").set_value("viewer")
    at.button(key="FormSubmitter:team_add-Add").click().run()
    assert not at.exception, at.exception
    assert _members(path)[0] == {"olga": "owner", "bea": "viewer"}
    at.selectbox(key="team_who").set_value("bea")
    at.selectbox(key="team_new_role").set_value("coder")
    at.button(key="FormSubmitter:team_change-Change role").click().run()
    assert _members(path)[0] == {"olga": "owner", "bea": "coder"}
    at.text_input(key="team_blind_label").set_value("Round 1")
    at.button(key="FormSubmitter:team_blind-Start a blind round").click().run()
    rounds = _members(path)[1]
    assert list(rounds["label"]) == ["Round 1"] and rounds["opened_at"].isna().all()
    at.button(key=f"team_open_{int(rounds['round_id'].iloc[0])}").click().run()
    assert _members(path)[1]["opened_by"].tolist() == ["olga"]
    assert not at.exception, at.exception

    coder = _project_page(path, monkeypatch, "bea")
    keys = {getattr(w, "key", None) for w in coder.text_input}
    assert "team_add_name" not in keys and "team_blind_label" not in keys
    assert any("Role: coder" in c.value for c in coder.sidebar.caption)
