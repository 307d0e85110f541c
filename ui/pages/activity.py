"""Activity page: what the team did in this project, newest first (who, what, when), each change
with a button to its place on the Code page. Read from the audit and ingest logs
(``workflows.activity_feed``); it updates by itself while the page is open (ui.live)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.common import get_db
from ui.state import ACTIVITY_SHOWN, ACTIVITY_WHO, FOCUS
from ui.tables import readable_date
from ui.widgets import md_safe
from workflows import activity_feed

PAGE = 40  # rows per "Show older"

st.title("Activity")
st.caption(
    "What members did in this project, newest first. It updates by itself while you look; "
    "Open takes you to the place on the Code page."
)
db = get_db()
shown = int(ACTIVITY_SHOWN.get(PAGE))
feed = activity_feed(db, limit=max(shown, PAGE) * 2)
if feed.empty:
    st.info("Nothing has happened in this project yet.")
    st.stop()

names = sorted({w for w in feed["who"] if w}, key=str.casefold)
who = st.selectbox(
    "Member", ["everyone", *names], key=ACTIVITY_WHO, help="Show one member's work only."
)
if who != "everyone":
    feed = feed[feed["who"] == who]


def _open(row: pd.Series) -> None:
    start = 0 if pd.isna(row["char_start"]) else int(row["char_start"])
    end = start if pd.isna(row["char_end"]) else int(row["char_end"])
    FOCUS.set({"document_id": int(row["document_id"]), "start": start, "end": end})


rows = feed.head(shown)
with st.container(key="activity_feed"):
    for _, r in rows.iterrows():
        when, person, what, go = st.columns([2, 2, 7, 1], vertical_alignment="center")
        when.caption(readable_date(r["at"]))
        person.markdown(f"**{md_safe(r['who'])}**" if r["who"] else "*an import*")
        what.markdown(md_safe(r["what"]))
        if pd.notna(r["document_id"]) and go.button(
            "Open", key=f"activity_open_{r['id']}", help="Show this place on the Code page"
        ):
            _open(r)
            st.switch_page("ui/pages/code.py")
if len(feed) > shown and st.button("Show older", key="activity_more"):
    ACTIVITY_SHOWN.set(shown + PAGE)
    st.rerun()
