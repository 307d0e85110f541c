"""Code page: read a document window, select text with the mouse, code it from the toolbar at the
selection, keys 1-9 or the panel beside the reader (which stays in view while the reader scrolls);
code names in the margin; list, edit and delete the codings in view."""

from __future__ import annotations

import uuid

import streamlit as st

from coding import (
    CodingScope,
    add_memo,
    code_paths,
    code_span,
    code_tree,
    codings_frame,
    delete_coding,
    ensure_code_path,
    free_quick_keys,
    has_members,
    memos_frame,
    pin_quick_key,
    quick_key_code,
    quick_keys,
    redo,
    set_quick_keys,
    undo,
    update_coding,
)
from corpus import get_pages, get_segments, get_text
from interviews import span_times, turns_frame
from projectfile import QdaError
from ui.common import allowed, current_coder, get_db, session_id
from ui.components.media_player import media_player, window_at_time
from ui.components.page_image import ocr_badges
from ui.components.span_reader import (
    highlight_intervals,
    reader_turns,
    selection_from_value,
    span_reader,
)
from ui.components.suggestions import suggestions_panel
from ui.components.windows import Window, document_windows, window_index
from ui.live import live_fragment, others_on, rerun_part
from ui.meaning import more_like_button, more_like_panel
from ui.state import (
    CODE_ARMED,
    CODE_DOC,
    CODE_FOCUS_APPLIED,
    CODE_LAST_ACTION,
    CODE_LAST_NONCE,
    CODE_MEDIA_FOLLOW,
    CODE_MORE_LIKE,
    CODE_NOTICE,
    CODE_PICK,
    CODE_READER,
    CODE_SELECTED_CODING,
    CODE_SELECTION,
    CODE_VIEW,
    CODE_VIEW_DOC,
    CODE_VIEW_WHY,
    CODE_WIN,
    CODE_WIN_DOC,
    CODE_WIN_PICK,
    EDIT_DOC_NEXT,
    FOCUS,
    READER_PER_WINDOW,
    READER_WHOLE,
    FlashKind,
    flash,
    show_flash,
)
from ui.widgets import (
    chip_html,
    code_chips,
    code_picker,
    coder_filter,
    document_picker,
    md_safe,
)
from workflows import team_sees_others

FLASH_PLACE = "code"  # the page's messages show under its title
MORE_LIKE = CODE_MORE_LIKE.name  # the coding whose nearest passages the panel lists
# the panel beside the reader stays in view while the page scrolls (its own scroll bar if long)
SIDE_CSS = """<style>
div[data-testid="stColumn"]:has(> div .st-key-code_side) {
  position: sticky; top: 3.75rem; align-self: flex-start;
  max-height: calc(100vh - 4.5rem); overflow-y: auto; overscroll-behavior: contain;
}
</style>"""

st.title("Code")
db = get_db()
coder, sess = current_coder(), session_id()
st.markdown(SIDE_CSS, unsafe_allow_html=True)


def _flash(kind: FlashKind, message: str, undo_offer: bool = False) -> None:
    """Show ``message`` after the rerun: at the top and as a notice at the bottom of the screen."""
    flash(kind, message, place=FLASH_PLACE)
    st.session_state[CODE_NOTICE.name] = {
        "id": uuid.uuid4().hex,
        "text": message,
        "kind": kind,
        "undo": undo_offer,
    }


def _apply(doc_id: int, start: int, end: int, code_ids: list[int]) -> None:
    """Code the span with each code; report the outcome on the next run."""
    conn = get_db()
    try:
        for cid in code_ids:
            code_span(conn, doc_id, start, end, int(cid), current_coder(), session=session_id())
        names = code_paths(conn)
        what = ", ".join(str(names.get(int(c), c)) for c in code_ids)
        _flash("success", f"Coded {end - start} characters with {what}.", undo_offer=True)
    except QdaError as exc:
        _flash("error", str(exc))


