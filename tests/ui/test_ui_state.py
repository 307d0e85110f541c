"""UI state (ui/state.py): a project switch forgets everything that belongs to the old project
(pending previews and imports, merge reports, selections, search results), keeps what belongs to
the person (coder, preferences); a flash message shows once, then is gone."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest
from ui_data import APP

# what a session may hold for project A when the person switches to project B
PROJECT_A_STATE = {
    "search_preview": pd.DataFrame({"document_id": [1], "char_start": [0], "char_end": [5]}),
    "search_coded": {7: "Quotas (paragraph)"},
    "search_page": 3,
    "iv_pending": ("transcript", b"data", "a.txt"),
    "merge_report": pd.DataFrame({"what": ["codings"], "added": [2]}),
    "merge_summary": "2 codings merged",
    "entities_preview": pd.DataFrame({"code": [1]}),
    "topics_preview": pd.DataFrame({"code": [1]}),
    "iv_review": pd.DataFrame({"name": ["Ana"]}),
    "corpus_last_outcomes": pd.DataFrame({"file": ["a.pdf"]}),
    "file_codebook": b"prepared export of project A",
    "code_selected_coding": 12,
    "edit_doc_next": 4,
}


def _switch(at: AppTest, target) -> None:
    """Open ``target`` from the Project page, as a person does."""
    at.text_input(key="proj_path").set_value(str(target)).run()
    at.button(key="proj_open").click().run()


def test_project_switch_forgets_the_old_projects_state(data_project, tmp_path, monkeypatch):
    from projectfile import open_project

    path, _ = data_project
    other = tmp_path / "other.qda.sqlite"
    open_project(other).conn.close()
    monkeypatch.setenv("QDA_PROJECT", str(path))
    monkeypatch.delenv("QDA_EXPOSED", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["coder"] = "maria"
    at.session_state["reader_per_window"] = 50
    at.run()
    for key, value in PROJECT_A_STATE.items():
        at.session_state[key] = value
    _switch(at, other)
    assert not at.exception
    assert at.session_state["project_path"] == str(other)
    left = [k for k in PROJECT_A_STATE if k in at.session_state]
    assert left == [], f"project A's state survived the switch: {left}"
    # the person's own state stays
    assert at.session_state["coder"] == "maria"
    assert at.session_state["reader_per_window"] == 50
    # nothing of project A can be saved into project B from the Search page
    at.switch_page("ui/pages/search.py").run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "search_save_all"]


def _flash_app() -> None:
    import streamlit as st

    from ui.state import flash, show_flash

    show_flash()
    if st.button("Go", key="go"):
        flash("success", "Saved <b>“Ana”</b> *now*")
        flash("error", "It failed.")
        st.rerun()


def test_flash_shows_once_then_is_gone():
    import html

    at = AppTest.from_function(_flash_app, default_timeout=60).run()
    assert not at.success and not at.error
    at.button(key="go").click().run()
    assert not at.exception
    (ok,) = at.success
    assert "<b>" not in ok.value and "*now*" not in ok.value  # document text stays text
    assert html.unescape(ok.value) == "Saved <b>“Ana”</b> *now*"
    assert [html.unescape(e.value) for e in at.error] == ["It failed."]
    at.run()
    assert not at.success and not at.error
