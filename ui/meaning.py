"""Search by meaning: the mode selector, the meaning index's progress, hit labels and the "More like
this" panel (the Search page's, and the Code page's for a coding, with "Open" and "Code with").
The pages call these; the work is nlp's."""

from __future__ import annotations

import html
from collections.abc import Callable

import streamlit as st

from corpus import list_documents
from nlp import SEARCH_MODES, SearchMode, index_status, more_like_this
from projectfile import QdaError, project_path
from ui.state import FOCUS, MORE_LIKE
from ui.widgets import md_safe
from workflows import index_job, meaning_setting, start_background_index

MODE_LABELS = {
    SearchMode.HYBRID: "Hybrid (words + meaning)",
    SearchMode.MEANING: "Meaning (any language)",
    SearchMode.KEYWORD: "Exact words",
}
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
SEARCH_UNTIL = "until then they are found by their exact words only."
SIMILAR_UNTIL = "until then their passages are not among the similar ones."


def search_mode(db) -> str:
    """Show the mode selector (hybrid by default) and the meaning index's progress, if any."""
    mode = st.radio(
        "Search by",
        SEARCH_MODES,
        horizontal=True,
        key="search_mode",
        format_func=MODE_LABELS.get,
        help="Hybrid weighs the exact-word ranking against the meaning ranking by the query's "
        "shape: a quoted phrase, a name or a number leans on the words, a question on meaning, "
        "so an English query also finds Spanish passages and the reverse. Exact words is the "
        "full-text search.",
    )
    if mode != SearchMode.KEYWORD:
        index_progress(db)
    return mode


def index_progress(db, key: str = "meaning_index", until: str = SEARCH_UNTIL) -> None:
    """Keep the meaning index in step by itself: start a background job when documents are not
    indexed yet (unless the project turned it off) and show its progress while it runs."""
    status = index_status(db)
    missing = status["documents"] - status["indexed_documents"]
    path = project_path(db)
    job = index_job(path) if path else None
    seen = tuple(sorted(int(i) for i in list_documents(db)["id"]))
    # a document with no passage long enough is never "indexed": a finished job that saw the
    # same documents is not started again
    if missing > 0 and path and (job is None or (not job.running() and job.covers != seen)):
        if meaning_setting(db) == "off":
            st.caption(
                f"{missing} of {status['documents']} documents are not indexed for meaning search "
                f"({until.rstrip('.')}); indexing by itself is off in Project → Settings."
            )
            return
        job = start_background_index(path, covers=seen)
    if job is None:
        return
    if job.error and not job.running():
        st.warning(f"Meaning index not brought up to date: {job.error}")
        return
    if job.running():
        _progress_fragment(job, missing, status["documents"], until)


@st.fragment(run_every=1.0)
def _progress_fragment(job, missing: int, documents: int, until: str) -> None:
    if not job.running():
        st.rerun()  # the whole page: its hits now cover the new passages
    done = f"{job.done:,} of {job.total:,}" if job.done else "loading the model"
    st.progress(
        job.fraction(),
        text=f"Indexing passages for meaning search: {done} "
        f"({missing} of {documents} documents still to index; {until.rstrip('.')})",
    )


def hit_label(hit) -> str:
    """Return the escaped language badge and how a hit was found, for the hit's header line."""
    lang = hit.language if isinstance(hit.language, str) else ""
    name = LANGUAGE_NAMES.get(lang, lang or "unknown language")
    how = getattr(hit, "matched", "keyword")
    return (
        f"<span title='{html.escape(name)}'>{html.escape(lang.upper() or '?')}</span>"
        f" · found by {html.escape(str(how))}"
    )


def similar_button(hit) -> None:
    """A button under a hit that opens the "More like this" panel for its passage."""
    more_like_button(
        "Similar",
        f"similar_{hit.segment_id}",
        "more_like",
        (hit.document_id, hit.char_start, hit.char_end, hit.title),
        help="Passages nearest in meaning",
    )


def more_like_button(
    label: str, button_key: str, key: str, passage: tuple, code: int | None = None, **kw
) -> None:
    """A button that opens the panel ``key`` on ``passage`` (document id, start, end, title)
    and, with ``code``, leaves out the passages already coded with it."""
    if st.button(label, key=button_key, **kw):
        document_id, start, end, title = passage
        st.session_state[key] = {
            "document_id": int(document_id),
            "start": int(start),
            "end": int(end),
            "title": str(title),
            "code": None if code is None else int(code),
        }
        st.rerun()  # the panel may be drawn above the button


def more_like_panel(
    db,
    key: str = MORE_LIKE.name,
    code: int | None = None,
    code_name: str = "",
    on_code: Callable[[int, int, int], None] | None = None,
    offer_index: bool = False,
) -> None:
    """Show the passages nearest the one in ``st.session_state[key]`` (any language), if any.

    With ``code``, passages already coded with it are left out and each passage gets "Open" (puts
    the Code page's reader on it) and "Code with <code_name>", which calls ``on_code(document_id,
    start, end)``; ``offer_index`` offers to index the passages not indexed yet."""
    src = st.session_state.get(key)
    if not src:
        return
    with st.container(border=True, key=f"{key}_panel"):
        head = st.container(horizontal=True, vertical_alignment="center")  # wraps when narrow
        about = f" · not yet coded *{md_safe(code_name)}*" if code is not None else ""
        head.markdown(
            f"**More like this** — a passage of *{md_safe(src['title'])}*{about}", width="stretch"
        )
        if head.button("Close", key=f"{key}_close"):
            st.session_state.pop(key, None)
            st.rerun()
        if offer_index:
            index_progress(db, key=f"{key}_index", until=SIMILAR_UNTIL)
        try:
            near = more_like_this(
                db, src["document_id"], src["start"], src["end"], code=code, limit=10
            )
        except QdaError as exc:
            st.info(str(exc))
            return
        if near.empty:
            st.caption("No other indexed passage yet.")
        for hit in near.itertuples():
            box = st.container(key=f"{key}_hit_{hit.segment_id}")
            box.markdown(
                f"<div><b>{html.escape(str(hit.title))}</b> · {hit_label(hit)} · "
                f"cosine {hit.score:.2f}<br>{html.escape(' '.join(str(hit.snippet).split()))}"
                "</div>",
                # document text is escaped; only <b>, <span>, <br> are ours
                unsafe_allow_html=True,
            )
            if on_code is not None:
                with box:
                    _passage_buttons(hit, key, code_name, on_code)


def _passage_buttons(hit, key: str, code_name: str, on_code) -> None:
    """Draw "Open" and "Code with <code_name>" under a passage of the panel."""
    span = (int(hit.document_id), int(hit.char_start), int(hit.char_end))
    row = st.container(horizontal=True)  # side by side, wrapped when narrow
    if row.button("Open", key=f"{key}_open_{hit.segment_id}", help="Show it in the reader"):
        FOCUS.set(dict(zip(("document_id", "start", "end"), span)))
        st.rerun()
    if row.button(f"Code with {md_safe(code_name)}", key=f"{key}_code_{hit.segment_id}"):
        on_code(*span)
        st.rerun()
