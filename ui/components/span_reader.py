"""The span-selection reader: a window of a document with coded highlights; returns selections.

The browser side (JS below) fills its container with text nodes and <mark> elements built from
data, never with innerHTML of document text, and reports a selection as code-point offsets (JS
counts UTF-16 units, converted with ``Array.from(prefix).length``). The Python side is pure and
tested alone: ``selection_from_value`` maps the component's value to a checked (document_id,
start, end) and ``highlight_intervals`` turns overlapping codings into non-overlapping intervals
with blended colours and one underline per code.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from corpus import trim_span

HTML = '<div class="qda-reader" tabindex="0" data-testid="qda-reader"></div>'

CSS = """
.qda-reader {
  white-space: pre-wrap; overflow-wrap: anywhere;
  font-family: Georgia, 'Source Serif Pro', 'DejaVu Serif', serif;
  font-size: 1.05rem; line-height: 1.85; max-width: 46rem; padding: 0.5rem 1rem 1rem 0.25rem;
  color: var(--st-text-color, inherit); outline: none; cursor: text;
}
.qda-reader mark { color: inherit; border-radius: 2px; padding: 0 0 var(--pad, 2px) 0; }
.qda-reader mark.qda-focus { text-decoration: underline 2px #d62728; text-underline-offset: 5px; }
.qda-reader ::selection { background: rgba(255, 200, 0, 0.55); }
"""

JS = """
export default function (component) {
  const { data, setStateValue, setTriggerValue, parentElement } = component;
  const root = parentElement.querySelector('.qda-reader');
  if (!root || !data) return;
  // Rebuild only when the content changed, so a rerun caused by the selection itself keeps it.
  const sig = `${data.doc_id}|${data.base}|${(data.text || '').length}|` +
    JSON.stringify(data.intervals || []);
  if (root.__qdaSig !== sig) { root.__qdaSig = sig; build(); }

  function build() {
  const chars = Array.from(data.text || '');
  const frag = document.createDocumentFragment();
  let pos = 0, focusEl = null;
  for (const iv of (data.intervals || [])) {
    if (iv.s > pos) frag.appendChild(document.createTextNode(chars.slice(pos, iv.s).join('')));
    const m = document.createElement('mark');
    m.textContent = chars.slice(iv.s, iv.e).join('');
    m.style.background = iv.bg || 'transparent';
    const lines = iv.lines || [];
    m.style.boxShadow = lines.map((c, i) => `inset 0 -${3 * (i + 1)}px 0 ${c}`).join(', ');
    m.style.setProperty('--pad', `${Math.max(2, 3 * lines.length)}px`);
    m.title = iv.title || '';
    m.dataset.codings = (iv.ids || []).join(' ');
    if (iv.focus) { m.classList.add('qda-focus'); if (!focusEl) focusEl = m; }
    frag.appendChild(m);
    pos = iv.e;
  }
  if (pos < chars.length) frag.appendChild(document.createTextNode(chars.slice(pos).join('')));
  root.replaceChildren(frag);
  if (root.dataset.doc !== String(data.doc_id) || root.dataset.base !== String(data.base)) {
    root.__qdaLast = null;
  }
  root.dataset.doc = String(data.doc_id);
  root.dataset.base = String(data.base);
  if (focusEl && root.dataset.scrolled !== data.focus_key) {
    root.dataset.scrolled = data.focus_key || '';
    focusEl.scrollIntoView({ block: 'center' });
  }
  }

  function current() {
    const sel = (parentElement.getSelection ? parentElement.getSelection() : null)
      || document.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const r = sel.getRangeAt(0);
    if (!root.contains(r.startContainer) || !root.contains(r.endContainer)) return null;
    const pre = document.createRange();
    pre.selectNodeContents(root);
    pre.setEnd(r.startContainer, r.startOffset);
    const start = Array.from(pre.toString()).length;
    const end = start + Array.from(r.toString()).length;
    if (end <= start) return null;
    return { doc: data.doc_id, start: data.base + start, end: data.base + end, nonce: nonce() };
  }
  function nonce() { return Date.now().toString(36) + Math.random().toString(36).slice(2, 8); }
  root.onmouseup = () => {
    const s = current();
    if (s) {
      root.__qdaLast = s;
      root.focus({ preventScroll: true });
      setStateValue('selection', s);
    }
  };
  root.onkeyup = (ev) => {
    if (ev.key && ev.key.startsWith('Shift')) {
      const s = current(); if (s) { root.__qdaLast = s; setStateValue('selection', s); }
    }
  };
  root.onkeydown = (ev) => {
    if (/^[1-9]$/.test(ev.key) && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      const s = current() || root.__qdaLast;
      if (s) {
        ev.preventDefault();
        setTriggerValue('quickkey', { key: Number(ev.key), selection: { ...s, nonce: nonce() } });
      }
    }
  };
}
"""


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
):
    """Mount the reader for ``text`` (the window starting at offset ``base``); return its result.

    ``on_change`` runs (before the rerun) when the user selects text or presses a quick key; the
    values are then in ``st.session_state[key]["selection"]`` and ``["quickkey"]``
    ({key, selection}).
    """
    comp = _component()
    data = {
        "doc_id": int(doc_id),
        "base": int(base),
        "text": text,
        "intervals": intervals,
        "focus_key": focus_key,
    }
    cb = on_change or _noop
    return comp(key=key, data=data, on_selection_change=cb, on_quickkey_change=cb)


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
