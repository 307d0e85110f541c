"""The codebook's history for a methods section: Markdown and DOCX writers.

They render what ``coding.codebook_periods`` and ``coding.codebook_history_frame`` compute: a
sentence per period between named snapshots ("Between 'round 1' and 'after consensus': 3 codes
added, 'Talent' renamed 'Skills' (2 codings)..."), then the list of changes with who and when.
Events the migration reconstructed from the audit log are marked as such.
"""

from __future__ import annotations

import pandas as pd
from docx import Document as WordDocument

from .tables import Out, _open, markdown_escape
from .word import _Builder

TITLE = "How the codebook evolved"


def _period_sentence(period: str, summary: str) -> str:
    if period.startswith("since"):
        return f"Since {period[len('since ') :]}: {summary}."
    first, _, second = period.partition(" → ")
    return f"Between {first} and {second}: {summary}."


def _event_line(row) -> str:
    mark = " (reconstructed from the audit log)" if row.derived else ""
    touched = f", {row.codings_touched} codings" if row.codings_touched else ""
    return f"{str(row.at)[:16].replace('T', ' ')} · {row.coder}: {row.detail}{touched}{mark}"


def history_markdown(
    periods: pd.DataFrame, events: pd.DataFrame, out: Out, title: str = TITLE
) -> Out:
    """Write the codebook's history (``codebook_periods`` and ``codebook_history_frame`` frames)
    as Markdown: one paragraph per period, then every change."""
    lines = [f"# {markdown_escape(title)}", ""]
    if periods.empty:
        lines += ["No named snapshots of the codebook were saved.", ""]
    for r in periods.itertuples(index=False):
        lines += [markdown_escape(_period_sentence(r.period, r.summary)), ""]
    lines += ["## Changes", ""]
    if events.empty:
        lines += ["No changes recorded.", ""]
    lines += [f"- {markdown_escape(_event_line(r))}" for r in events.itertuples(index=False)]
    with _open(out) as fh:
        fh.write(("\n".join(lines).rstrip() + "\n").encode("utf-8"))
    return out


def history_docx(periods: pd.DataFrame, events: pd.DataFrame, out: Out, title: str = TITLE) -> Out:
    """Write the codebook's history as DOCX: the period sentences, then every change."""
    doc = WordDocument()
    builder = _Builder(doc)
    parts = [("heading", title, 0)]
    parts += [("para", _period_sentence(r.period, r.summary), 0) for r in periods.itertuples()]
    if periods.empty:
        parts.append(("para", "No named snapshots of the codebook were saved.", 0))
    parts.append(("heading", "Changes", 1))
    parts += [("para", _event_line(r), 0) for r in events.itertuples(index=False)]
    if events.empty:
        parts.append(("para", "No changes recorded.", 0))
    for kind, text, level in parts:
        if kind == "heading":
            builder.heading(text, level)
        else:
            builder.para(text)
    with _open(out) as fh:
        doc.save(fh)
    return out
