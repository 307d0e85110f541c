"""One error family in the app: a QdaError from a page shows its message; anything else is a bug
and shows a short message plus its traceback in an expander (never swallowed)."""

from __future__ import annotations

import html

import pytest
from streamlit.testing.v1 import AppTest
from ui_data import APP

from projectfile import NotFound


def _page(path, monkeypatch, name: str, state: dict | None = None) -> AppTest:
    monkeypatch.setenv("QDA_PROJECT", str(path))
    monkeypatch.delenv("QDA_EXPOSED", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    at.switch_page(f"ui/pages/{name}.py").run()
    return at


def _fail_opening(monkeypatch, exc: Exception) -> None:
    """Make every page's project connection raise ``exc`` (ui.common.get_db opens the project)."""

    def fail(*args, **kwargs):
        raise type(exc)(*exc.args)

    monkeypatch.setattr("ui.common.open_project", fail)


@pytest.mark.parametrize("page", ["code", "analysis", "search"])
def test_ui_errors_a_qda_error_shows_its_message_without_traceback(project_path, monkeypatch, page):
    _fail_opening(monkeypatch, NotFound("no document 99 in this project"))
    at = _page(project_path, monkeypatch, page)
    assert [e.value for e in at.error] == ["no document 99 in this project"]
    assert not at.exception and not at.expander


def test_ui_errors_a_project_error_also_says_what_to_do(tmp_path, monkeypatch):
    bad = tmp_path / "notes.qda.sqlite"
    bad.write_bytes(b"not a project file at all " * 200)
    at = _page(bad, monkeypatch, "code")
    assert len(at.error) == 1 and bad.name in at.error[0].value
    assert "restore a backup" in at.info[0].value
    assert not at.exception and not at.expander


@pytest.mark.parametrize("bug", [KeyError("document_id"), ValueError("bad offset"), TypeError()])
def test_ui_errors_a_bug_shows_a_message_and_its_traceback(project_path, monkeypatch, bug):
    _fail_opening(monkeypatch, bug)
    at = _page(project_path, monkeypatch, "code")
    assert len(at.error) == 1
    assert type(bug).__name__ in at.error[0].value and "bug" in at.error[0].value
    (details,) = at.expander
    assert details.label == "Details (traceback)"
    (shown,) = details.exception
    assert shown.proto.type == type(bug).__name__ and shown.message == str(bug)
    assert any("fail" in line for line in shown.stack_trace)  # the frame that raised


def test_ui_errors_a_page_action_shows_its_qda_error(data_project, monkeypatch):
    """A CodingError (a QdaError) from a Codebook action shows its message, the page goes on."""
    path, _ = data_project
    at = _page(path, monkeypatch, "codebook", {"coder": "carla"})
    next(t for t in at.text_input if t.label == "Name").set_value("Policy")
    next(b for b in at.button if b.label == "Add code").click().run()
    (error,) = at.error
    shown = html.unescape(error.value)  # the page escapes markdown in names as HTML entities
    assert "'Policy': a code with this name already exists" in shown
    assert not at.exception and "Details (traceback)" not in [e.label for e in at.expander]
    assert at.subheader[0].value == "Edit a code"  # the rest of the page still renders


def test_ui_errors_the_server_log_keeps_a_bug_s_frames_not_its_message(
    project_path, monkeypatch, caplog
):
    """A bug's message can quote transcript text: the log gets its type and frames only."""
    secret = "Rosa Medina said the council met in secret"
    _fail_opening(monkeypatch, ValueError(secret))
    with caplog.at_level("ERROR", logger="ui.common"):
        at = _page(project_path, monkeypatch, "code")
    assert at.expander  # the person still sees the whole traceback, message included
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "page failed: ValueError" in logged and "in fail" in logged
    assert secret not in logged and all(r.exc_info is None for r in caplog.records)
