"""Issue 25 §1: no page reads or opens a server file outside the folder its owner configured.

The Interviews page's path box (the import folder, $QDA_IMPORT_DIR; absent by default) and the
Project page's Open and Create (the projects folder) refuse ``/etc/passwd``, ``../`` escapes, a
symlink leading out, ``/dev/zero`` and a FIFO with a message naming the file and the reason; the
project is unchanged and nothing hangs.
"""

from __future__ import annotations

import html
import os
import time

import pytest
from streamlit.testing.v1 import AppTest
from ui_data import APP


@pytest.fixture
def place(tmp_path, monkeypatch):
    """A projects folder with a project, an import folder with a transcript and hostile entries,
    and a secret file (a de-identification key) beside them."""
    from projectfile import open_project

    projects = tmp_path / "projects"
    projects.mkdir()
    project = projects / "main.qda.sqlite"
    open_project(project).conn.close()
    imports = tmp_path / "imports"
    imports.mkdir()
    (imports / "ok.txt").write_text("Interviewer: hello\n\nExpert: hi there\n", encoding="utf-8")
    secret = tmp_path / "main.deid-key.csv"
    secret.write_text("real_name,pseudonym\nAna Robles,Expert 1\n", encoding="utf-8")
    (imports / "key.txt").symlink_to(secret)
    (imports / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(imports / "pipe.txt")
    other = tmp_path / "elsewhere.qda.sqlite"
    open_project(other).conn.close()
    (projects / "link.qda.sqlite").symlink_to(other)
    os.mkfifo(projects / "fifo.qda.sqlite")
    monkeypatch.setenv("QDA_PROJECT", str(project))
    monkeypatch.delenv("QDA_PROJECTS_DIR", raising=False)
    monkeypatch.delenv("QDA_EXPOSED", raising=False)
    return {"project": project, "imports": imports, "secret": secret, "other": other}


def _interviews(monkeypatch, imports) -> AppTest:
    if imports is None:
        monkeypatch.delenv("QDA_IMPORT_DIR", raising=False)
    else:
        monkeypatch.setenv("QDA_IMPORT_DIR", str(imports))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("ui/pages/interviews.py").run()
    assert not at.exception
    return at


def _errors(at) -> str:
    return " ".join(html.unescape(e.value) for e in at.error)


def test_interviews_page_has_no_server_path_box_by_default(place, monkeypatch):
    at = _interviews(monkeypatch, None)
    assert not [t for t in at.text_input if t.key == "iv_path"]
    next(b for b in at.button if b.label == "Preview").click()
    at.run()
    assert not at.exception and "upload" in _errors(at)
    assert "iv_pending" not in at.session_state or not at.session_state["iv_pending"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("/etc/passwd", "outside the import folder"),
        ("../main.deid-key.csv", "outside the import folder"),
        ("key.txt", "through a symlink outside the import folder"),
        ("/dev/zero", "outside the import folder"),
        ("zero.txt", "outside the import folder"),
        ("pipe.txt", "a FIFO (named pipe), not a regular file"),
        ("../../.streamlit/secrets.toml", "outside the import folder"),
    ],
)
def test_interviews_page_refuses_server_paths_outside_the_import_folder(
    place, monkeypatch, value, reason
):
    from interviews import transcripts_frame
    from projectfile import open_project

    at = _interviews(monkeypatch, place["imports"])
    at.text_input(key="iv_path").input(value)
    started = time.monotonic()
    next(b for b in at.button if b.label == "Preview").click()
    at.run()
    assert time.monotonic() - started < 60  # a FIFO or a device never blocks the page
    assert not at.exception
    shown = _errors(at)
    assert value in shown and reason in shown, shown
    assert "iv_pending" not in at.session_state or not at.session_state["iv_pending"]
    assert "Robles" not in " ".join(str(getattr(e, "value", "")) for e in at.main)
    db = open_project(place["project"])
    assert transcripts_frame(db).empty
    db.conn.close()


def test_interviews_page_reads_a_file_inside_the_import_folder(place, monkeypatch):
    at = _interviews(monkeypatch, place["imports"])
    at.text_input(key="iv_path").input("ok.txt")
    next(b for b in at.button if b.label == "Preview").click()
    at.run()
    assert not at.exception and not at.error
    assert at.session_state["iv_pending"][2] == str((place["imports"] / "ok.txt").resolve())


def _project_page(monkeypatch) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception and at.title[0].value == "Project"
    return at


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("/etc/passwd", "outside the projects folder"),
        ("../elsewhere.qda.sqlite", "outside the projects folder"),
        ("link.qda.sqlite", "through a symlink outside the projects folder"),
        ("/dev/zero", "outside the projects folder"),
        ("fifo.qda.sqlite", "a FIFO (named pipe), not a regular file"),
    ],
)
def test_project_page_open_refuses_files_outside_the_projects_folder(
    place, monkeypatch, value, reason
):
    at = _project_page(monkeypatch)
    at.text_input(key="proj_path").set_value(value).run()
    at.button(key="proj_open").click().run()
    assert not at.exception
    shown = _errors(at)
    assert value in shown and reason in shown, shown
    assert at.session_state["project_path"] == str(place["project"])


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("../escape", "outside the projects folder"),
        ("/tmp/escape-qda-test", "outside the projects folder"),
        ("fifo.qda.sqlite", "a FIFO (named pipe), not a regular file"),
        ("main", "already exists"),
    ],
)
def test_project_page_create_refuses_files_outside_the_projects_folder(
    place, monkeypatch, value, reason
):
    at = _project_page(monkeypatch)
    at.text_input(key="proj_path").set_value(value).run()
    at.button(key="proj_create").click().run()
    assert not at.exception
    shown = _errors(at)
    assert reason in shown, shown
    assert at.session_state["project_path"] == str(place["project"])
    assert not (place["project"].parent.parent / "escape.qda.sqlite").exists()
    assert not os.path.exists("/tmp/escape-qda-test.qda.sqlite")


def test_project_page_switch_list_leaves_out_links_and_fifos(place, monkeypatch):
    from projectfile import open_project

    open_project(place["project"].parent / "second.qda.sqlite").conn.close()
    at = _project_page(monkeypatch)
    names = list(at.selectbox(key="proj_nearby").options)
    assert names == ["main.qda.sqlite", "second.qda.sqlite"]


def test_demo_copy_is_written_only_inside_the_projects_folder(place, tmp_path):
    from projectfile import ProjectError
    from ui.session_demo import copy_demo

    projects = place["project"].parent
    target = tmp_path / "written-outside.qda.sqlite"
    (projects / "copy.qda.sqlite").symlink_to(target)  # dangling: a copy would land outside
    with pytest.raises(ProjectError, match="exists"):
        copy_demo(place["project"], "copy")
    assert not target.exists()
    made = copy_demo(place["project"], "fresh")
    assert made == (projects / "fresh.qda.sqlite").resolve() and made.is_file()


def test_project_page_restore_list_leaves_out_links_and_fifos(place, monkeypatch):
    from projectfile import backup_project, open_project

    db = open_project(place["project"])
    made = backup_project(db, reason="manual")
    db.conn.close()
    folder = made.parent
    (folder / "zz-link.sqlite").symlink_to(place["other"])
    os.mkfifo(folder / "zz-pipe.sqlite")
    at = _project_page(monkeypatch)
    assert not at.exception
    assert list(at.selectbox(key="proj_restore_pick").options) == [made.name]
