"""The Interviews page's recording parts: listen to a transcript (the player above a read-only
reader whose turns play from their time and follow the recording, and, while aligning, a "this
turn starts here" button beside each turn that takes the player's current time), the "Recording"
section (attach with progress, its status, detach, speech to text) and the recording that can
come with a transcript at import, all through ``workflows``."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import streamlit as st

from corpus import get_pages, get_segments, get_text
from interviews import (
    AUDIO_SUFFIXES,
    format_time,
    media_for,
    media_status,
    parse_time,
    remove_unused_media,
    stt_unavailable_reason,
    tools,
    turns_frame,
)
from projectfile import QdaError, private_tempdir
from ui.common import current_coder, get_db
from ui.components.media_player import media_player, window_at_time
from ui.components.span_reader import reader_turns, span_reader
from ui.components.windows import document_windows
from ui.state import IV_MEDIA_FOLLOW, IV_MEDIA_WIN, flash, show_flash
from workflows import (
    align_turn,
    attach_media,
    detach_recording,
    media_capabilities,
    transcribe_recording,
)

PLACE = "recording"  # where the Recording section's messages show
LISTEN = "listen"  # where the listening reader's messages show (above the player)
MEDIA_TYPES = [s.lstrip(".") for s in AUDIO_SUFFIXES]
LANGUAGES = {"auto": "find out", "en": "English", "es": "Spanish"}


def precise_time(seconds: float) -> str:
    """Return ``seconds`` as hh:mm:ss.mmm (the player's time to the millisecond)."""
    whole, ms = divmod(int(round(float(seconds) * 1000)), 1000)
    return f"{format_time(whole)}.{ms:03d}"


def sentence(text: str) -> str:
    """Return ``text`` starting with a capital (reports start lower-case, for the CLI)."""
    return text[:1].upper() + text[1:]


@contextlib.contextmanager
def uploaded_file(upload) -> Iterator[Path]:
    """Yield the uploaded file written to a private temporary folder under its own name (so
    messages name the file the person chose); the folder is removed afterwards."""
    name = re.sub(r"[^\w.\- ]", "_", Path(upload.name).name).strip(". ") or "upload"
    with private_tempdir("upload") as tmp:
        path = Path(tmp) / name
        path.write_bytes(upload.getvalue())
        yield path


def status_progress(status, label: str | None = None):
    """A ``Progress`` callback that shows each step in the ``st.status`` box, with a bar;
    ``label`` replaces the step's own words (which may name a stored file by its checksum)."""
    bar = st.progress(0.0)

    def progress(done: int, total: int, msg: str) -> None:
        msg = label or msg
        status.update(label=f"{msg} ({min(100, 100 * done // total)}%)" if total else msg)
        bar.progress(min(1.0, done / total) if total else 0.0)

    return progress


def _on_reader() -> None:
    """The listening reader acts: move on (the recording plays past the part shown) or "this
    turn starts here" (stored through ``workflows.align_turn``, said above the player)."""
    action = (st.session_state.get("iv_reader") or {}).get("action")
    if not isinstance(action, dict):
        return
    if action.get("kind") == "follow":
        IV_MEDIA_FOLLOW.set(float(action.get("t") or 0))
    elif action.get("kind") == "align":
        try:
            doc, turn, t = int(action["doc"]), int(action["turn"]), float(action["t"])
        except (KeyError, TypeError, ValueError):
            return
        try:
            align_turn(get_db(), doc, turn, t, by=current_coder())
        except QdaError as exc:
            flash("error", str(exc), place=LISTEN)
        else:
            flash("success", f"Turn {turn} starts at {precise_time(t)}.", place=LISTEN)


def listen(db, doc_id: int, per_window: int) -> bool:
    """Draw the recording of transcript ``doc_id`` above a reader of its text; return False when
    it has none that plays (the caller shows the text its own way)."""
    show_flash(LISTEN)
    rec = media_player(db, doc_id)
    if rec is None:
        return False
    text = get_text(db, doc_id)
    windows = document_windows(
        len(text), get_pages(db, doc_id), get_segments(db, doc_id)[["kind", "char_start"]],
        per_window=per_window, text=text,
    )  # fmt: skip
    turns = turns_frame(db, [doc_id]).to_dict("records")
    untimed = sum(1 for t in turns if _missing(t.get("t_start")))
    mode = f"iv_align_mode_{doc_id}"
    st.session_state.setdefault(mode, untimed > 0)  # on at first for a transcript without times
    aligning = st.toggle(
        "Set turn times while listening",
        key=mode,
        help="A '⚑ here' button beside each turn: this turn starts at the player's current time"
        f" (pause or click the waveform first). {untimed} of {len(turns)} turns have no time.",
    )
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
        turns_after=any(int(t["char_start"]) >= win.end for t in turns), align=aligning,
    )  # fmt: skip
    return True


def _missing(value) -> bool:
    try:
        return float(value) != float(value)
    except (TypeError, ValueError):
        return True


def ffmpeg_missing() -> str | None:
    """Return what cannot be done without ffmpeg (None when it is installed)."""
    if tools().available:
        return None
    return next((n for n in media_capabilities() if "ffmpeg" in n), "ffmpeg is not installed")


