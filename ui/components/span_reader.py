"""The span-selection reader: a window of a document with coded highlights; returns selections.

The browser side (span_reader.js, span_reader.css) fills its container with text nodes and <mark>
elements built from data, never with innerHTML of document text or code names, and reports a
selection as code-point offsets (JS counts UTF-16 units, converted with
``Array.from(prefix).length``). Beside the text it draws the code names of the codings in view
(coloured stripes and clickable labels, as NVivo's coding stripes), opens a small toolbar at each
selection (pinned quick codes, find-or-create a code), codes the selection on keys 1-9, and can
open scrolled to an offset with a passage highlighted (``scroll_to``/``highlight``).

The Python side is pure and tested alone: ``selection_from_value`` maps the component's value to a
checked (document_id, start, end), ``highlight_intervals`` turns overlapping codings into
non-overlapping intervals with blended colours and one underline per code, ``with_highlight``
marks a passage in them and ``margin_items`` lists the margin's codings.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus import trim_span

_HERE = Path(__file__).resolve().parent

HTML = (
    '<div class="qda-wrap" data-testid="qda-reader-wrap">'
    '<div class="qda-reader" tabindex="0" data-testid="qda-reader"></div>'
    '<div class="qda-margin" data-testid="qda-margin" aria-label="Codes in the margin"></div>'
    '<div class="qda-anchor"></div>'
    '<div class="qda-toolbar" data-testid="qda-toolbar" role="toolbar" hidden></div>'
    '<div class="qda-toast" data-testid="qda-toast" role="status" hidden></div>'
    "</div>"
)

CSS = (_HERE / "span_reader.css").read_text(encoding="utf-8")

# the recording's part (play from a turn or a coding, follow the playing turn) is its own file
JS = "\n".join(
    (_HERE / name).read_text(encoding="utf-8") for name in ("span_reader.js", "reader_media.js")
)


@functools.cache
def _component():
    import streamlit as st

    return st.components.v2.component("qda_span_reader", html=HTML, css=CSS, js=JS)


def _noop() -> None:
    return None


def span_reader(
    doc_id: int,
    base: int,
    text: str,
    intervals: list[dict],
    focus_key: str = "",
    key: str = "reader",
    on_change=None,
    *,
    codings: list[dict] | None = None,
    codes: list[dict] | None = None,
    quick: list[dict] | None = None,
    selected_coding: int | None = None,
    scroll_to: int | None = None,
    highlight: tuple[int, int] | None = None,
    select_highlight: bool = False,
    notice: dict | None = None,
    turns: list[dict] | None = None,
    turns_after: bool = False,
    align: bool = False,
):
    """Mount the reader for ``text`` (the window starting at offset ``base``); return its result.

    - ``codings``: coding rows of the window (coding_id, code_path, color, coder, char_start,
      char_end, as ``coding.codings_frame`` gives them): their code names go in the margin beside
      the text with a coloured stripe; clicking a name selects that coding, its × removes it.
    - ``codes`` (id, path, color) and ``quick`` (key, id, path, color): when given, a toolbar
      opens at each selection to code it (pinned quick codes, a search box, "create and apply").
    - ``scroll_to``: a document offset to scroll to (once per distinct value), ``highlight``: a
      document span drawn with a red underline; ``select_highlight`` also selects it.
    - ``notice``: {id, text, kind ('success'/'error'), undo (bool)} shown once at the bottom.
    - ``turns``: the window's timed turns (``reader_turns``) when the transcript has a recording
      (``media_player``): a play button beside each, the playing turn followed; codings with
      ``t_from``/``t_to`` get a play button in the margin. ``turns_after``: the transcript goes on
      after this window (the reader asks to move on with an action {kind: 'follow', t}).
      ``align``: a "⚑ here" button beside every turn, timed or not: "this turn starts here" at
      the player's current time, an action {kind: 'align', doc, turn, t}.

    ``on_change`` runs (before the rerun) when the user selects text or acts; the values are then
    in ``st.session_state[key]["selection"]`` ({doc, start, end, nonce}) and ``["action"]``:
    {kind: 'apply' (code, selection) | 'key' (key, selection) | 'create' (name, selection) |
    'remove' (id) | 'select' (id, selection) | 'undo', nonce}.
    """
    comp = _component()
    win_end = int(base) + len(text)
    if highlight is not None:
        intervals = with_highlight(intervals, int(base), win_end, highlight)
    data = {
        "doc_id": int(doc_id),
        "base": int(base),
        "text": text,
        "intervals": intervals,
        "focus_key": focus_key,
        "margin": codings is not None,
        "codings": margin_items(codings or [], int(base), win_end),
        "toolbar": codes is not None,
        "codes": [
            {"id": int(c["id"]), "path": str(c["path"]), "color": safe_color(c.get("color"))}
            for c in (codes or [])
        ],
        "quick": [
            {
                "key": int(q["key"]),
                "id": int(q["id"]),
                "path": str(q["path"]),
                "color": safe_color(q.get("color")),
            }
            for q in (quick or [])
        ],
        "selected": int(selected_coding) if selected_coding is not None else None,
        "scroll_to": int(scroll_to) if scroll_to is not None else None,
        "scroll_key": focus_key,
        "highlight": [int(highlight[0]), int(highlight[1])] if highlight else None,
        "select_highlight": bool(select_highlight and highlight),
        "notice": notice,
        "turns": turns or [],
        "turns_after": bool(turns_after),
        "align": bool(align),
    }
    cb = on_change or _noop
    return comp(
        key=key,
        data=data,
        on_selection_change=cb,
        on_quickkey_change=cb,
        on_action_change=cb,
    )


def margin_items(codings: Iterable[dict], win_start: int, win_end: int) -> list[dict]:
    """Return the margin entries of the codings overlapping ``[win_start, win_end)``.

    Each: id (coding), label (code path), color (safe '#rrggbb'), coder, s, e (window offsets),
    t0, t1 (the span's seconds in the recording when the row has t_from/t_to, else None)."""
    return [
        {
            "id": int(c["coding_id"]),
            "label": str(c.get("code_path") or ""),
            "color": safe_color(c.get("color")),
            "coder": str(c.get("coder") or ""),
            "s": s,
            "e": e,
            "t0": _seconds(c.get("t_from")),
            "t1": _seconds(c.get("t_to")),
        }
        for c, s, e in _in_window(codings, win_start, win_end)
    ]


def _in_window(rows: Iterable[dict], win_start: int, win_end: int):
    """Yield (row, start, end) for each row overlapping the window, clipped, in window offsets."""
    for r in rows:
        s, e = max(int(r["char_start"]), win_start), min(int(r["char_end"]), win_end)
        if s < e:
            yield r, s - win_start, e - win_start


def _seconds(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else round(v, 3)


def reader_turns(turns: Iterable[dict], win_start: int, win_end: int) -> list[dict]:
    """Return the turns overlapping ``[win_start, win_end)`` for the reader: no (turn number),
    s, e (window offsets), t0, t1 (seconds or None), as ``turns_frame`` rows give them."""
    return [
        {
            "no": int(t["turn_no"]),
            "s": s,
            "e": e,
            "t0": _seconds(t.get("t_start")),
            "t1": _seconds(t.get("t_end")),
        }
        for t, s, e in _in_window(turns, win_start, win_end)
    ]


def with_highlight(
    intervals: list[dict], win_start: int, win_end: int, span: tuple[int, int]
) -> list[dict]:
    """Return ``intervals`` (window offsets) with the document span ``span`` marked as focus.

    Intervals are split at the span's ends; gaps inside it get a focus-only interval."""
    fs, fe = max(int(span[0]), win_start) - win_start, min(int(span[1]), win_end) - win_start
    if fs >= fe:
        return intervals
    out: list[dict] = []
    pos = fs
    for iv in sorted(intervals, key=lambda v: v["s"]):
        pieces = [
            (iv["s"], min(iv["e"], fs), False),
            (max(iv["s"], fs), min(iv["e"], fe), True),
            (max(iv["s"], fe), iv["e"], False),
        ]
        for a, b, inside in pieces:
            if a >= b:
                continue
            if inside and a > pos:
                out.append(_focus_only(pos, a))
            out.append({**iv, "s": a, "e": b, "focus": bool(iv.get("focus")) or inside})
            if inside:
                pos = max(pos, b)
    if pos < fe:
        out.append(_focus_only(pos, fe))
    return sorted(out, key=lambda v: v["s"])


def _focus_only(s: int, e: int) -> dict:
    return {
        "s": s,
        "e": e,
        "bg": "rgba(214, 39, 40, 0.10)",
        "lines": [],
        "title": "",
        "ids": [],
        "focus": True,
    }


@dataclass(frozen=True)
class Selection:
    """A checked selection: ``[start, end)`` code-point offsets into a document's text."""

    document_id: int
    start: int
    end: int
    nonce: str = ""


def selection_from_value(
    value: Any, document_id: int, text: str, trim: bool = True
) -> Selection | None:
    """Return the component's selection value as a Selection in ``text`` (the whole document).

    None when invalid: the value must name the document shown and lie inside its text.
    Surrounding whitespace is trimmed off.
    """
    if not isinstance(value, dict):
        return None
    try:
        doc, start, end = int(value.get("doc")), int(value.get("start")), int(value.get("end"))
    except (TypeError, ValueError):
        return None
    if doc != int(document_id) or not (0 <= start < end <= len(text)):
        return None
    if trim:
        start, end = trim_span(text, start, end)
        if start >= end:
            return None
    return Selection(doc, start, end, str(value.get("nonce") or ""))


def _rgb(color: str) -> tuple[int, int, int]:
    c = (color or "#999999").lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    try:
        return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    except ValueError:
        return 153, 153, 153


def safe_color(color: str | None) -> str:
    """Return ``color`` as '#rrggbb' (grey when it is not a hex colour), safe to put in CSS."""
    r, g, b = _rgb(color or "")
    return f"#{r:02x}{g:02x}{b:02x}"


def blend(colors: Iterable[str], alpha: float = 0.28) -> str:
    """Return an rgba() background that mixes ``colors`` evenly."""
    rgbs = [_rgb(c) for c in colors]
    if not rgbs:
        return "transparent"
    r, g, b = (round(sum(v[i] for v in rgbs) / len(rgbs)) for i in range(3))
    return f"rgba({r}, {g}, {b}, {min(0.6, alpha + 0.08 * (len(rgbs) - 1)):.2f})"


def highlight_intervals(
    codings: Iterable[dict], win_start: int, win_end: int, focus: tuple[int, int] | None = None
) -> list[dict]:
    """Return overlapping codings split into non-overlapping intervals of the window.

    Offsets are relative to ``win_start``. Each coding is a dict with char_start, char_end, color,
    code_path and coding_id; ``focus`` is a span to mark. Returns dicts: s, e (window offsets),
    bg (blended colour), lines (one colour per code), title, ids, focus.
    """
    items = []
    for c in codings:
        s, e = max(int(c["char_start"]), win_start), min(int(c["char_end"]), win_end)
        if s < e:
            items.append((s, e, c))
    if focus is not None:
        fs, fe = max(focus[0], win_start), min(focus[1], win_end)
        if fs < fe:
            items.append((fs, fe, None))
    cuts = sorted({p for s, e, _ in items for p in (s, e)})
    out: list[dict] = []
    for a, b in zip(cuts, cuts[1:]):
        here = [c for s, e, c in items if s <= a and b <= e]
        if not here:
            continue
        codes = [c for c in here if c is not None]
        colors, seen = [], set()
        for c in codes:
            col = safe_color(c.get("color"))
            if c.get("code_id", col) not in seen:
                seen.add(c.get("code_id", col))
                colors.append(col)
        title = "\n".join(
            sorted({f"{c.get('code_path', '')} ({c.get('coder', '')})" for c in codes})
        )
        out.append(
            {
                "s": a - win_start,
                "e": b - win_start,
                "bg": blend(colors) if colors else "rgba(214, 39, 40, 0.10)",
                "lines": colors,
                "title": title,
                "ids": [int(c["coding_id"]) for c in codes],
                "focus": any(c is None for c in here),
            }
        )
    merged: list[dict] = []
    for iv in out:  # join neighbours with identical content so the DOM stays small
        if (
            merged
            and merged[-1]["e"] == iv["s"]
            and {k: v for k, v in merged[-1].items() if k not in "se"}
            == {k: v for k, v in iv.items() if k not in "se"}
        ):
            merged[-1]["e"] = iv["e"]
        else:
            merged.append(iv)
    return merged
