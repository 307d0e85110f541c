"""Shared UI plumbing: which project is open, a connection per script run, the current coder.

Streamlit sessions are threads, so no connection is kept in st.cache_resource: each run opens
its own (cheap: the integrity check runs once per file per process).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import streamlit as st

from projectfile import open_project

DEFAULT_PROJECT = "project.qda.sqlite"


def project_file() -> Path:
    """Return the path of the project this session works on ($QDA_PROJECT by default)."""
    if "project_path" not in st.session_state:
        st.session_state.project_path = os.environ.get("QDA_PROJECT", DEFAULT_PROJECT)
    return Path(st.session_state.project_path)


def set_project_file(path: str | os.PathLike) -> None:
    """Switch this session to the project file at ``path`` (forgets page state tied to the old one)."""
    st.session_state.project_path = str(path)
    for key in ("focus", "code_selection", "code_last_nonce"):
        st.session_state.pop(key, None)


def get_db():
    """Return an open Database for this script run (one per run, closed by garbage collection)."""
    return open_project(project_file())


def current_coder() -> str:
    """Return the name of the coder working in this session."""
    return st.session_state.get("coder") or os.environ.get("QDA_CODER", "") or "default"


def session_id() -> str:
    """Return a stable id of this browser session (undo/redo stacks are per session)."""
    if "qda_session" not in st.session_state:
        st.session_state.qda_session = uuid.uuid4().hex
    return st.session_state.qda_session


def coder_sidebar() -> None:
    """Show the project and the current coder in the sidebar, with a field to change the coder."""
    with st.sidebar:
        from ui.widgets import md_safe

        st.caption(f"Project: {md_safe(project_file().name)}")
        name = st.text_input(
            "Coder",
            value=current_coder(),
            key="coder_input",
            help="Every coding and memo you make records this name.",
        )
        name = (name or "").strip()
        if name and name != st.session_state.get("coder"):
            st.session_state.coder = name
        if current_coder() == "default":
            st.caption("Type your name above: every coding and memo records who made it.")


def placeholder(title: str, issue: int) -> None:
    """Show that a page's feature is still being built (kept only while its issue is open)."""
    st.title(title)
    st.info(f"This page is being built (issue #{issue}).")
