"""Live updates without a reload: every ``$QDA_LIVE_SECONDS`` (default 2; 0 turns it off) a small
fragment in the sidebar reads the project's change token (``workflows.change_token``) on its own
read-only connection and reruns the page when another member, or the CLI, changed something since
this page's run began; it also beats this session's presence and lists who else is here.

Streamlit has no push channel, so this polls; a poll is a few indexed reads and no rerun unless
something changed. The token is noted at the start of every full run (``note_run``), so a
session's own writes (made in callbacks, before the run) do not rerun it again. A rerun never
loses the coder's selection: the reader keeps new content waiting while a mouse button is down or
the toolbar's box has focus, and selects the held span again after it redraws
(``span_reader.js``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from pathlib import Path

import streamlit as st

from corpus import get_document
from projectfile import QdaError, connect
from ui import presence
from ui.common import current_coder, project_file, session_id
from ui.escape import md_safe
from ui.state import CODE_DOC, EDIT_DOC, LIVE_PAGE, LIVE_TOKEN, READER_DOC
from workflows import change_token

DEFAULT_SECONDS = 2.0
# the widget holding the document a page shows (presence says which document a member is on)
_DOCUMENT_OF_PAGE = {"Code": CODE_DOC, "Corpus": READER_DOC, "Edit & merge": EDIT_DOC}


def live_seconds() -> float:
    """Return the polling interval in seconds ($QDA_LIVE_SECONDS; 0 or less: live is off)."""
    try:
        return max(0.0, float(os.environ.get("QDA_LIVE_SECONDS", DEFAULT_SECONDS)))
    except ValueError:
        return DEFAULT_SECONDS


def should_rerun(seen: tuple | None, now: tuple | None) -> bool:
    """Return True when the project changed since the page's run began (both tokens known)."""
    return seen is not None and now is not None and tuple(seen) != tuple(now)


def _look(path: Path, document_id) -> tuple[tuple | None, str]:
    """Return (change token, title of ``document_id``) read on a read-only connection; (None, '')
    when the project cannot be read now (not made yet, being restored)."""
    if not path.is_file():
        return None, ""
    try:
        db = connect(path, readonly=True)
    except (sqlite3.Error, QdaError):
        return None, ""
    try:
        token = tuple(change_token(db))
        title = ""
        if document_id is not None:
            with contextlib.suppress(QdaError, TypeError, ValueError):
                title = str(get_document(db, int(document_id))["title"])
        return token, title
    except (sqlite3.Error, QdaError):
        return None, ""
    finally:
        with contextlib.suppress(sqlite3.Error):
            db.conn.close()


def _beat(path: Path, title: str) -> None:
    key = _DOCUMENT_OF_PAGE.get(LIVE_PAGE.get() or "")
    doc = st.session_state.get(key) if key else None
    presence.beat(
        str(path), session_id(), current_coder(), LIVE_PAGE.get() or "", doc, title if doc else ""
    )


def note_run(page_title: str) -> None:
    """At the start of a full run: note the change token the page is drawn from, and beat."""
    LIVE_PAGE.set(page_title)
    path = project_file()
    key = _DOCUMENT_OF_PAGE.get(page_title)
    token, title = _look(path, st.session_state.get(key) if key else None)
    LIVE_TOKEN.set(token)
    _beat(path, title)


def others_on(document_id: int) -> list[presence.Presence]:
    """Return the other members on the document ``document_id`` of the open project now."""
    here = presence.others(str(project_file()), session_id(), current_coder())
    return [p for p in here if p.document_id == int(document_id)]


def watch() -> None:
    """Show who else is here in the sidebar and, while live is on, poll for changes."""
    seconds = live_seconds()
    if seconds > 0:
        _watcher(seconds)()
    else:
        _show_others()


@functools.cache
def _watcher(seconds: float):
    return st.fragment(run_every=seconds)(_watch_once)


def _watch_once() -> None:
    path = project_file()
    key = _DOCUMENT_OF_PAGE.get(LIVE_PAGE.get() or "")
    now, title = _look(path, st.session_state.get(key) if key else None)
    _beat(path, title)
    _show_others()
    seen = LIVE_TOKEN.get()
    if should_rerun(seen, now):
        LIVE_TOKEN.set(now)
        st.rerun()  # the whole page: the reader, codebook and document lists read afresh
    if seen is None:
        LIVE_TOKEN.set(now)


def _show_others() -> None:
    here = presence.others(str(project_file()), session_id(), current_coder())
    with st.container(key="qda_presence"):
        if here:
            st.caption("Also here: " + ", ".join(md_safe(presence.describe(p)) for p in here))
