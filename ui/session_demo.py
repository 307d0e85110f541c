"""The demo project is a sample: the first write into it asks "make a copy to work in?".

A project is the demo when its ``project_meta`` says ``demo = 1`` (``demo/build.py`` writes it; a
copy clears it), not because of its path. Until the person answers, the session's connections
carry a write guard (``projectfile.set_write_guard``): a write is refused before anything is
written, with a message, and the app opens a dialog offering "Copy to a new project" or "Write into
the demo". The answer is remembered per person, so it is asked once.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import streamlit as st

from corpus import get_project_meta, set_project_meta
from projectfile import ProjectError, QdaError, copy_project, open_project, set_write_guard
from ui.session import demo_choice_made, projects_dir, remember_demo_choice
from ui.state import DEMO_OK, DEMO_PROMPT, flash
from workflows import project_path

DEMO_KEY = "demo"
PROMPT = DEMO_PROMPT.name
REFUSED = (
    "This is the demo project, a fictional sample: nothing was written. Choose “Copy to a new "
    "project” to work in a copy of it, or “Write into the demo”, then do it again."
)
_NAME = re.compile(r"^[\w][\w .-]{0,79}$", re.UNICODE)


def is_demo(db) -> bool:
    """Return True when the open project is marked as the demo project."""
    return get_project_meta(db, DEMO_KEY) == "1"


def writes_allowed(path: Path) -> bool:
    """Return True when this person already chose to write into the demo at ``path``."""
    ok = DEMO_OK.setdefault(set())
    if str(path.resolve()) in ok:
        return True
    if demo_choice_made(path):
        ok.add(str(path.resolve()))
        return True
    return False


def guard(db, path: Path) -> None:
    """Put the ask-first write guard on ``db`` when it is the demo and nobody has answered yet."""
    if is_demo(db) and not writes_allowed(path):
        set_write_guard(db, _refuse)


def _refuse(db) -> None:
    DEMO_PROMPT.set(True)
    raise ProjectError(REFUSED, code="demo")


def copy_name(name: str) -> str:
    """Return a checked file name for a new project named ``name`` (raises ProjectError)."""
    name = (name or "").strip()
    if name.endswith(".qda.sqlite"):
        name = name[: -len(".qda.sqlite")]
    if not _NAME.match(name) or ".." in name:
        raise ProjectError(
            f"'{name}': a project name has 1 to 80 letters, digits, spaces, '.', '-' or '_'",
            code="name",
        )
    return f"{name}.qda.sqlite"


def copy_demo(source: Path, name: str) -> Path:
    """Copy the demo project ``source`` to ``name`` in the projects folder, unmarked; return the
    copy's path."""
    dest = projects_dir() / copy_name(name)
    if os.path.lexists(dest):
        raise ProjectError(f"{dest.name}: a project of that name exists; choose another name")
    try:  # the one rule of server paths: inside the projects folder, no symlink out
        dest = project_path(dest, projects_dir(), create=True)
    except QdaError as exc:
        raise ProjectError(str(exc), code="name") from None
    copy_project(source, dest)
    copy = open_project(dest)
    try:
        set_project_meta(copy, DEMO_KEY, None)
    finally:
        copy.conn.close()
    return dest


def ask(path: Path, switch) -> bool:
    """Show the "make a copy to work in?" dialog when a write into the demo was refused.

    ``switch(path, copy_of_open=True)`` opens the copy in this session, keeping the page's
    state (ui.common.set_project_file): the copy holds the same documents, codes and ids.
    Returns True when the dialog was opened.
    """
    if not DEMO_PROMPT.get():
        return False

    def dismissed() -> None:
        DEMO_PROMPT.pop()

    @st.dialog("This is the demo project", on_dismiss=dismissed)
    def dialog() -> None:
        st.markdown("**This is the demo project: make a copy to work in?**")
        st.caption(
            "The demo is a fictional sample. Nothing was written into it: after choosing, do "
            "what you were doing again."
        )
        name = st.text_input("Name of the new project", value="my-project", key="qda_demo_name")
        c1, c2 = st.columns(2)
        if c1.button("Copy to a new project", type="primary", key="qda_demo_copy"):
            try:
                dest = copy_demo(path, name)
            except ProjectError as exc:
                st.error(str(exc))
                return
            DEMO_PROMPT.pop()
            switch(dest, copy_of_open=True)  # the page goes on as it was, in the copy
            flash(
                "success",
                f"Working in {dest.name}, a copy of the demo: do what you were doing again here.",
            )
            st.rerun()
        if c2.button("Write into the demo", key="qda_demo_keep"):
            DEMO_OK.setdefault(set()).add(str(path.resolve()))
            remember_demo_choice(path)
            DEMO_PROMPT.pop()
            st.rerun()

    dialog()
    return True