def _action(action: dict, doc_id: int) -> None:
    """Carry out an action of the reader (toolbar, quick key, margin label, notice)."""
    conn, me = get_db(), current_coder()
    kind = action.get("kind")
    try:
        if kind == "follow":  # the recording plays on past this window
            CODE_MEDIA_FOLLOW.set(float(action["t"]))
            return
        if kind == "undo":
            label = undo(conn, me, session=session_id())
            _flash(
                "success" if label else "error", f"Undid: {label}" if label else "Nothing to undo."
            )
            return
        if kind == "remove":
            delete_coding(conn, int(action["id"]), me, session=session_id())
            if CODE_SELECTED_CODING.get() == int(action["id"]):
                CODE_SELECTED_CODING.pop()
            _flash("success", "Coding removed.", undo_offer=True)
            return
        sel = selection_from_value(action.get("selection"), doc_id, get_text(conn, doc_id))
        if sel is None:
            _flash("error", "The selection is not in this document any more: select again.")
            return
        st.session_state[CODE_SELECTION.name] = {
            "document_id": sel.document_id,
            "start": sel.start,
            "end": sel.end,
        }
        if kind == "select":
            CODE_SELECTED_CODING.set(int(action["id"]))
        elif kind == "apply":
            _apply(sel.document_id, sel.start, sel.end, [int(action["code"])])
        elif kind == "key":
            k = int(action.get("key") or 0)
            cid = quick_key_code(conn, me, k)
            if cid is None:
                _flash("error", f"No code is pinned to key {k}: pin one under 'Quick keys'.")
            else:
                _apply(sel.document_id, sel.start, sel.end, [cid])
        elif kind == "create":
            cid = ensure_code_path(conn, str(action.get("name") or ""), coder=me)
            _apply(sel.document_id, sel.start, sel.end, [cid])
    except (QdaError, KeyError, TypeError, ValueError) as exc:
        _flash("error", str(exc) if isinstance(exc, QdaError) else "That action was not valid.")


def _on_reader_change() -> None:
    """Callback: carry out a reader action, or store a new mouse selection (and, when codes are
    armed, apply them at once)."""
    state = st.session_state.get(CODE_READER) or {}
    get = state.get if hasattr(state, "get") else (lambda _k: None)
    doc_id = st.session_state.get(CODE_DOC)
    if doc_id is None:
        return
    action = get("action")
    if isinstance(action, dict) and action.get("nonce"):
        if action["nonce"] != CODE_LAST_ACTION.get():
            CODE_LAST_ACTION.set(action["nonce"])
            _action(action, int(doc_id))
            return
    value = get("selection")
    if value is None:
        return
    try:
        text_now = get_text(get_db(), int(doc_id))
    except QdaError as exc:  # e.g. the document was deleted in another session meanwhile
        _flash("error", str(exc))
        return
    sel = selection_from_value(value, int(doc_id), text_now)
    if sel is None or sel.nonce and sel.nonce == CODE_LAST_NONCE.get():
        return
    CODE_LAST_NONCE.set(sel.nonce)
    st.session_state[CODE_SELECTION.name] = {
        "document_id": sel.document_id,
        "start": sel.start,
        "end": sel.end,
    }
    CODE_SELECTED_CODING.pop()
    if st.session_state.get(CODE_ARMED) and st.session_state.get(CODE_PICK):
        _apply(sel.document_id, sel.start, sel.end, list(st.session_state[CODE_PICK]))


focus = FOCUS.get() if isinstance(FOCUS.get(), dict) else None
focus_key = f"{focus['document_id']}:{focus['start']}:{focus['end']}" if focus else ""
new_focus = bool(focus) and CODE_FOCUS_APPLIED.get() != focus_key

doc_id = document_picker(db, key=CODE_DOC, default=int(focus["document_id"]) if new_focus else None)
if doc_id is None:
    st.info("No documents yet: add some on the Corpus or Interviews page.")
    st.stop()
here = others_on(doc_id)  # other members on this document now (ui.presence)
with st.container(key="code_presence"):  # always there, so the reader below is not remounted
    if here:
        st.caption(
            "Also on this document: " + ", ".join(md_safe(p.member) for p in here),
            help="Their new codings appear here by themselves within a few seconds.",
        )
if allowed("documents") and st.button(
    "Correct this text", icon=":material/edit_note:", key="code_edit_text"
):
    EDIT_DOC_NEXT.set(doc_id)  # the Edit & merge page opens on this document
    st.switch_page("ui/pages/edit.py")
suggestions_panel(db, coder, sess)  # suggested passages: accept/reject (nlp.suggest)


