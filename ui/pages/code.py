"""Code page: read a document window, select text with the mouse, apply codes; list, edit and
delete the codings in view."""

from __future__ import annotations

import streamlit as st

from coding import (
    add_memo,
    code_span,
    codes_frame,
    codings_frame,
    delete_coding,
    ensure_code_path,
    memos_frame,
    most_used_codes,
    redo,
    undo,
    update_coding,
)
from corpus import get_pages, get_segments, get_text
from projectfile import QdaError
from ui.common import current_coder, get_db, session_id
from ui.components.span_reader import highlight_intervals, selection_from_value, span_reader
from ui.components.windows import Window, document_windows, window_index
from ui.widgets import chip_html, code_chips, code_picker, coder_filter, document_picker

READER_KEY = "code_reader"

st.title("Code")
db = get_db()
coder, sess = current_coder(), session_id()


def _flash(kind: str, message: str) -> None:
    st.session_state["code_flash"] = (kind, message)


def _apply(doc_id: int, start: int, end: int, code_ids: list[int]) -> None:
    """Code the span with each code; report the outcome on the next run."""
    conn = get_db()
    try:
        for cid in code_ids:
            code_span(conn, doc_id, start, end, int(cid), current_coder(), session=session_id())
        _flash("success", f"Coded {end - start} characters with {len(code_ids)} code(s).")
    except QdaError as exc:
        _flash("error", str(exc))


def _on_reader_change() -> None:
    """Callback: store a new mouse selection and, when codes are armed, apply them at once."""
    state = st.session_state.get(READER_KEY) or {}
    doc_id = st.session_state.get("code_doc")
    quick = state.get("quickkey") if hasattr(state, "get") else None
    value = (
        quick.get("selection")
        if isinstance(quick, dict)
        else (state.get("selection") if hasattr(state, "get") else None)
    )
    if doc_id is None or value is None:
        return
    try:
        text_now = get_text(get_db(), int(doc_id))
    except QdaError as exc:  # e.g. the document was deleted in another session meanwhile
        _flash("error", str(exc))
        return
    sel = selection_from_value(value, int(doc_id), text_now)
    if sel is None or sel.nonce and sel.nonce == st.session_state.get("code_last_nonce"):
        return
    st.session_state["code_last_nonce"] = sel.nonce
    st.session_state["code_selection"] = {
        "document_id": sel.document_id,
        "start": sel.start,
        "end": sel.end,
    }
    if isinstance(quick, dict):
        keys = st.session_state.get("code_quick_ids") or []
        k = int(quick.get("key") or 0)
        if 1 <= k <= len(keys):
            _apply(sel.document_id, sel.start, sel.end, [keys[k - 1]])
    elif st.session_state.get("code_armed") and st.session_state.get("code_pick"):
        _apply(sel.document_id, sel.start, sel.end, list(st.session_state["code_pick"]))


focus = st.session_state.get("focus") if isinstance(st.session_state.get("focus"), dict) else None
focus_key = f"{focus['document_id']}:{focus['start']}:{focus['end']}" if focus else ""
new_focus = bool(focus) and st.session_state.get("code_focus_applied") != focus_key

doc_id = document_picker(
    db, key="code_doc", default=int(focus["document_id"]) if new_focus else None
)
if doc_id is None:
    st.info("No documents yet: add some on the Corpus or Interviews page.")
    st.stop()

text = get_text(db, doc_id)
if not text.strip():
    st.info("This document has no text to code (for a scanned PDF, run OCR and add it again).")
    st.stop()
windows = document_windows(
    len(text),
    get_pages(db, doc_id),
    get_segments(db, doc_id)[["kind", "char_start"]],
    per_window=int(st.session_state.get("reader_per_window", 30)),
    text=text,
)
if st.query_params.get("view") == "whole" or st.session_state.get(
    "reader_whole"
):  # no paging (setting or ?view=whole)
    windows = [Window(0, len(text), "Whole document")]