def import_recording_upload(key: str):
    """The optional recording to attach to a transcript being imported: an uploader, or what
    cannot be done when ffmpeg is missing. Return the upload (or None)."""
    missing = ffmpeg_missing()
    if missing:
        st.info(f"No recording can come with it: {missing}.", icon=":material/music_off:")
    return st.file_uploader(
        "Its recording (optional): kept beside the project, never in it",
        type=MEDIA_TYPES,
        key=key,
        disabled=missing is not None,
        help="Checked before the transcript is saved: a file that is not a recording, is cut"
        " short or too long is refused, and then neither is stored.",
    )


def recording_section(db, doc_id: int, coder: str) -> None:
    """Attach a recording to transcript ``doc_id``, see whether it is here, detach it, set where
    a turn starts by typing a time, and transcribe it (speech to text)."""
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
    tries = st.session_state.setdefault("iv_media_upload_n", 0)  # a new box after each attach
    upload = st.file_uploader(
        "Attach a recording" if rec is None else "Attach another recording instead",
        type=MEDIA_TYPES,
        key=f"iv_media_upload_{doc_id}_{tries}",
        disabled=ffmpeg_missing() is not None,
    )
    if upload is not None and st.button("Attach", key="iv_media_attach"):
        _attach(db, doc_id, upload, coder, replace=rec is not None)
        st.session_state["iv_media_upload_n"] = tries + 1
        st.rerun()
    if rec is None:
        return
    _typed_time(db, doc_id, coder)
    _transcribe(db, doc_id, coder, rec.original_name)
    if st.button("Detach the recording", key="iv_media_detach"):
        try:
            detach_recording(db, doc_id, by=coder)
            flash("success", f"Detached {rec.original_name}.", place=PLACE)
        except QdaError as exc:
            flash("error", str(exc), place=PLACE)
        st.rerun()


def _attach(db, doc_id: int, upload, coder: str, replace: bool) -> None:
    """Attach the upload with progress; the old recording is detached only once the new one
    passed its checks and is stored (a refused file leaves the old one attached)."""
    with (
        st.status(f"Attaching {upload.name}…", expanded=True) as status,
        uploaded_file(upload) as path,
    ):
        try:
            done = attach_media(
                db, doc_id, path, by=coder, original_name=upload.name,
                progress=status_progress(status),
            )  # fmt: skip
        except QdaError as exc:
            status.update(label=f"{upload.name} was not attached", state="error")
            flash("error", f"{exc} (nothing was stored)", place=PLACE)
        else:
            if replace:  # the link was replaced: the old copies go when nothing uses them
                remove_unused_media(db)
            status.update(label="Attached", state="complete")
            flash("success", sentence(done.summary()), place=PLACE)


def _typed_time(db, doc_id: int, coder: str) -> None:
    cols = st.columns([2, 2, 1])
    turn_nos = turns_frame(db, [doc_id])["turn_no"].astype(int).tolist()
    turn = cols[0].selectbox("Turn", turn_nos, key="iv_align_turn")
    at = cols[1].text_input(
        "starts at (hh:mm:ss.mmm)", key="iv_align_time", placeholder="00:01:02.5",
        help="Or, while listening, press '⚑ here' beside the turn: the player's time is taken.",
    )  # fmt: skip
    if cols[2].button("Set the time", key="iv_align"):
        seconds = parse_time(at or "")
        if seconds is None:
            flash("error", f"'{at}' is not a time such as 00:01:02.5", place=PLACE)
        else:
            try:
                align_turn(db, doc_id, int(turn), seconds, by=coder)
                flash("success", f"Turn {turn} starts at {precise_time(seconds)}.", place=PLACE)
            except QdaError as exc:
                flash("error", str(exc), place=PLACE)
        st.rerun()


def _transcribe(db, doc_id: int, coder: str, name: str) -> None:
    """Speech to text of the attached recording (``name``) into a new transcript beside this
    one."""
    st.markdown("**Speech to text** (offline, Whisper base): a draft without speakers, stored as a"
                " new transcript with the same recording; this one is left as it is.")  # fmt: skip
    why = stt_unavailable_reason() or (
        "ffmpeg is not installed (Debian package `ffmpeg`)" if ffmpeg_missing() else None
    )
    if why:
        st.info(f"Transcribing cannot be done here: {why}.", icon=":material/mic_off:")
    cols = st.columns([2, 2])
    language = cols[0].selectbox(
        "Language", list(LANGUAGES), format_func=LANGUAGES.get, key="iv_stt_language"
    )
    if cols[1].button("Transcribe recording", key="iv_stt", disabled=why is not None):
        with st.status("Transcribing the recording…", expanded=True) as status:
            try:
                done = transcribe_recording(
                    db, document_id=doc_id, language=language, by=coder,
                    progress=status_progress(status, f"Transcribing {name}"),
                )  # fmt: skip
            except QdaError as exc:
                status.update(label="Not transcribed", state="error")
                flash("error", str(exc), place=PLACE)
            else:
                status.update(label="Transcribed", state="complete")
                flash("success", sentence(done.summary()), place=PLACE)
        st.rerun()
