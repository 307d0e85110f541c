"""A hidden component that turns a live change, found by the sidebar's polling fragment, into an
interaction: Streamlit reruns a keyed fragment by itself only from a widget callback
(``st.rerun("<key>")``), so the poll renders ``fire`` = a new number, the browser sends it back
as a trigger, and the callback reruns just the fragments the page registered (``ui.live``)."""

from __future__ import annotations

import functools

JS = """export default function ({ data, setTriggerValue, parentElement }) {
  const fire = data && data.fire;
  if (!fire || parentElement.__qdaFired === fire) return;
  parentElement.__qdaFired = fire;
  setTriggerValue('changed', fire);
}"""


@functools.cache
def _component():
    import streamlit as st

    return st.components.v2.component(
        "qda_live_ping", html='<span data-testid="qda-live-ping" hidden></span>', js=JS
    )


def live_ping(fire: int, on_fire, key: str = "qda_live_ping"):
    """Mount the ping; ``on_fire`` runs (as a widget callback) once per new non-zero ``fire``."""
    return _component()(key=key, data={"fire": int(fire)}, on_changed_change=on_fire)