if st.session_state.get("code_win_doc") != doc_id:
    st.session_state["code_win_doc"] = doc_id
    st.session_state["code_win"] = 0
if new_focus and int(focus["document_id"]) == doc_id:
    st.session_state["code_win"] = window_index(windows, int(focus["start"]))
    st.session_state["code_focus_applied"] = focus_key
    st.session_state["code_view"] = "all coders"  # the passage may be someone else's coding
st.session_state["code_win"] = min(int(st.session_state.get("code_win", 0)), len(windows) - 1)

codes = codes_frame(db)
quick_codes = most_used_codes(db, codes=codes)  # quick keys 1..9
st.session_state["code_quick_ids"] = [int(i) for i in quick_codes["id"]]

flash = st.session_state.pop("code_flash", None)
with st.container():  # always present, so the reader below keeps its place and is not remounted
    if flash:
        (st.success if flash[0] == "success" else st.error)(flash[1])

left, right = st.columns([3, 2], gap="large")
with right:
    view_coders = coder_filter(db, coder, key="code_view")
all_codings = (
    codings_frame(db, documents=[doc_id], coders=view_coders) if view_coders != [] else None
)
if all_codings is not None:
    all_codings = all_codings[all_codings["scope"] == "span"]

with left:
    if len(windows) > 1:
        nav = st.columns([1, 3, 1])
        if nav[0].button(
            "◀", help="Previous part", disabled=st.session_state["code_win"] == 0, key="code_prev"
        ):
            st.session_state["code_win"] -= 1
        if nav[2].button(
            "▶",
            help="Next part",
            disabled=st.session_state["code_win"] >= len(windows) - 1,
            key="code_next",
        ):
            st.session_state["code_win"] += 1
        st.session_state["code_win_pick"] = st.session_state["code_win"]
        nav[1].selectbox(
            "Part",
            range(len(windows)),
            format_func=lambda i: windows[i].label,
            key="code_win_pick",
            label_visibility="collapsed",
            on_change=lambda: st.session_state.update(code_win=st.session_state["code_win_pick"]),
        )
    win = windows[st.session_state["code_win"]]
    rows = (
        []
        if all_codings is None
        else all_codings[
            (all_codings["char_end"] > win.start) & (all_codings["char_start"] < win.end)
        ].to_dict("records")
    )
    fspan = (
        (int(focus["start"]), int(focus["end"]))
        if focus and int(focus["document_id"]) == doc_id
        else None
    )
    intervals = highlight_intervals(rows, win.start, win.end, focus=fspan)
    st.caption(
        f"{win.label} · characters {win.start:,}–{win.end:,} of {len(text):,} · "
        "select text with the mouse"
    )
    span_reader(
        doc_id,
        win.start,
        text[win.start : win.end],
        intervals,
        focus_key=focus_key,
        key=READER_KEY,
        on_change=_on_reader_change,
    )