@live_fragment("code_reader")
def _reader_part(doc_id: int) -> None:
    """The reader and the panel beside it: a fragment that reruns alone on its own actions (a
    quick key, a selection, a button in the panel) and on live changes to codings, codes and
    memos (ui.live), so neither costs a run of the whole page."""
    db, coder, sess = get_db(), current_coder(), session_id()
    # a viewer reads: no toolbar, no coding buttons (the write guard refuses anyway)
    may_code = allowed("code")
    focus = FOCUS.get() if isinstance(FOCUS.get(), dict) else None
    focus_key = f"{focus['document_id']}:{focus['start']}:{focus['end']}" if focus else ""
    new_focus = bool(focus) and CODE_FOCUS_APPLIED.get() != focus_key
    text = get_text(db, doc_id)
    if not text.strip():
        st.info("This document has no text to code (for a scanned PDF, run OCR and add it again).")
        st.stop()
    pages = get_pages(db, doc_id)
    windows = document_windows(
        len(text),
        pages,
        get_segments(db, doc_id)[["kind", "char_start"]],
        per_window=int(READER_PER_WINDOW.get(30)),
        text=text,
    )
    if (
        st.query_params.get("view") == "whole" or READER_WHOLE.get()
    ):  # no paging (setting or ?view=whole)
        windows = [Window(0, len(text), "Whole document")]
    if CODE_WIN_DOC.get() != doc_id:
        CODE_WIN_DOC.set(doc_id)
        CODE_WIN.set(0)
    if new_focus and int(focus["document_id"]) == doc_id:
        CODE_WIN.set(window_index(windows, int(focus["start"])))
        CODE_FOCUS_APPLIED.set(focus_key)
        st.session_state[CODE_VIEW] = "all coders"  # the passage may be someone else's coding
        CODE_VIEW_DOC.set(doc_id)
    if CODE_VIEW_DOC.get() != doc_id:  # a document opened: whose codings to show
        CODE_VIEW_DOC.set(doc_id)
        if has_members(db):  # a team: the others' codings appear as they come, unless blind
            blind = not team_sees_others(db, doc_id)
            st.session_state[CODE_VIEW] = "me" if blind else "all coders"
            CODE_VIEW_WHY.pop()
        elif (
            not (in_doc := codings_frame(db, documents=[doc_id])).empty
            and not (in_doc["coder"] == coder).any()
        ):
            st.session_state[CODE_VIEW] = "all coders"  # mine would show nothing
            CODE_VIEW_WHY.set(doc_id)
        else:
            CODE_VIEW_WHY.pop()
    CODE_WIN.set(min(int(CODE_WIN.get(0)), len(windows) - 1))
    doc_turns = turns_frame(db, [doc_id]).to_dict("records")
    follow_t = CODE_MEDIA_FOLLOW.pop()
    if follow_t is not None:  # the recording played past the window: show the part it plays
        found = window_at_time(doc_turns, windows, follow_t)
        if found is not None:
            CODE_WIN.set(found)

    codes = code_tree(db)  # id, path, colour (the Code page needs no counts)
    pins = quick_keys(db, coder)  # quick keys 1..9, pinned by this coder

    show_flash(FLASH_PLACE)  # in a container always present: the reader below keeps its place
    left, right = st.columns([7, 3], gap="medium")
    side = right.container(key="code_side")
    with side:
        view_coders = coder_filter(db, coder, key=CODE_VIEW)
        if CODE_VIEW_WHY.get() == doc_id and view_coders is None:
            st.caption(f"Showing all coders: {coder} has no codings in this document yet.")
    all_codings = (
        codings_frame(db, documents=[doc_id], coders=view_coders) if view_coders != [] else None
    )
    if all_codings is not None:
        all_codings = all_codings[all_codings["scope"] == CodingScope.SPAN]

    with left:
        if len(windows) > 1:
            nav = st.columns([1, 3, 1])
            if nav[0].button(
                "◀", help="Previous part", disabled=CODE_WIN.get() == 0, key="code_prev"
            ):
                CODE_WIN.set(CODE_WIN.get() - 1)
            if nav[2].button(
                "▶",
                help="Next part",
                disabled=CODE_WIN.get() >= len(windows) - 1,
                key="code_next",
            ):
                CODE_WIN.set(CODE_WIN.get() + 1)
            st.session_state[CODE_WIN_PICK] = CODE_WIN.get()
            nav[1].selectbox(
                "Part",
                range(len(windows)),
                format_func=lambda i: windows[i].label,
                key=CODE_WIN_PICK,
                label_visibility="collapsed",
                on_change=lambda: CODE_WIN.set(st.session_state[CODE_WIN_PICK]),
            )
        win = windows[CODE_WIN.get()]
        recording = media_player(db, doc_id)  # above the reader, in a container of its own
        in_window = (
            None
            if all_codings is None
            else all_codings[
                (all_codings["char_end"] > win.start) & (all_codings["char_start"] < win.end)
            ]
        )
        if recording is not None and in_window is not None and not in_window.empty:
            times = span_times(db, in_window)
            in_window = in_window.assign(t_from=times["t_from"], t_to=times["t_to"])
        rows = [] if in_window is None else in_window.to_dict("records")
        fspan = (
            (int(focus["start"]), int(focus["end"]))
            if focus and int(focus["document_id"]) == doc_id
            else None
        )
        if fspan and not (win.start <= fspan[0] < max(win.end, win.start + 1)):
            fspan = None  # the passage is in another part of the document
        marked = fspan if fspan and fspan[1] > fspan[0] else None  # a document alone: no span
        intervals = highlight_intervals(rows, win.start, win.end)
        with st.container(key="code_ocr"):  # always there, so the reader below is not remounted
            ocr_badges(pages, win.start, win.end, image="the page image (Corpus page)")
        st.caption(
            f"{win.label} · characters {win.start:,}–{win.end:,} of {len(text):,} · "
            "select text with the mouse, then pick a code at the selection or press 1-9"
        )
        span_reader(
            doc_id,
            win.start,
            text[win.start : win.end],
            intervals,
            focus_key=focus_key,
            key=CODE_READER,
            on_change=_on_reader_change,
            codings=rows,
            codes=codes[["id", "path", "color"]].to_dict("records") if may_code else None,
            quick=pins.to_dict("records") if may_code else [],
            selected_coding=CODE_SELECTED_CODING.get(),
            scroll_to=fspan[0] if fspan else None,
            highlight=marked,
            select_highlight=bool(marked),
            notice=CODE_NOTICE.pop(),
            turns=reader_turns(doc_turns, win.start, win.end) if recording is not None else None,
            turns_after=any(int(t["char_start"]) >= win.end for t in doc_turns),
        )

    with side:
        sel = CODE_SELECTION.get()
        if sel and sel.get("document_id") == doc_id:
            st.markdown(f"**Selection** · characters {sel['start']:,}–{sel['end']:,}")
            st.text(text[sel["start"] : sel["end"]][:400])
        else:
            sel = None
            st.caption("No selection: drag over the text on the left.")
        picked_id = CODE_SELECTED_CODING.get()
        picked_row = next((r for r in rows if int(r["coding_id"]) == picked_id), None)
        if picked_row is not None:
            st.markdown(
                "Selected coding: "
                + chip_html(
                    f"{picked_row['code_path']} · {picked_row['coder']}", picked_row["color"]
                ),
                unsafe_allow_html=True,
            )
            if may_code and st.button("Remove this coding", key="code_remove_selected"):
                _action({"kind": "remove", "id": picked_id}, doc_id)
                rerun_part()
        picked = code_picker(codes, key=CODE_PICK, label="Codes to apply")
        b1, b2 = st.columns(2)
        if b1.button(
            "Apply to selection",
            type="primary",
            disabled=not (sel and picked and may_code),
            key="code_apply",
        ):
            _apply(doc_id, sel["start"], sel["end"], picked)
            rerun_part()
        b2.toggle(
            "Auto-apply",
            key=CODE_ARMED,
            help="Code every new selection with the picked codes at once.",
            disabled=not may_code,
        )
        free = free_quick_keys(db, coder)
        with st.form("code_new", clear_on_submit=True, border=False):
            n1, n2 = st.columns([3, 1])
            new_name = n1.text_input("New code (path 'Parent > Child')", key="code_new_name")
            new_key = n2.selectbox(
                "Quick key",
                [None, *free],
                index=1 if free else 0,
                format_func=lambda k: "none" if k is None else str(k),
                key="code_new_key",
                help="A free key 1-9 for the new code (pinned for you; it never moves by itself).",
            )
            if st.form_submit_button(
                "Create" + (" and apply" if sel else ""), disabled=not allowed("propose_code")
            ):
                try:
                    cid = ensure_code_path(db, new_name, coder=coder)
                    if new_key is not None and quick_key_code(db, coder, int(new_key)) is None:
                        pin_quick_key(db, coder, int(new_key), cid)
                    if sel:
                        _apply(doc_id, sel["start"], sel["end"], [cid])
                    else:
                        _flash("success", "Code created.")
                except QdaError as exc:
                    _flash("error", str(exc))
                rerun_part()
        if not pins.empty:
            st.caption("Quick keys (select text, then press the number):")
            code_chips(pins, prefixes=[str(int(k)) for k in pins["key"]])
        with st.expander("Quick keys 1-9" + ("" if not pins.empty else ": none pinned yet")):
            st.caption(
                "Pin codes to keys; they stay where you put them. Stored in the project for you."
            )
            paths_by_id = {int(r.id): r.path for r in codes.itertuples()}
            current = {int(r.key): int(r.id) for r in pins.itertuples()}
            with st.form("code_pins", border=False):
                chosen = {}
                for k in range(1, 10):
                    options = [None, *paths_by_id]
                    now = current.get(k)
                    chosen[k] = st.selectbox(
                        f"Key {k}",
                        options,
                        index=options.index(now) if now in paths_by_id else 0,
                        format_func=lambda i: "—" if i is None else paths_by_id[i],
                        key=f"code_pin_{k}_{sorted(current.items())}",
                    )
                if st.form_submit_button("Save quick keys", disabled=not allowed("keys")):
                    try:
                        set_quick_keys(db, coder, chosen)
                        _flash("success", "Quick keys saved.")
                    except QdaError as exc:
                        _flash("error", str(exc))
                    rerun_part()
        u1, u2 = st.columns(2)
        if may_code and u1.button("↶ Undo", key="code_undo"):
            label = undo(db, coder, session=sess)
            _flash(
                "success" if label else "error", f"Undid: {label}" if label else "Nothing to undo."
            )
            rerun_part()
        if may_code and u2.button("↷ Redo", key="code_redo"):
            label = redo(db, coder, session=sess)
            _flash(
                "success" if label else "error", f"Redid: {label}" if label else "Nothing to redo."
            )
            rerun_part()

        with st.expander("Memos on this document"):
            for m in memos_frame(db, target="document", target_id=doc_id).itertuples():
                st.caption(f"{m.created_at[:16]}")
                st.text(f"{m.author}: {m.text}")
            with st.form("code_doc_memo", clear_on_submit=True, border=False):
                memo_text = st.text_area("New memo", key="code_doc_memo_text")
                if (
                    st.form_submit_button("Add memo", disabled=not allowed("memo"))
                    and memo_text.strip()
                ):
                    try:
                        add_memo(db, memo_text, coder, target="document", target_id=doc_id)
                        _flash("success", "Memo added.")
                    except QdaError as exc:
                        _flash("error", str(exc))
                    rerun_part()

        paths = {int(r.id): r.path for r in codes.itertuples()}
        like = st.session_state.get(MORE_LIKE) or {}
        more_like_panel(
            db,
            key=MORE_LIKE,
            code=like.get("code"),
            code_name=paths.get(like.get("code"), ""),
            on_code=lambda d, a, b: _apply(d, a, b, [like["code"]]),
            offer_index=True,
        )
        st.subheader(f"Codings in view ({len(rows)})")
        for r in rows[:60]:
            cid = int(r["coding_id"])
            with st.container(border=True, key=f"code_card_{cid}"):
                st.markdown(
                    chip_html(f"{r['code_path']} · {r['coder']}", r["color"]),
                    unsafe_allow_html=True,
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
                    if (
                        sel
                        and may_code
                        and st.button("Move to the current selection", key=f"code_span_{cid}")
                    ):
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
                        rerun_part()
                    more_like_button(
                        "More like this",
                        f"code_more_{cid}",
                        MORE_LIKE,
                        (doc_id, r["char_start"], r["char_end"], r["document_title"]),
                        code=int(r["code_id"]),
                        icon=":material/travel_explore:",
                        help=(
                            "Passages nearest in meaning (any language) not yet coded with this"
                            " code"
                        ),
                    )
                    c1, c2, c3 = st.columns(3)
                    if c1.button("Save", key=f"code_save_{cid}", disabled=not may_code):
                        try:
                            update_coding(
                                db, cid, coder, session=sess, code=int(new_code), memo=memo or None
                            )
                            _flash("success", "Coding saved.")
                        except QdaError as exc:
                            _flash("error", str(exc))
                        rerun_part()
                    if c2.button("Show", key=f"code_show_{cid}"):
                        st.session_state[FOCUS.name] = {
                            "document_id": doc_id,
                            "start": int(r["char_start"]),
                            "end": int(r["char_end"]),
                        }
                        st.rerun()  # the page: the document picker follows the passage
                    if c3.button("Delete", key=f"code_del_{cid}", disabled=not may_code):
                        try:
                            delete_coding(db, cid, coder, session=sess)
                            _flash("success", "Coding deleted (undo restores it).")
                        except QdaError as exc:
                            _flash("error", str(exc))
                        rerun_part()
        if len(rows) > 60:
            st.caption(f"… and {len(rows) - 60} more in this part.")


_reader_part(doc_id)
