"""The recording of a transcript above its reader: Streamlit's own audio element (``st.audio`` on
the listening copy, served with HTTP ranges, so seeking works) in a container whose key the
controls find, and a small component (media_player.js) with play/pause, back 5 s, speed 0.75x-2x
and keys that work while typing (Alt+K play/pause, Alt+J back 5 s), and the recording's
waveform drawn from its stored peaks (a canvas: a click plays from there, a line marks the time).

The reader (``span_reader(..., turns=...)``) asks it to play from a turn or a coding's span
through a window event and follows the time it reports. A recording that is missing or changed
is said plainly, with what to do; a transcript without one shows nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import streamlit as st

from interviews import MediaRow, media_for, media_peaks, turn_at
from ui.components.windows import window_index

_HERE = Path(__file__).resolve().parent
RATES = (0.75, 1.0, 1.25, 1.5, 2.0)
KEYS = {"Alt+K": "play / pause", "Alt+J": "back 5 seconds"}
WAVE_POINTS = 800  # peaks sent to the browser (the stored ones pooled down)
CONTAINER = "qda_media"  # the key of the container holding the <audio> (found by the JS)
FORMATS = {".m4a": "audio/mp4", ".mp4": "audio/mp4", ".mp3": "audio/mpeg", ".wav": "audio/wav",
           ".ogg": "audio/ogg", ".opus": "audio/ogg", ".webm": "audio/webm", ".aac": "audio/aac",
           ".flac": "audio/flac", ".mov": "audio/mp4"}  # fmt: skip

HTML = (
    '<div class="qda-player" data-testid="qda-player">'
    '<button type="button" data-testid="qda-media-toggle" title="Play / pause (Alt+K)">▶ Play'
    "</button>"
    '<button type="button" data-testid="qda-media-back" title="Back 5 seconds (Alt+J)">↺ 5 s'
    "</button>"
    '<label>Speed <select data-testid="qda-media-rate">'
    + "".join(f'<option value="{r:g}">{r:g}×</option>' for r in RATES)
    + "</select></label>"
    '<span class="qda-clock" data-testid="qda-media-clock">00:00:00</span>'
    '<span class="qda-keys">Alt+K play/pause · Alt+J back 5 s</span>'
    '<canvas class="qda-wave" data-testid="qda-media-wave" height="44"'
    ' title="The recording: click to go to that moment" aria-label="Waveform of the recording"'
    ' role="slider"></canvas>'
    "</div>"
)
CSS = """
.qda-player { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center;
  font: .85rem system-ui, sans-serif; margin: -.4rem 0 .3rem 0; }
.qda-player button, .qda-player select { font: inherit; padding: .1rem .5rem; border-radius: .4rem;
  border: 1px solid rgba(128, 128, 128, .5); background: transparent; color: inherit;
  cursor: pointer; }
.qda-player .qda-clock { font-variant-numeric: tabular-nums; }
.qda-player .qda-keys { opacity: .65; }
.qda-player .qda-wave { flex: 1 0 100%; width: 100%; height: 44px; cursor: pointer;
  border-radius: .3rem; background: rgba(128, 128, 128, .08); }
.qda-player .qda-wave[hidden] { display: none; }
"""


@functools.cache
def _component():
    js = (_HERE / "media_player.js").read_text(encoding="utf-8")
    return st.components.v2.component("qda_media_player", html=HTML, css=CSS, js=js)


def media_problem(rec: MediaRow | None) -> str | None:
    """Return why the recording cannot be played (None when it can, or there is none)."""
    if rec is None:
        return None
    if rec.path is None and rec.listening_path is None:
        return (
            f"The recording '{rec.original_name}' was named by the imported project but not"
            " carried with it: attach the file on the Interviews page (Recording)."
        )
    play = rec.play_path
    if play is None or not play.is_file():
        return (
            f"The recording '{rec.original_name}' is missing from the project's media folder"
            " (moved or deleted): attach it again on the Interviews page (Recording)."
        )
    return None


def media_player(db, document_id: int, rate: float = 1.0) -> MediaRow | None:
    """Draw the recording of transcript ``document_id`` with its controls; return it when it can
    be played (None when there is none or it is missing: then a message says so)."""
    rec = media_for(db, document_id)
    if rec is None:
        return None
    problem = media_problem(rec)
    if problem:
        st.warning(problem, icon=":material/music_off:")
        return None
    play = rec.play_path
    with st.container(key=CONTAINER):
        st.audio(str(play), format=FORMATS.get(play.suffix.lower(), "audio/mp4"))
    data = {
        "offset": float(rec.offset_s or 0),
        "rate": rate,
        "duration": float(rec.duration_s or 0),
        "peaks": waveform_points(media_peaks(db, rec.media_id)),
    }
    _component()(key="qda_media_controls", data=data)
    return rec


def waveform_points(peaks, points: int = WAVE_POINTS) -> list[float]:
    """Return the stored peaks (0..1) pooled down to at most ``points`` by their maximum, so a
    short loud stretch still shows; rounded to 3 decimals (what the canvas needs)."""
    values = np.nan_to_num(np.clip(np.asarray(peaks, dtype=np.float32), 0.0, 1.0))
    if values.size > points:
        edges = np.linspace(0, values.size, points + 1).astype(int)
        values = np.maximum.reduceat(values, edges[:-1])
    return [round(float(v), 3) for v in values]


def window_at_time(turns: list[dict], windows: list, seconds: float) -> int | None:
    """Return the index of the window (``ui.components.windows``) holding the turn playing at
    ``seconds`` (else the next turn to start), or None when no turn plays then or later.
    ``turns``: turns_frame rows (turn_no, char_start, t_start, t_end)."""
    rows = [(int(t["turn_no"]), _num(t.get("t_start")), _num(t.get("t_end"))) for t in turns]
    no = turn_at(rows, float(seconds))
    starts = {int(t["turn_no"]): int(t["char_start"]) for t in turns}
    if no is None:
        later = [n for n, s, _ in rows if s is not None and s > seconds]
        if not later:
            return None
        no = later[0]
    return window_index(windows, starts[no])


def _num(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if v != v else v
