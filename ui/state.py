"""The app's session state in one place: every key a page keeps, typed, and its scope.

Two scopes:

- **app**: belongs to the person and this browser session, whatever project is open (the open
  project itself, the coder, sign-in, reader preferences, the demo answer, flash messages).
- **project**: belongs to the open project (pending previews and imports, merge reports,
  selections, search results, prepared exports, document pickers). ``switch_project`` clears
  all of it, so nothing prepared in project A can be saved into project B.

Every key not declared app-scoped is project-scoped, including widget keys Streamlit owns and
keys made from ids (``open_12``, ``file_codebook``): a key added by a page later is cleared on a
switch unless someone declares it app-scoped here. A widget whose key is cleared while it is on
screen keeps showing its value in the browser until the person changes it, so a switch is made
from a page whose widgets hold nothing of the old project (the Project page), or keeps the state
when the new project is a copy of the open one (``switch_project(copy_of_open=True)``).

Pages read and write through the typed ``Key`` objects below (``SEARCH_PREVIEW.get()``); widget
keys are plain string constants.

Messages for the next run go through ``flash(kind, text)`` and are shown once by ``show_flash()``,
escaped (a message can quote document text, code names, file names).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import pandas as pd
import streamlit as st

from ui.escape import md_safe

T = TypeVar("T")
Scope = Literal["app", "project"]
FlashKind = Literal["success", "error", "info", "warning"]


@dataclass(frozen=True)
class Key(Generic[T]):
    """One session-state key: its name, its scope and what it holds (the type parameter)."""

    name: str
    scope: Scope = "project"

    def get(self, default: T | None = None) -> T | None:
        """Return the value kept under this key, else ``default``."""
        return st.session_state.get(self.name, default)

    def set(self, value: T) -> None:
        """Keep ``value`` under this key."""
        st.session_state[self.name] = value

    def pop(self) -> T | None:
        """Return the value kept under this key (None when unset) and forget it."""
        return st.session_state.pop(self.name, None)

    def setdefault(self, value: T) -> T:
        """Return the value kept under this key, keeping ``value`` first when it is unset."""
        return st.session_state.setdefault(self.name, value)

    def is_set(self) -> bool:
        """Return True when a value is kept under this key."""
        return self.name in st.session_state


_APP: set[str] = set()


def _app(name: str) -> Key[Any]:
    _APP.add(name)
    return Key(name, "app")


# --- app scope: the person and this browser session --------------------------------------------
PROJECT_PATH: Key[str] = _app("project_path")  # the open project file
CODER: Key[str] = _app("coder")
CODER_INPUT = _app("coder_input").name  # widget: the sidebar's coder field
SESSION_ID: Key[str] = _app("qda_session")  # undo/redo stacks are per session
STARTED: Key[bool] = _app("qda_started")  # ui.session restored the URL's place once
SIGNED_IN: Key[bool] = _app("qda_signed_in")
USER: Key[str] = _app("qda_user")
DEMO_OK: Key[set[str]] = _app("qda_demo_ok")  # demo projects this person chose to write into
READER_PER_WINDOW: Key[int] = _app("reader_per_window")  # Code page: units per screen
READER_WHOLE: Key[bool] = _app("reader_whole")  # Code page: whole documents, no paging
READER_PER_WINDOW_INPUT = _app("reader_per_window_input").name  # widgets of the two above
READER_WHOLE_INPUT = _app("reader_whole_input").name
FLASH: Key[list[tuple[str, str, str]]] = _app("qda_flash")  # (kind, text, place), shown once

# --- project scope: cleared by switch_project ---------------------------------------------------
# places and selections (ui.session writes them from the URL's at=)
FOCUS: Key[dict] = Key("focus")  # {document_id, start, end}: a page opens at this passage
CODE_SELECTION: Key[dict] = Key("code_selection")  # the Code page's selection
# Search page
SEARCH_PREVIEW: Key[pd.DataFrame] = Key("search_preview")  # "Code all hits" before saving
SEARCH_CODED: Key[dict[int, str]] = Key("search_coded")  # hit -> "code (level)" coded
SEARCH_PAGE: Key[int] = Key("search_page")
SEARCH_SIGNATURE: Key[tuple] = Key("search_signature")  # the search the page number is for
SEARCH_CODE = "search_code"  # widget: the code bar's code
SEARCH_LEVEL = "search_level"  # widget: sentence / paragraph / turn
SEARCH_QUERY = "search_query"  # widget: the query
MORE_LIKE: Key[dict] = Key("more_like")  # the passage whose nearest passages are listed
# Interviews page
IV_PENDING: Key[tuple] = Key("iv_pending")  # (Transcript, bytes, source) previewed, not saved
IV_REVIEW: Key[pd.DataFrame] = Key("iv_review")  # de-identification names under review
IV_DEID_RESULT: Key[pd.DataFrame] = Key("iv_deid_result")
IV_MEDIA_WIN: Key[tuple] = Key("iv_media_win")  # (document, part) the listening reader shows
IV_MEDIA_FOLLOW: Key[float] = Key("iv_media_follow")  # a time the reader asks to move to
# Edit & merge page
MERGE_REPORT: Key[pd.DataFrame] = Key("merge_report")
MERGE_SUMMARY: Key[str] = Key("merge_summary")
EDIT_NOTICE: Key[str] = Key("edit_notice")
EDIT_DOC_NEXT: Key[int] = Key("edit_doc_next")  # the document the page opens on next
EDIT_SECTION_NEXT: Key[str] = Key("edit_section_next")
EDIT_DOC = "edit_doc"  # widget
EDIT_SECTION = "edit_section"  # widget
# Code page
CODE_DOC = "code_doc"  # widget: the document picker
CODE_SELECTED_CODING: Key[int] = Key("code_selected_coding")
CODE_LAST_NONCE: Key[str] = Key("code_last_nonce")
CODE_LAST_ACTION: Key[str] = Key("code_last_action")
CODE_NOTICE: Key[dict] = Key("code_notice")  # the reader's notice at the bottom of the screen
CODE_FOCUS_APPLIED: Key[tuple] = Key("code_focus_applied")
CODE_WIN: Key[int] = Key("code_win")  # the window of the document shown
CODE_WIN_DOC: Key[int] = Key("code_win_doc")
CODE_WIN_PICK = "code_win_pick"  # widget: the part picker (set from CODE_WIN before it renders)
CODE_PICK = "code_pick"  # widget: the codes to apply
CODE_ARMED = "code_armed"  # widget: apply the picked codes to every new selection at once
CODE_READER = "code_reader"  # component: the span reader (its selection and actions)
CODE_VIEW_DOC: Key[int] = Key("code_view_doc")
CODE_VIEW_WHY: Key[int] = Key("code_view_why")
CODE_VIEW = "code_view"  # widget: whose codings
CODE_MORE_LIKE: Key[dict] = Key("code_more_like")  # the coding whose nearest passages are listed
CODE_MEDIA_FOLLOW: Key[float] = Key("code_media_follow")  # a time the reader asks to move to
# Corpus page
CORPUS_LAST_OUTCOMES: Key[pd.DataFrame] = Key("corpus_last_outcomes")
READER_DOC = "reader_doc"  # widget: the reader's document
READER_PAGE = "reader_page"  # widget: the reader's page
READER_FOCUS_APPLIED: Key[dict] = Key("reader_focus_applied")
# suggested passages beside the Code page's reader (ui.components.suggestions)
SUGG_ROWS: Key[dict[int, pd.DataFrame]] = Key("sugg_rows")  # code id -> suggestions still open
SUGG_BATCH: Key[dict[int, tuple]] = Key("sugg_batch")  # code id -> (rows, preview)
# auto-coding previews (ui.widgets.save_preview_codings keeps them as <prefix>_preview)
ENTITIES_PREVIEW: Key[pd.DataFrame] = Key("entities_preview")
TOPICS_PREVIEW: Key[pd.DataFrame] = Key("topics_preview")
# Activity page
ACTIVITY_SHOWN: Key[int] = Key("activity_shown")  # rows shown ("Show older" adds more)
ACTIVITY_WHO = "activity_who"  # widget: one member's work only
# live updates (ui.live): the change token the page's run began with, and the page it is on
LIVE_TOKEN: Key[tuple] = Key("live_token")
LIVE_PAGE: Key[str] = Key("live_page")
LIVE_PATH: Key[str] = Key("live_path")  # its address (url path), for a fragment's sync_url
LIVE_FRAGMENTS: Key[list] = Key("live_fragments")  # keyed fragments of the page, rerun alone
LIVE_PENDING: Key[tuple] = Key("live_pending")  # a change the browser was asked to rerun them for
LIVE_FIRE: Key[int] = Key("live_fire")  # the number the ping sends back (ui.components.live_ping)
# the demo project's "make a copy?" question (asked about the open project)
DEMO_PROMPT: Key[bool] = Key("qda_demo_prompt")


def preview_key(prefix: str) -> Key[pd.DataFrame]:
    """Return the key of an auto-coding preview (``entities``, ``topics``)."""
    return Key(f"{prefix}_preview")


def export_file(name: str) -> Key[bytes]:
    """Return the key of a prepared export file of the Export page."""
    return Key(f"file_{name}")


def export_settings(name: str) -> Key[str]:
    """Return the key of the settings an export file was prepared with."""
    return Key(f"settings_{name}")


def is_app_scoped(name: str) -> bool:
    """Return True when the key ``name`` survives a project switch."""
    return name in _APP


# --- the project switch -------------------------------------------------------------------------
def clear_project_state() -> list[str]:
    """Forget every project-scoped key of this session; return the names forgotten."""
    gone = [name for name in list(st.session_state) if not is_app_scoped(str(name))]
    for name in gone:
        st.session_state.pop(name, None)
    return gone


def switch_project(path: str | os.PathLike, copy_of_open: bool = False) -> None:
    """Open the project file at ``path`` in this session, forgetting the old project's state
    (ui.common.set_project_file also remembers the choice for the next visit).

    ``copy_of_open``: ``path`` is a copy of the open project just made (the demo's "Copy to a new
    project"): its documents, codes and ids are the same, so the session's project state is
    still right and is kept. The page goes on as it was (the query typed, the code picked), and
    what was refused in the demo can be done again at once. Clearing it there would also leave
    the page's widgets showing values their keys no longer hold: Streamlit's browser side keeps
    a widget's value when its key is removed, so the Search page showed the query and the picked
    code while the app had neither (no hits, "Pick or type a code" on "Code this hit").
    """
    if not copy_of_open:
        clear_project_state()
    PROJECT_PATH.set(str(path))


# --- flash messages -----------------------------------------------------------------------------
def flash(kind: FlashKind, text: str, place: str = "page") -> None:
    """Keep a message to show once, escaped, where ``show_flash(place)`` runs next."""
    FLASH.setdefault([]).append((kind, str(text), place))


def show_flash(place: str = "page") -> None:
    """Show (once) the messages kept for ``place``, in an always-present container.

    The container is there even when empty, so the elements after it keep their places (a
    component below is not remounted when a message comes and goes). The app shows place
    "page" above every page.
    """
    kept = FLASH.get() or []
    mine = [m for m in kept if m[2] == place]
    if mine:
        FLASH.set([m for m in kept if m[2] != place])
    with st.container():
        for kind, text, _ in mine:
            show = {"success": st.success, "error": st.error, "warning": st.warning}
            show.get(kind, st.info)(md_safe(text))
