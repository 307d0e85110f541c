"""Suggested passages on the Code page: for a code, the uncoded sentences, clauses, paragraphs or
turns (the grain the researcher codes it at) they would most likely code with it (nlp.suggest),
each with its band (likely / possible, by the code's calibrated thresholds) and the coded
passages it is nearest to (the "why"). A code with fewer than 5 codings is matched to its
definition and examples. Each is accepted or rejected
with a click, or several are previewed and saved as one undoable batch; rejections are stored and
teach the next refit. Nothing is coded without a click."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coding import apply_preview, codes_frame, codings_frame
from nlp import (
    MIN_CODINGS,
    SuggestionDecision,
    accept_suggestion,
    load_passages,
    preview_suggestions,
    record_batch,
    reject_suggestion,
    suggest_passages,
)
from projectfile import QdaError
from ui.common import get_db
from ui.state import CODE_SELECTION, FOCUS, SUGG_BATCH, SUGG_ROWS, flash
from ui.widgets import md_safe

STATE = SUGG_ROWS.name  # {code_id: DataFrame of the suggestions still open}
BATCH = SUGG_BATCH.name  # {code_id: (rows, preview frame)}
PAGE = 6  # passages shown at once (the reader stays within reach below)
BADGE = {"likely": ":green-badge[likely]", "possible": ":orange-badge[possible]"}
BADGE["unlikely"] = ":gray-badge[unlikely]"
BAND_HELP = (
    "likely / possible: by this code's own thresholds, fitted by cross-validation on your "
    "codings (likely: the cut that agreed best with them; possible: the cut that finds 4 in 5 "
    "of them). A code with fewer than 5 codings is matched to its definition and examples and "
    "is never 'likely'. The figure is the model's probability (or the similarity, for a new code)."
)


def _n(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


def _compute(db, code_id: int, limit: int) -> pd.DataFrame:
    with st.status("Learning from your codings…", expanded=False) as status:
        bar = st.progress(0.0)
        passages = load_passages(
            db,
            progress=lambda d, t, m: bar.progress(d / t if t else 1.0, text=f"{m}: {d}/{t}"),
        )
        found = suggest_passages(db, code_id, limit=limit, passages=passages)
        status.update(label=f"{len(found)} passages suggested", state="complete")
    return found


def _codes(db) -> pd.DataFrame:
    """Return the codes suggestions can be made for (a coding or a definition), most coded
    first."""
    codes = codes_frame(db)
    has_text = codes["definition"].fillna("").str.strip() != ""
    codes = codes[(codes["codings"] > 0) | has_text]
    return codes.sort_values(["codings", "path"], ascending=[False, True])


def _short(text: str, n: int = 110) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _example_texts(db, code_id: int) -> dict[int, str]:
    """Return {coding id: coded text} of the code's codings (the "why" beside a suggestion)."""
    frame = codings_frame(db, codes=[int(code_id)])
    return dict(zip(frame["coding_id"].astype(int), frame["text"]))


def _unit_keys(rows: pd.DataFrame) -> pd.Series:
    """Return each suggestion's key: document, start, end (a sentence shares its paragraph's
    segment id with the paragraph's other sentences)."""
    return (
        rows["document_id"].astype(int).astype(str)
        + "_"
        + rows["char_start"].astype(int).astype(str)
        + "_"
        + rows["char_end"].astype(int).astype(str)
    )


def _drop(code_id: int, keys) -> None:
    rows = st.session_state[STATE][code_id]
    st.session_state[STATE][code_id] = rows[~_unit_keys(rows).isin(list(keys))]


# The card buttons act in callbacks, before the run that draws the list again: one run per click.
# (An action in the script body followed by st.rerun() made two runs, and between them the
# browser showed the half-drawn list: a card at the place of the one removed briefly held the
# removed passage's "in batch" box too, kept by Streamlit until the run ends.) A callback runs
# after the run that drew its button has closed its connection, so it opens its own (get_db).


def _on_accept(code_id: int, label: str, r: dict, coder: str, session) -> None:
    try:
        accept_suggestion(
            get_db(), code_id, r["document_id"], r["char_start"], r["char_end"], coder, session
        )
    except QdaError as exc:
        flash("error", str(exc))
        return
    _drop(code_id, [r["key"]])
    flash("success", f"Coded with {label}.")


def _on_reject(code_id: int, r: dict, coder: str) -> None:
    try:
        db = get_db()
        reject_suggestion(db, code_id, r["document_id"], r["char_start"], r["char_end"], coder)
    except QdaError as exc:
        flash("error", str(exc))
        return
    _drop(code_id, [r["key"]])
    flash("success", "Rejected: it will count against similar ones.")


def _on_open(r: dict) -> None:
    focus = {"document_id": r["document_id"], "start": r["char_start"], "end": r["char_end"]}
    FOCUS.set(focus)
    CODE_SELECTION.set(dict(focus))


