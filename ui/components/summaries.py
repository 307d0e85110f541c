"""The "Summarise" panel: the 3-7 sentences that best cover a code's, case's, document's or
matrix cell's coded passages (``exports.summary_table``), each with its citation and an "Open"
button to its place in the Code page, and "Save as memo". The sentences are the documents' own:
nothing is generated. A page mounts it with ``summary_panel(db, scope, target)``."""

from __future__ import annotations

import html

import streamlit as st

from coding import split_row_key
from exports import SummaryTarget, summary_table
from projectfile import QdaError
from ui.common import current_coder
from ui.state import CODE_SELECTION, FOCUS, flash
from workflows import save_summary_memo


def cell_summary_target(scope, row_key: str, code_id: int) -> tuple:
    """Return (scope, SummaryTarget) for a framework cell: a case row is a cell target; a
    document or attribute-value row narrows the scope to its document or its cases' value."""
    kind, rest = split_row_key(row_key)
    scope = scope.replace(codes=None)
    if kind == "case":
        return scope, SummaryTarget("cell", code=code_id, case=int(rest))
    if kind == "document":
        return scope.replace(documents=(int(rest),)), SummaryTarget("code", code=code_id)
    name, value = rest.split("=", 1)
    return scope.replace(attributes={name: [value]}), SummaryTarget("code", code=code_id)


def summary_panel(db, scope, target: SummaryTarget, key: str = "summary") -> None:
    """Show "Summarise" for ``target`` within ``scope``; once asked, the sentences and actions."""
    wanted = f"{key}_shown"
    c1, c2 = st.columns([3, 1])
    k = c2.slider("Sentences", 3, 7, 5, key=f"{key}_k")
    if c1.button("Summarise", key=f"{key}_go", help="The sentences that best cover the passages"):
        st.session_state[wanted] = (target, k)
    if st.session_state.get(wanted) != (target, k):
        return
    try:
        with st.spinner("Choosing the sentences that cover the passages…"):
            table = summary_table(db, scope, target, k=k)
    except QdaError as exc:
        st.warning(str(exc))
        return
    if table.empty:
        st.caption("No coded passages to summarise.")
        return
    for i, row in enumerate(table.itertuples()):
        box = st.container(border=True, key=f"{key}_row_{i}")
        left, right = box.columns([6, 1])
        left.markdown(
            f"“{html.escape(' '.join(str(row.sentence).split()))}”<br>"
            f"<small>{html.escape(str(row.citation))}</small>",
            unsafe_allow_html=True,  # document text and citation are escaped
        )
        if right.button("Open", key=f"{key}_open_{i}", help="Show it in the Code page"):
            place = {
                "document_id": int(row.document_id),
                "start": int(row.char_start),
                "end": int(row.char_end),
            }
            FOCUS.set(dict(place))
            CODE_SELECTION.set(dict(place))
            st.switch_page("ui/pages/code.py")
    if st.button("Save as memo", key=f"{key}_memo"):
        try:
            save_summary_memo(db, table, target, current_coder())
        except QdaError as exc:
            st.warning(str(exc))
            return
        flash("success", f"Summary saved as a memo on {target.kind} {target.label()}.")
        st.rerun()
