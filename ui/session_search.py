"""From a search hit to a coding in one step (the Search page's code bar and hit buttons).

"Open" lands on the Code page at the hit: that document, the window holding it, scrolled to it,
the unit of the chosen level highlighted and selected (so a quick key or the toolbar codes it).
"Code this hit" codes the hit's sentence(s), paragraph or turn with the code picked in the bar;
"Code all hits" previews every hit's unit and saves them as one undoable batch. Units come from
``coding.preview_hits``, so every search mode (keyword, meaning) codes the same way.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coding import (
    apply_preview,
    code_span,
    codes_frame,
    ensure_code_path,
    preview_hits,
    quote_limit,
    resolve_code,
    undo,
)
from projectfile import QdaError
from ui.common import current_coder, get_db, session_id
from ui.state import (
    CODE_SELECTION,
    FOCUS,
    SEARCH_CODE,
    SEARCH_CODED,
    SEARCH_LEVEL,
    SEARCH_PREVIEW,
    SEARCH_QUERY,
    FlashKind,
    flash,
    show_flash,
)

LEVELS = ["auto", "sentence", "paragraph", "turn"]
LEVEL_LABELS = {"auto": "Auto"}  # auto: sentence in PDFs, turn in transcripts, else paragraph
MAX_BATCH = 5000
HIT_COLUMNS = ["document_id", "char_start", "char_end", "segment_kind"]
BAR = "search_bar"  # where the code bar's messages show


def _flash(kind: FlashKind, message: str) -> None:
    flash(kind, message, place=BAR)


def _code_value():
    """Return the code picked in the bar: an id, a new path (str), or None."""
    value = st.session_state.get(SEARCH_CODE)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _level() -> str:
    level = st.session_state.get(SEARCH_LEVEL)
    return level if level in LEVELS else "auto"


def _hit_frame(hit) -> pd.DataFrame:
    return pd.DataFrame([{c: getattr(hit, c, None) for c in HIT_COLUMNS}])


def _code_id(db, value) -> int:
    """Return the id of the picked code, creating a typed new path (checked like everywhere)."""
    if isinstance(value, str):
        return ensure_code_path(db, value.strip(), coder=current_coder())
    return int(resolve_code(db, int(value)))


def _units(db, hits: pd.DataFrame, query: str, code="unit") -> pd.DataFrame:
    return preview_hits(db, hits, code, _level(), query=query)


def _on_code_hit(hit_row: dict, query: str) -> None:
    """Callback of "Code this hit": code the hit's unit(s) at the chosen level."""
    db = get_db()
    value = _code_value()
    if value is None:
        _flash("error", "Pick or type a code in the bar above first.")
        return
    try:
        rows = _units(db, pd.DataFrame([hit_row]), query)
        if rows.empty:
            _flash("error", "This passage is not a speaker turn: code it at another level.")
            return
        cid = _code_id(db, value)
        for r in rows.itertuples():
            code_span(
                db,
                int(r.document_id),
                int(r.char_start),
                int(r.char_end),
                cid,
                current_coder(),
                session=session_id(),
            )
    except QdaError as exc:
        _flash("error", str(exc))
        return
    path = codes_frame(db).set_index("id").loc[cid, "path"]
    SEARCH_CODED.setdefault({})[hit_row["key"]] = f"{path} ({_level()})"
    quote = " ".join(str(rows["text"].iloc[0]).split())
    quote = quote[:90] + ("…" if len(quote) > 90 else "")
    _flash("success", f"Coded “{quote}” with {path} ({_level()}). ↶ Undo takes it back.")


def _on_preview_all(fetch_all, total: int, query: str) -> None:
    db = get_db()
    value = _code_value()
    if value is None:
        _flash("error", "Pick or type a code in the bar above first.")
        return
    try:
        hits = fetch_all(min(total, MAX_BATCH))
        code = value if isinstance(value, str) else int(value)
        preview = _units(db, hits, query, code=code)
    except QdaError as exc:
        _flash("error", str(exc))
        return
    if preview.empty:
        _flash("error", "No hit is a speaker turn: choose the sentence or paragraph level.")
        return
    SEARCH_PREVIEW.set(preview)


def _on_save_all() -> None:
    preview = SEARCH_PREVIEW.pop()
    if not isinstance(preview, pd.DataFrame):
        return
    try:
        batch = apply_preview(get_db(), preview, coder=current_coder(), session=session_id())
    except QdaError as exc:
        _flash("error", str(exc))
        return
    _flash(
        "success",
        f"Saved {len(preview)} codings as one batch (#{batch}). ↶ Undo takes the whole batch back.",
    )


def _on_undo() -> None:
    try:
        label = undo(get_db(), current_coder(), session=session_id())
    except QdaError as exc:
        _flash("error", str(exc))
        return
    coded = SEARCH_CODED.get()
    if label and coded:  # the last "✓ coded" mark goes too
        coded.popitem()
    _flash("success" if label else "error", f"Undid: {label}" if label else "Nothing to undo.")


