"""Shared UI plumbing: which project is open, a connection per script run, the current coder.

Streamlit sessions are threads, so no connection is kept in st.cache_resource: each run opens
its own (cheap: the integrity check runs once per file per process).
"""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from corpus.project import open_project

DEFAULT_PROJECT = "project.qda.sqlite"


def project_file() -> Path:
    """Return the path of the project this session works on ($QDA_PROJECT by default)."""
    if "project_path" not in st.session_state:
        st.session_state.project_path = os.environ.get("QDA_PROJECT", DEFAULT_PROJECT)
    return Path(st.session_state.project_path)


def get_db():
    """Return an open Database for this script run (one per run, closed by garbage collection)."""
    return open_project(project_file())


def current_coder() -> str:
    """Return the name of the coder working in this session."""
    return st.session_state.get("coder") or os.environ.get("QDA_CODER", "") or "default"


def placeholder(title: str, issue: int) -> None:
    """Show that a page's feature is still being built (kept only while its issue is open)."""
    st.title(title)
    st.info(f"This page is being built (issue #{issue}).")
