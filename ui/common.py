"""Shared UI plumbing: which project is open, a connection per script run, the current coder.

Streamlit sessions are threads, so no connection is kept in st.cache_resource: each run opens
its own (cheap: the integrity check runs once per file per process).
"""

from __future__ import annotations

import logging
import os
import traceback
import uuid
from pathlib import Path

import streamlit as st

from projectfile import ProjectError, QdaError, open_project
from ui.widgets import md_safe

DEFAULT_PROJECT = "project.qda.sqlite"
_LOG = logging.getLogger(__name__)


def project_file() -> Path:
    """Return the path of the project this session works on ($QDA_PROJECT by default)."""
    if "project_path" not in st.session_state:
        st.session_state.project_path = os.environ.get("QDA_PROJECT", DEFAULT_PROJECT)
    return Path(st.session_state.project_path)


def set_project_file(path: str | os.PathLike) -> None:
    """Switch this session to the project file at ``path`` (forgets the old one's page state)."""
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


def show_error(exc: Exception) -> None:
    """Show an exception that escaped a page: a QdaError as its message, anything else as a bug.

    A QdaError is meant for the person (a damaged project file, a missing document, bad input):
    its message is enough. Any other exception is a bug in the workbench: a short message, and the
    traceback in an expander (also logged on the server) so it can be reported, not swallowed.
    """
    if isinstance(exc, QdaError):
        st.error(str(exc))
        if isinstance(exc, ProjectError):
            st.info(
                "Open or create another project file on the Project page, "
                "or restore a backup there."
            )
        return
    # The server log gets the exception's type and frames, not its message: a message can quote
    # transcript text, and transcript text is never logged.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    _LOG.error("page failed: %s\n%s", type(exc).__name__, frames)
    st.error(
        f"Something went wrong in the workbench ({type(exc).__name__}). "
        "This is a bug: please report it with the details below."
    )
    with st.expander("Details (traceback)"):
        st.exception(exc)