with right:
    sel = st.session_state.get("code_selection")
    if sel and sel.get("document_id") == doc_id:
        st.markdown(f"**Selection** · characters {sel['start']:,}–{sel['end']:,}")
        st.text(text[sel["start"] : sel["end"]][:400])
    else:
        sel = None
        st.caption("No selection: drag over the text on the left.")
    picked = code_picker(codes, key="code_pick", label="Codes to apply")
    b1, b2 = st.columns(2)
    if b1.button(
        "Apply to selection", type="primary", disabled=not (sel and picked), key="code_apply"
    ):
        _apply(doc_id, sel["start"], sel["end"], picked)
        st.rerun()
    b2.toggle(
        "Auto-apply",
        key="code_armed",
        help="Code every new selection with the picked codes at once.",
    )
    with st.form("code_new", clear_on_submit=True, border=False):
        new_name = st.text_input("New code (path 'Parent > Child')", key="code_new_name")
        if st.form_submit_button("Create" + (" and apply" if sel else "")) and new_name.strip():
            try:
                cid = ensure_code_path(db, new_name.strip(), coder=coder)
                if sel:
                    _apply(doc_id, sel["start"], sel["end"], [cid])
                else:
                    _flash("success", "Code created.")
            except QdaError as exc:
                _flash("error", str(exc))
            st.rerun()
    if not quick_codes.empty:
        st.caption("Quick keys (select text, then press the number):")
        code_chips(quick_codes, prefixes=[str(n + 1) for n in range(len(quick_codes))])
    u1, u2 = st.columns(2)
    if u1.button("↶ Undo", key="code_undo"):
        label = undo(db, coder, session=sess)
        _flash("success" if label else "error", f"Undid: {label}" if label else "Nothing to undo.")
        st.rerun()
    if u2.button("↷ Redo", key="code_redo"):
        label = redo(db, coder, session=sess)
        _flash("success" if label else "error", f"Redid: {label}" if label else "Nothing to redo.")
        st.rerun()

    with st.expander("Memos on this document"):
        for m in memos_frame(db, target="document", target_id=doc_id).itertuples():
            st.caption(f"{m.created_at[:16]}")
            st.text(f"{m.author}: {m.text}")
        with st.form("code_doc_memo", clear_on_submit=True, border=False):
            memo_text = st.text_area("New memo", key="code_doc_memo_text")
            if st.form_submit_button("Add memo") and memo_text.strip():
                try:
                    add_memo(db, memo_text, coder, target="document", target_id=doc_id)
                    _flash("success", "Memo added.")
                except QdaError as exc:
                    _flash("error", str(exc))
                st.rerun()

    st.subheader(f"Codings in view ({len(rows)})")
    paths = {int(r.id): r.path for r in codes.itertuples()}
    for r in rows[:60]:
        cid = int(r["coding_id"])
        with st.container(border=True):
            st.markdown(
                chip_html(f"{r['code_path']} · {r['coder']}", r["color"]), unsafe_allow_html=True
            )
            st.text(r["text"][:300] + ("…" if len(r["text"]) > 300 else ""))
            with st.expander("Edit, recode, memo, delete"):
                ids = list(paths)
                new_code = st.selectbox(
                    "Code",
                    ids,
                    index=ids.index(int(r["code_id"])) if int(r["code_id"]) in ids else 0,
                    format_func=lambda i: paths[i],
                    key=f"code_re_{cid}",
                )
                memo = st.text_area("Memo", value=r["memo"] or "", key=f"code_memo_{cid}")
                if sel and st.button("Move to the current selection", key=f"code_span_{cid}"):
                    try:
                        update_coding(
                            db,
                            cid,
                            coder,
                            session=sess,
                            char_start=sel["start"],
                            char_end=sel["end"],
                        )
                        _flash("success", "Coding moved to the selection.")
                    except QdaError as exc:
                        _flash("error", str(exc))
                    st.rerun()
                c1, c2, c3 = st.columns(3)
                if c1.button("Save", key=f"code_save_{cid}"):
                    try:
                        update_coding(
                            db, cid, coder, session=sess, code=int(new_code), memo=memo or None
                        )
                        _flash("success", "Coding saved.")
                    except QdaError as exc:
                        _flash("error", str(exc))
                    st.rerun()
                if c2.button("Show", key=f"code_show_{cid}"):
                    st.session_state["focus"] = {
                        "document_id": doc_id,
                        "start": int(r["char_start"]),
                        "end": int(r["char_end"]),
                    }
                    st.rerun()
                if c3.button("Delete", key=f"code_del_{cid}"):
                    try:
                        delete_coding(db, cid, coder, session=sess)
                        _flash("success", "Coding deleted (undo restores it).")
                    except QdaError as exc:
                        _flash("error", str(exc))
                    st.rerun()
    if len(rows) > 60:
        st.caption(f"… and {len(rows) - 60} more in this part.")
