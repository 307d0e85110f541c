"""Live updates without a reload: every ``$QDA_LIVE_SECONDS`` (default 2; 0 turns it off) a small
fragment in the sidebar reads the project's change token (``workflows.change_token``) on its own
read-only connection and reruns the page when another member, or the CLI, changed something since
this page's run began; it also beats this session's presence and lists who else is here.

Streamlit has no push channel, so this polls; a poll is a few indexed reads and no rerun unless
something changed. The token is noted at the start of every full run (``note_run``) and of every
rerun of a live fragment, so a session's own writes (made in callbacks, before the run) do not
rerun it again. A change to codes, codings or memos alone reruns only the page's live fragments
(``live_fragment``: the Code page's reader and the panel beside it, the Codebook's list), not
the whole page: a full rerun costs every member's session a run of the page; a change to the
documents or the members reruns the page. A rerun never
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
from ui.common import attach_member, close_run_dbs, current_coder, project_file, session_id
from ui.components.live_ping import live_ping
from ui.escape import md_safe
from ui.session import sync_url
from ui.state import (
    CODE_DOC,
    EDIT_DOC,
    LIVE_FIRE,
    LIVE_FRAGMENTS,
    LIVE_PAGE,
    LIVE_PATH,
    LIVE_PENDING,
    LIVE_TOKEN,
    READER_DOC,
)
from workflows import change_token, work_only_changed

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
        attach_member(db)  # the token as this member may see it (blind rounds)
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


def note_run(page_title: str, url_path: str = "") -> None:
    """At the start of a full run: note the change token the page is drawn from, and beat."""
    LIVE_PAGE.set(page_title)
    LIVE_PATH.set(url_path)
    LIVE_FRAGMENTS.set([])  # the page registers its live fragments as it draws them
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
    if seen is None:
        LIVE_TOKEN.set(now)
    elif should_rerun(seen, now):
        if LIVE_FRAGMENTS.get() and work_only_changed(seen, now):
            if LIVE_PENDING.get() != now:  # ask the browser once per change
                LIVE_PENDING.set(now)
                LIVE_FIRE.set(int(LIVE_FIRE.get(0)) + 1)
        else:
            LIVE_TOKEN.set(now)
            st.rerun()  # the whole page: the document lists and roles read afresh
    live_ping(int(LIVE_FIRE.get(0)) if LIVE_PENDING.is_set() else 0, _on_fire)


def _on_fire() -> None:
    """Callback of the ping: rerun only the live fragments the page drew (each notes the token
    it draws from as it starts)."""
    LIVE_PENDING.pop()
    keys = [k for k in LIVE_FRAGMENTS.get() or [] if isinstance(k, str)]
    if keys:
        st.rerun(keys)


def live_fragment(key: str):
    """Decorator: make a part of a page a keyed ``st.fragment`` that live updates rerun alone
    when only codes, codings or memos changed (see the module's docstring).

    Its widgets rerun it alone too, so it reads what it shows itself (``get_db()``) rather than
    taking the page's values, and each of its own reruns notes the change token it is drawn from
    and closes the connections it opened (a full run's ``close_run_dbs`` does not run then)."""

    def decorate(fn):
        @functools.wraps(fn)
        def body(*args, **kwargs):
            alone = _fragment_run()
            if alone and LIVE_PAGE.get():
                token, _title = _look(project_file(), None)
                if token is not None:
                    LIVE_TOKEN.set(token)
                    LIVE_PENDING.pop()
            try:
                out = fn(*args, **kwargs)
                if alone:  # the page's own run does this at its end: the place in the address
                    sync_url(project_file(), current_coder(), LIVE_PATH.get() or "")
                return out
            finally:
                if alone:
                    close_run_dbs()

        fragment = st.fragment(key=key)(body)

        @functools.wraps(fn)
        def draw(*args, **kwargs):
            keys = LIVE_FRAGMENTS.get() or []
            if key not in keys:
                LIVE_FRAGMENTS.set([*keys, key])
            return fragment(*args, **kwargs)

        return draw

    return decorate


def rerun_part() -> None:
    """Rerun the fragment this runs in when it runs alone, else the page (after a write made by
    one of its buttons)."""
    st.rerun(scope="fragment" if _fragment_run() else "app")


def _fragment_run() -> bool:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def _show_others() -> None:
    here = presence.others(str(project_file()), session_id(), current_coder())
    with st.container(key="qda_presence"):
        if here:
            st.caption("Also here: " + ", ".join(md_safe(presence.describe(p)) for p in here))
