"""The Interviews page's recording parts: listen to a transcript (the player above a read-only
reader whose turns play from their time and follow the recording) and the "Recording" section
(attach, its status, detach, "this turn starts here"), all through ``workflows``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from corpus import get_pages, get_segments, get_text
from interviews import AUDIO_SUFFIXES, format_time, media_for, media_status, parse_time, turns_frame
from projectfile import QdaError, private_tempdir
from ui.components.media_player import media_player, window_at_time
from ui.components.span_reader import reader_turns, span_reader
from ui.components.windows import document_windows
from ui.state import IV_MEDIA_FOLLOW, IV_MEDIA_WIN, flash, show_flash
from workflows import align_turn, attach_media, detach_recording, media_capabilities

PLACE = "recording"  # where this section's messages show


def _on_reader() -> None:
    """The reader asks to move on (the recording plays past the part shown)."""
    action = (st.session_state.get("iv_reader") or {}).get("action")
    if isinstance(action, dict) and action.get("kind") == "follow":
        IV_MEDIA_FOLLOW.set(float(action.get("t") or 0))


def listen(db, doc_id: int, per_window: int) -> bool:
    """Draw the recording of transcript ``doc_id`` above a reader of its text; return False when
    it has none that plays (the caller shows the text its own way)."""
    rec = media_player(db, doc_id)
    if rec is None:
        return False
    text = get_text(db, doc_id)
    windows = document_windows(
        len(text), get_pages(db, doc_id), get_segments(db, doc_id)[["kind", "char_start"]],
        per_window=per_window, text=text,
    )  # fmt: skip
    turns = turns_frame(db, [doc_id]).to_dict("records")
    if IV_MEDIA_WIN.get((None, 0))[0] != doc_id:
        IV_MEDIA_WIN.set((doc_id, 0))
    follow_t = IV_MEDIA_FOLLOW.pop()
    if follow_t is not None:
        found = window_at_time(turns, windows, follow_t)
        if found is not None:
            IV_MEDIA_WIN.set((doc_id, found))
    index = min(IV_MEDIA_WIN.get()[1], len(windows) - 1)
    if len(windows) > 1:
        index = st.selectbox(
            "Part", range(len(windows)), index=index, format_func=lambda i: windows[i].label,
            key=f"iv_media_part_{doc_id}_{index}",
        )  # fmt: skip
        IV_MEDIA_WIN.set((doc_id, index))
    win = windows[index]
    span_reader(
        doc_id, win.start, text[win.start : win.end], [], key="iv_reader", on_change=_on_reader,
        turns=reader_turns(turns, win.start, win.end),
        turns_after=any(int(t["char_start"]) >= win.end for t in turns),
    )  # fmt: skip
    return True


def recording_section(db, doc_id: int, coder: str) -> None:
    """Attach a recording to transcript ``doc_id``, see whether it is here, detach it, and set
    where a turn starts while listening."""
    show_flash(PLACE)
    for problem in media_capabilities():
        st.info(problem, icon=":material/info:")
    rec = media_for(db, doc_id)
    if rec is None:
        st.caption("No recording attached. It is copied beside the project, never into it.")
    else:
        row = media_status(db).set_index("media_id").loc[rec.media_id]
        length = f", {format_time(rec.duration_s)}" if rec.duration_s else ""
        st.markdown(f"**{rec.original_name}** ({rec.kind}{length}) · status: **{row['status']}**")
        if row["status"] != "ok":
            st.warning(str(row["reason"]))
    upload = st.file_uploader(
        "Attach a recording" if rec is None else "Attach another recording instead",
        type=[s.lstrip(".") for s in AUDIO_SUFFIXES],
        key=f"iv_media_upload_{doc_id}",
    )
    if upload is not None and st.button("Attach", key="iv_media_attach"):
        with st.status(f"Attaching {upload.name}…") as status, private_tempdir("upload") as tmp:
            path = Path(tmp) / f"upload{Path(upload.name).suffix.lower()}"
            path.write_bytes(upload.getvalue())
            try:
                if rec is not None:
                    detach_recording(db, doc_id, by=coder)
                done = attach_media(
                    db, doc_id, path, by=coder, original_name=upload.name,
                    progress=lambda i, n, msg: status.update(label=f"{msg} ({i}/{n})"),
                )  # fmt: skip
            except QdaError as exc:
                flash("error", str(exc), place=PLACE)
            else:
                flash("success", done.summary(), place=PLACE)
        st.rerun()
    if rec is None:
        return
    cols = st.columns([2, 2, 1])
    turn_nos = turns_frame(db, [doc_id])["turn_no"].astype(int).tolist()
    turn = cols[0].selectbox("Turn", turn_nos, key="iv_align_turn")
    at = cols[1].text_input(
        "starts at (the player's time, hh:mm:ss.mmm)", key="iv_align_time", placeholder="00:01:02"
    )
    if cols[2].button("This turn starts here", key="iv_align"):
        seconds = parse_time(at or "")
        if seconds is None:
            flash("error", f"'{at}' is not a time such as 00:01:02.5", place=PLACE)
        else:
            try:
                align_turn(db, doc_id, int(turn), seconds, by=coder)
                flash("success", f"Turn {turn} starts at {at}.", place=PLACE)
            except QdaError as exc:
                flash("error", str(exc), place=PLACE)
        st.rerun()
    if st.button("Detach the recording", key="iv_media_detach"):
        try:
            detach_recording(db, doc_id, by=coder)
            flash("success", f"Detached {rec.original_name}.", place=PLACE)
        except QdaError as exc:
            flash("error", str(exc), place=PLACE)
        st.rerun()
