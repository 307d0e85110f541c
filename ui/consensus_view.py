"""The Consensus tab of the Analysis page: two coders' disagreements side by side, each decided
Accept A / Accept B / Both / Neither / Edit into the consensus coder's codings (owners only; the
decision itself is checked in ``coding.decide`` by the member's role)."""

from __future__ import annotations

import streamlit as st

from coding import (
    DECISION_LABELS,
    Scope,
    consensus_frame,
    consensus_names,
    decide,
)
from corpus import get_text
from projectfile import QdaError
from ui.common import current_actor, current_coder, session_id
from ui.escape import md_safe
from ui.tables import show
from workflows import can


def _stretch(db, row, coding_ids: list[int], who: str) -> None:
    """Show what ``who`` did on the stretch: the text they coded there, or that they did not."""
    st.markdown(f"**{md_safe(who)}**")
    if coding_ids:
        st.success(f"coded {md_safe(row['code_path'])}")
    else:
        st.warning(f"did not code {md_safe(row['code_path'])} here")
    text = get_text(db, int(row["document_id"]))
    s, e = int(row["char_start"]), int(row["char_end"])
    st.text(text[max(0, s - 60) : s] + "⟦" + text[s:e] + "⟧" + text[e : e + 60])


def consensus_tab(db, coders: list[str], scope: Scope) -> None:
    """Render the Consensus tab for the page's ``scope``."""
    people = [c for c in coders if c not in consensus_names(db)]
    pair = st.multiselect(
        "The two coders", people, default=people[:2], max_selections=2, key="cons_coders"
    )
    if len(pair) != 2:
        st.caption("Choose the two coders whose disagreements the team decides.")
        return
    try:
        frame = consensus_frame(db, scope.replace(coders=tuple(sorted(pair))))
    except QdaError as exc:
        st.error(str(exc))
        return
    a, b = sorted(pair)
    done = int(frame["decision"].notna().sum())
    st.caption(
        f"A = {md_safe(a)}, B = {md_safe(b)}: {done} of {len(frame)} disagreements decided."
        " Decisions are codings of the consensus coder (choose it as coder for evidence tables"
        " and matrices); the coders' own codings and the agreement figures stay as they were."
    )
    if frame.empty:
        st.info("No disagreements between these two coders.")
        return
    table = frame.assign(decision=frame["decision"].map(DECISION_LABELS).fillna("")).rename(
        columns={"document_title": "document", "code_path": "code"}
    )
    show(table[["document", "code", "coded_by", "not_coded_by", "decision", "decided_by", "text"]])
    decided = frame["decision"].notna().tolist()
    order = sorted(range(len(frame)), key=lambda i: (decided[i], i))
    i = st.selectbox(
        "Disagreement",
        order,
        key="cons_item",
        format_func=lambda k: (
            f"{k + 1}. {frame.iloc[k]['document_title']} · {frame.iloc[k]['code_path']}"
            f" [{frame.iloc[k]['char_start']}–{frame.iloc[k]['char_end']}]"
            + (f" · {DECISION_LABELS[frame.iloc[k]['decision']]}" if decided[k] else "")
        ),
    )
    row = frame.iloc[i]
    left, right = st.columns(2)
    with left:
        _stretch(db, row, list(row["a_codings"]), f"A: {a}")
    with right:
        _stretch(db, row, list(row["b_codings"]), f"B: {b}")
    actor = current_actor()
    if actor is not None and not can(actor, "consensus"):
        st.caption("Only owners decide consensus.")
        return
    cols = st.columns(5)
    picked = None
    for col, key in zip(cols, ("a", "b", "both", "neither", "edit")):
        if col.button(DECISION_LABELS[key], key=f"cons_{key}", width="stretch"):
            picked = key
    s0, e0 = int(row["char_start"]), int(row["char_end"])
    c1, c2 = st.columns(2)
    start = c1.number_input("Edit: start", min_value=0, value=s0, key=f"cons_s_{i}")
    end = c2.number_input("Edit: end", min_value=0, value=e0, key=f"cons_e_{i}")
    if picked:
        try:
            ids = decide(
                db,
                row,
                picked,
                by=current_coder(),
                span=(int(start), int(end)) if picked == "edit" else None,
                session=session_id(),
            )
        except QdaError as exc:
            st.error(str(exc))
            return
        st.toast(f"{DECISION_LABELS[picked]}: {len(ids)} consensus coding(s)")
        st.rerun()
