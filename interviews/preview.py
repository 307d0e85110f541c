"""Views of a parsed (not yet saved) transcript and of stored turns: import preview and reader."""

from __future__ import annotations

import html

import pandas as pd

from .document import suggest_roles
from .model import Transcript, format_time


def preview_frame(tr: Transcript) -> pd.DataFrame:
    """Return turn_no, speaker, suggested role, start, end (hh:mm:ss), words, text of each turn."""
    roles = suggest_roles(tr)
    return pd.DataFrame(
        [
            {
                "turn_no": i,
                "speaker": t.speaker or "",
                "role": roles.get(t.speaker, "") if t.speaker else "",
                "start": format_time(t.start),
                "end": format_time(t.end),
                "words": len(t.text.split()),
                "text": t.text,
            }
            for i, t in enumerate(tr.turns, start=1)
        ],
        columns=["turn_no", "speaker", "role", "start", "end", "words", "text"],
    )


def import_summary(tr: Transcript) -> str:
    """Return the preview's one-line summary: format, turns, speakers, encoding, and how many
    consecutive labels of one speaker were merged into the turn before."""

    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    parts = [
        f"Format: {tr.format}",
        n(len(tr.turns), "turn"),
        n(len(tr.speakers), "speaker"),
        f"encoding {tr.encoding}",
    ]
    if tr.merged_labels:
        parts.append(
            f"{n(tr.merged_labels, 'label')} of the same speaker as the turn before merged into"
            " that turn"
        )
    return " · ".join(parts)


def speakers_summary(tr: Transcript) -> pd.DataFrame:
    """Return speaker, suggested role, turns, words of a parsed transcript."""
    df = preview_frame(tr)
    df = df[df["speaker"] != ""]
    if df.empty:
        return pd.DataFrame(columns=["speaker", "role", "turns", "words"])
    return (
        df.groupby(["speaker", "role"], sort=False)
        .agg(turns=("turn_no", "count"), words=("words", "sum"))
        .reset_index()
    )


def turns_html(turns: pd.DataFrame) -> str:
    """Return escaped HTML of turns (speaker, timestamp, text).

    Safe for ``st.markdown(unsafe_allow_html=True)``.
    """
    blocks = []
    for r in turns.itertuples():
        who = html.escape(str(r.speaker)) if isinstance(r.speaker, str) and r.speaker else "—"
        ts = format_time(r.t_start) if r.t_start is not None and not pd.isna(r.t_start) else ""
        stamp = f' <span style="color:#888">[{ts}]</span>' if ts else ""
        role = (
            f' <span style="color:#888;font-size:0.8em">{html.escape(str(r.role))}</span>'
            if isinstance(r.role, str)
            else ""
        )
        body = html.escape(r.text).replace("\n", "<br>")
        blocks.append(f'<div style="margin:0 0 0.8em 0"><b>{who}</b>{stamp}{role}<br>{body}</div>')
    return "".join(blocks)
