"""Search by meaning on the Search page: the mode selector, the passage index prompt, hit labels
and the "More like this" panel. The page calls these; the work is nlp's."""

from __future__ import annotations

import html

import streamlit as st

from nlp import SEARCH_MODES, index_passages, index_status, more_like_this

MODE_LABELS = {
    "hybrid": "Hybrid (words + meaning)",
    "meaning": "Meaning (any language)",
    "keyword": "Exact words",
}
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def search_mode(db) -> str:
    """Show the mode selector (hybrid by default) and, when needed, offer to index passages."""
    mode = st.radio(
        "Search by",
        SEARCH_MODES,
        horizontal=True,
        key="search_mode",
        format_func=MODE_LABELS.get,
        help="Hybrid fuses the exact-word ranking with the meaning ranking: an English query "
        "also finds Spanish passages and the reverse. Exact words is the full-text search.",
    )
    if mode != "keyword":
        _offer_index(db)
    return mode


def _offer_index(db) -> None:
    status = index_status(db)
    missing = status["documents"] - status["indexed_documents"]
    if missing <= 0:
        return
    c1, c2 = st.columns([4, 1])
    c1.info(
        f"{missing} of {status['documents']} documents are not indexed for meaning search yet; "
        "until then they are found by their exact words only."
    )
    if c2.button("Index now", key="meaning_index"):
        bar = st.progress(0.0, text="indexing passages")
        res = index_passages(
            db, progress=lambda d, t, m: bar.progress(d / t if t else 1.0, text=f"{m} {d}/{t}")
        )
        st.session_state["meaning_indexed"] = (
            f"Indexed {res.passages} passages ({res.embedded} newly embedded)."
        )
        st.rerun()
    if "meaning_indexed" in st.session_state:
        st.success(st.session_state.pop("meaning_indexed"))


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
    if st.button("Similar", key=f"similar_{hit.segment_id}", help="Passages nearest in meaning"):
        st.session_state["more_like"] = {
            "document_id": int(hit.document_id),
            "start": int(hit.char_start),
            "end": int(hit.char_end),
            "title": str(hit.title),
        }
        st.rerun()  # the panel is drawn above the hits


def more_like_panel(db) -> None:
    """Show the passages nearest the chosen one (any language), if one was chosen."""
    src = st.session_state.get("more_like")
    if not src:
        return
    with st.container(border=True, key="more_like_panel"):
        c1, c2 = st.columns([6, 1])
        c1.markdown(f"**More like this** — a passage of *{html.escape(src['title'])}*")
        if c2.button("Close", key="more_like_close"):
            st.session_state.pop("more_like", None)
            st.rerun()
        near = more_like_this(db, src["document_id"], src["start"], src["end"], limit=10)
        if near.empty:
            st.caption("No other indexed passage yet.")
        for hit in near.itertuples():
            st.markdown(
                f"<div><b>{html.escape(str(hit.title))}</b> · {hit_label(hit)} · "
                f"cosine {hit.score:.2f}<br>{html.escape(' '.join(str(hit.snippet).split()))}"
                "</div>",
                # document text is escaped; only <b>, <span>, <br> are ours
                unsafe_allow_html=True,
            )