def code_bar(db, query: str, total: int, fetch_all) -> None:
    """Show the code bar: the code to apply, the level, "Code all hits" (preview, then save) and
    Undo. ``fetch_all(limit)`` returns the hits of the current search (any mode)."""
    codes = codes_frame(db)
    paths = {int(r.id): r.path for r in codes.itertuples()}
    held = st.session_state.get(SEARCH_CODE)
    if held is not None and not isinstance(held, str) and held not in paths:
        # a code id this project does not have (deleted, merged): the bar shows it empty
        st.session_state[SEARCH_CODE] = None
    with st.container(border=True, key="search_code_bar"):
        c1, c2, c3, c4 = st.columns([2.6, 3.6, 1.8, 1.1], vertical_alignment="bottom")
        c1.selectbox(
            "Code hits with",
            list(paths),
            index=None,
            format_func=lambda i: paths.get(i, str(i)),
            placeholder="Pick a code, or type a new 'Parent > Child'",
            accept_new_options=True,
            key=SEARCH_CODE,
        )
        c2.segmented_control(
            "Level",
            LEVELS,
            default="auto",
            format_func=lambda v: LEVEL_LABELS.get(v, v),
            key=SEARCH_LEVEL,
            help="What a hit codes. Auto: the sentence in a PDF (its paragraphs are the layout's"
            " guess), the speaker turn in a transcript, the paragraph elsewhere.",
        )
        n = min(total, MAX_BATCH)
        c3.button(
            f"Code all {n} hits…",
            key="search_code_all",
            disabled=_code_value() is None,
            on_click=_on_preview_all,
            args=(fetch_all, total, query),
            help="Preview the codings first; they are saved as one batch that one Undo removes.",
        )
        c4.button("↶ Undo", key="search_undo", on_click=_on_undo, help="Undo your last change")
        show_flash(BAR)
        preview = SEARCH_PREVIEW.get()
        if isinstance(preview, pd.DataFrame):
            st.markdown(f"**Preview: {len(preview)} codings** ({_level()} level)")
            _long_quotes_note(db, preview)
            shown = preview[["document_title", "code", "chars", "text"]].assign(
                code=preview["code"].map(lambda c: paths.get(c, str(c)))
            )
            st.dataframe(
                shown.style.apply(_flag_long, axis=1, flags=preview["too_long"].to_dict()),
                hide_index=True,
                width="stretch",
                height=min(38 + 35 * len(preview), 320),
                column_config={"chars": st.column_config.NumberColumn("chars", format="%d")},
            )
            s1, s2 = st.columns([1, 3])
            s1.button(
                f"Save {len(preview)} codings",
                type="primary",
                key="search_save_all",
                on_click=_on_save_all,
            )
            s2.button(
                "Cancel",
                key="search_cancel_all",
                on_click=SEARCH_PREVIEW.pop,
            )


def _long_quotes_note(db, preview: pd.DataFrame) -> None:
    """Say how many previewed quotes are over the project's quote limit (their rows are red)."""
    n = int(preview["too_long"].sum()) if "too_long" in preview.columns else 0
    if n:
        st.warning(
            f"{n} quote{'s are' if n > 1 else ' is'} longer than {quote_limit(db):,} characters"
            " (red rows): a sentence level codes less.",
            icon="✂️",
        )


def _flag_long(row: pd.Series, flags: dict) -> list[str]:
    """Style a preview row red when its quote is over the limit."""
    style = "background-color: #fde2e2" if flags.get(row.name) else ""
    return [style] * len(row)


def open_hit(hit) -> None:
    """Show "Open": the Code page at this hit, its unit highlighted and selected."""
    if st.button("Open", key=f"open_{hit.segment_id}", help="Read and code it in the Code page"):
        start, end = int(hit.char_start), int(hit.char_end)
        try:
            units = _units(get_db(), _hit_frame(hit), st.session_state.get(SEARCH_QUERY, ""))
            if not units.empty:
                start, end = int(units["char_start"].min()), int(units["char_end"].max())
        except QdaError:
            pass  # the whole passage then
        place = {"document_id": int(hit.document_id), "start": start, "end": end}
        FOCUS.set(dict(place))
        CODE_SELECTION.set(dict(place))
        st.switch_page("ui/pages/code.py")


def code_hit_button(db, hit, query: str) -> None:
    """Show "Code this hit" (with the bar's code and level) and what this hit was coded with."""
    key = int(hit.segment_id)
    row = {c: getattr(hit, c, None) for c in HIT_COLUMNS} | {"key": key}
    st.button(
        "Code this hit",
        key=f"code_hit_{key}",
        disabled=_code_value() is None,
        on_click=_on_code_hit,
        args=(row, query),
        help="Codes this hit at the level chosen above with the code picked there.",
    )
    done = (SEARCH_CODED.get() or {}).get(key)
    if done:
        st.caption(f"✓ {done}")
