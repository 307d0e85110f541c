"""Shared UI plumbing: which project is open, a connection per script run, the current coder
(kept across reloads by ui.session).

Streamlit sessions are threads, so no connection is kept in st.cache_resource: each run opens
its own (cheap: the integrity check runs once per file per process), and the entry point closes
them when the run ends (``close_run_dbs``), so no read snapshot or half-read statement outlives a
run and holds back the checkpoint that keeps the project file whole on disk.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import traceback
import uuid
from pathlib import Path

import streamlit as st

from coding import has_members
from projectfile import ProjectError, QdaError, open_project
from ui import session_demo
from ui.auth import auth_admins, is_exposed, signed_in_user
from ui.session import clean_coder, default_project, remember
from ui.state import CODER, CODER_INPUT, PROJECT_PATH, SESSION_ID, switch_project
from ui.widgets import md_safe
from workflows import Actor, Role, actor_for, attach, can

_LOG = logging.getLogger(__name__)
_RUN = threading.local()  # the connections this script run opened (a run is one thread)


def project_file() -> Path:
    """Return the path of the project this session works on (restored by ui.session, else
    $QDA_PROJECT)."""
    if not PROJECT_PATH.is_set():
        PROJECT_PATH.set(str(default_project()))
    return Path(PROJECT_PATH.get())


def set_project_file(path: str | os.PathLike, copy_of_open: bool = False) -> None:
    """Switch this session to the project file at ``path`` (forgets all of the old project's
    state, unless ``path`` is a copy of the open project just made: ui.state.switch_project)."""
    switch_project(path, copy_of_open=copy_of_open)
    remember(project=path)


def get_db():
    """Return an open Database for this script run (closed when the run ends: close_run_dbs).

    On the demo project, writes ask first (ui.session_demo) until the person has chosen. The
    person works as a member (workflows.access): their role is checked on every write.
    """
    path = project_file()
    db = open_project(path)
    _opened().append(db)
    session_demo.guard(db, path)
    _RUN.actor = attach_member(db)
    return db


def attach_member(db) -> Actor:
    """Bind this session's person to ``db`` as a member (``workflows.access.attach``).

    At a local desk a project without members is the person's own (owner); on an exposed server
    the signed-in identity is the member, a project without members lets only ``[auth] admins``
    act, and a shared password (no identity) reads only.
    """
    return attach(db, *_who())


def _who() -> tuple[str | None, Role | None, tuple[str, ...]]:
    """Return (member name, role in a project without members, admins) for this session."""
    if is_exposed():
        return signed_in_user(), None, auth_admins()
    return current_coder(), Role.OWNER, ()


def current_actor() -> Actor | None:
    """Return the member this script run works as (set by the run's first ``get_db``)."""
    return getattr(_RUN, "actor", None)


def allowed(op: str) -> bool:
    """Return True when this run's member may make a write of kind ``op`` (``workflows.can``):
    pages hide or disable the rest; the write itself is checked by the guard anyway."""
    actor = current_actor()
    return actor is None or can(actor, op)


def _opened() -> list:
    if not hasattr(_RUN, "dbs"):
        _RUN.dbs = []
    return _RUN.dbs


def close_run_dbs() -> None:
    """Close every connection ``get_db`` opened in this script run (each folds its writes into
    the project file as it closes)."""
    dbs, _RUN.dbs = _opened(), []
    _RUN.actor = None
    for db in dbs:
        with contextlib.suppress(sqlite3.Error):
            db.conn.close()


def current_coder() -> str:
    """Return the name of the coder working in this session (the signed-in identity when there is
    one)."""
    return signed_in_user() or CODER.get() or os.environ.get("QDA_CODER", "") or "default"


def session_id() -> str:
    """Return a stable id of this browser session (undo/redo stacks are per session)."""
    if not SESSION_ID.is_set():
        SESSION_ID.set(uuid.uuid4().hex)
    return SESSION_ID.get()


def _set_coder() -> None:
    name = clean_coder(st.session_state.get(CODER_INPUT))
    if name and name != CODER.get():
        CODER.set(name)
        remember(coder=name)


def _is_demo() -> bool:
    try:
        db = open_project(project_file())
    except Exception:  # the page opens the file next and shows what is wrong with it (or the bug)
        return False
    try:
        return session_demo.is_demo(db)
    except Exception:
        return False
    finally:
        db.conn.close()


def coder_sidebar() -> None:
    """Show the open project prominently (name, folder, demo) and the coder in the sidebar."""
    path = project_file()
    with st.sidebar:
        with st.container(border=True, key="qda_project_box"):
            name = path.name.removesuffix(".sqlite").removesuffix(".qda")
            st.markdown(f"**:material/folder_open: {md_safe(name)}**")
            st.caption(f"{md_safe(path.parent)}")
            if _is_demo():
                st.caption(":orange-badge[Demo project: a fictional sample]")
        identity = signed_in_user()
        if identity:
            st.text_input(
                "Coder",
                value=identity,
                disabled=True,
                key="coder_identity",
                help="You are signed in: every coding, memo and change records this name.",
            )
            _role_caption()
            return
        if st.session_state.get(CODER_INPUT) != current_coder():
            st.session_state[CODER_INPUT] = current_coder()
        st.text_input(
            "Coder",
            key=CODER_INPUT,
            on_change=_set_coder,
            help="Every coding and memo you make records this name.",
        )
        if current_coder() == "default":
            st.caption("Type your name above: every coding and memo records who made it.")
        _role_caption()


def _role_caption() -> None:
    """Say the person's role in the sidebar (at a local desk, only when the project has members),
    or why they read only."""
    try:
        db = open_project(project_file())
    except Exception:  # the page opens the file next and shows what is wrong with it (or the bug)
        return
    try:
        members = has_members(db)
        if not members and not is_exposed():
            return  # a local desk's own project, as before roles existed
        actor = actor_for(db, *_who())
    finally:
        db.conn.close()
    if actor.role is not None:
        st.caption(f":blue-badge[Role: {actor.role.value}]")
    elif not actor.name:
        st.caption(":orange-badge[Read only: signed in without a name (shared password)]")
    elif not members:
        st.caption(
            f":orange-badge[{md_safe(actor.name)} reads only: the project has no members yet"
            " and only the server's admins change it]"
        )
    else:
        st.caption(f":orange-badge[{md_safe(actor.name)} is not a member: read only]")


def show_error(exc: Exception) -> None:
    """Show an exception that escaped a page: a QdaError as its message, anything else as a bug.

    A QdaError is meant for the person (a damaged project file, a missing document, bad input):
    its message is enough. Any other exception is a bug in the workbench: a short message, and the
    traceback in an expander (also logged on the server) so it can be reported, not swallowed.
    """
    if isinstance(exc, QdaError):
        st.error(str(exc))
        if isinstance(exc, ProjectError) and exc.code not in ("demo", "name"):
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