def suggestions_panel(db, coder: str, session: str | None = None) -> None:
    """Draw the suggestions panel (an expander) for the open project and coder."""
    st.session_state.setdefault(STATE, {})
    st.session_state.setdefault(BATCH, {})
    with st.expander("Suggested passages · learned from the codings", expanded=False):
        codes = _codes(db)
        if codes.empty:
            st.caption(
                "Suggestions appear for a code once it has a definition or a coded passage "
                f"(learned from its codings from {MIN_CODINGS} on)."
            )
            return
        labels = {
            int(c): f"{p} ({n} coded)"
            for c, p, n in zip(codes["id"], codes["path"], codes["codings"])
        }
        c1, c2 = st.columns([3, 1])
        code_id = c1.selectbox(
            "Code", list(labels), format_func=lambda c: labels[c], key="sugg_code"
        )
        c2.write("")
        if c2.button("Suggest passages", type="primary", key="sugg_go"):
            try:
                st.session_state[STATE][code_id] = _compute(db, code_id, 3 * PAGE)
                st.session_state[BATCH].pop(code_id, None)
            except QdaError as exc:
                st.error(str(exc))
        rows = st.session_state[STATE].get(code_id)
        if rows is None:
            st.caption(
                "Ranks the sentences, clauses, paragraphs or turns nobody has coded with this "
                "code (the unit you code it at) by how alike they are to its coded passages "
                "(English and Spanish alike). Rejected passages are remembered and count "
                "against similar ones."
            )
            return
        if rows.empty:
            st.info("No more suggestions for this code. Press **Suggest passages** to refit.")
            return
        shown = rows.head(PAGE)
        st.caption(
            f"{_n(len(rows), 'suggestion')} open, by {rows['grain'].iloc[0]}; nothing is coded "
            "until you accept. Tick passages for a batch below."
        )
        examples = _example_texts(db, code_id)
        picked = []
        for r, key in zip(shown.itertuples(index=False), _unit_keys(shown)):
            with st.container(border=True, key=f"sugg_card_{key}"):
                h1, h2 = st.columns([4, 2])
                h1.markdown(
                    f"**{md_safe(r.document_title)}** · characters {int(r.char_start):,}–"
                    f"{int(r.char_end):,}"
                )
                h2.markdown(f"{BADGE[r.band]} `{r.score:.0%}`", help=BAND_HELP)
                st.text(r.text[:700] + ("…" if len(r.text) > 700 else ""))
                why = [examples[c] for c in r.why if c in examples]
                if why:
                    st.caption(
                        "Nearest coded: " + " · ".join(f"“{md_safe(_short(t))}”" for t in why)
                    )
                b1, b2, b3, b4 = st.columns([1, 1, 1, 2])
                row = {
                    "key": key,
                    "document_id": int(r.document_id),
                    "char_start": int(r.char_start),
                    "char_end": int(r.char_end),
                }
                b1.button(
                    "Accept",
                    key=f"sugg_acc_{key}",
                    type="primary",
                    on_click=_on_accept,
                    args=(code_id, labels[code_id], row, coder, session),
                )
                b2.button(
                    "Reject", key=f"sugg_rej_{key}", on_click=_on_reject, args=(code_id, row, coder)
                )
                b3.button("Open", key=f"sugg_open_{key}", on_click=_on_open, args=(row,))
                if b4.checkbox("in batch", key=f"sugg_pick_{code_id}_{key}"):
                    picked.append(key)
        _batch(db, code_id, rows, picked, coder, session)


def _batch(db, code_id: int, rows: pd.DataFrame, picked: list[int], coder, session) -> None:
    chosen = rows[_unit_keys(rows).isin(picked)]
    p1, p2 = st.columns(2)
    if p1.button(f"Preview batch ({len(chosen)})", disabled=chosen.empty, key="sugg_preview"):
        st.session_state[BATCH][code_id] = (chosen, preview_suggestions(db, chosen, code_id))
    p2.button(
        f"Reject ticked ({len(chosen)})",
        disabled=chosen.empty,
        key="sugg_rej_batch",
        on_click=_on_reject_batch,
        args=(code_id, chosen, coder),
    )
    pending = st.session_state[BATCH].get(code_id)
    if pending is None:
        return
    batch_rows, preview = pending
    st.caption(
        f"Preview: {_n(len(preview), 'coding')} with {batch_rows['code_path'].iloc[0]} (one batch)"
    )
    st.dataframe(
        preview[["document_title", "char_start", "char_end", "text"]],
        hide_index=True,
        width="stretch",
    )
    st.button(
        f"Code {_n(len(preview), 'passage')}",
        type="primary",
        key="sugg_apply",
        on_click=_on_apply_batch,
        args=(code_id, coder, session),
    )


def _on_reject_batch(code_id: int, chosen: pd.DataFrame, coder: str) -> None:
    try:
        record_batch(get_db(), code_id, chosen, SuggestionDecision.REJECTED, coder)
    except QdaError as exc:
        flash("error", str(exc))
        return
    _drop(code_id, _unit_keys(chosen))
    st.session_state[BATCH].pop(code_id, None)


def _on_apply_batch(code_id: int, coder: str, session) -> None:
    pending = st.session_state[BATCH].pop(code_id, None)
    if pending is None:
        return
    batch_rows, preview = pending
    db = get_db()
    try:
        apply_preview(db, preview, coder=coder, session=session)
        record_batch(db, code_id, batch_rows, SuggestionDecision.ACCEPTED, coder)
    except QdaError as exc:
        flash("error", str(exc))
        return
    _drop(code_id, _unit_keys(batch_rows))
    flash("success", f"Coded {_n(len(preview), 'passage')} as one batch.")
