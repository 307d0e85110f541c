"""Shared widgets: document picker, code picker, coder filter, count mode, coloured code chips
(all text escaped), saving an auto-coding preview, a prepared file's download button."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coding import apply_preview, coder_names, count_mode
from corpus import list_documents
from projectfile import QdaError
from ui.components.span_reader import safe_color
from ui.escape import md_safe
from ui.state import export_file, export_settings, flash, preview_key


def chip_html(label: str, color: str | None, prefix: str = "") -> str:
    """Return an escaped HTML chip: a coloured dot and the code label (for unsafe_allow_html)."""
    col = safe_color(color)
    pre = f"<b>{md_safe(prefix)}</b>&nbsp;" if prefix else ""
    return (
        '<span class="qda-chip" style="display:inline-block;margin:0 .3rem .3rem 0;'
        f"padding:.05rem .5rem;border-radius:1rem;border:1px solid {col};background:{col}22;"
        'font-size:.85rem;white-space:nowrap">'
        f'{pre}<span style="color:{col}">●</span>&nbsp;{md_safe(label)}</span>'
    )


def code_chips(
    rows: list[tuple[str, str | None]] | pd.DataFrame, prefixes: list[str] | None = None
) -> None:
    """Show code chips for (label, colour) pairs or a codes frame (path, color)."""
    if isinstance(rows, pd.DataFrame):
        rows = list(zip(rows["path"], rows["color"]))
    if not rows:
        return
    prefixes = prefixes or [""] * len(rows)
    st.markdown(
        "".join(chip_html(lbl, col, p) for (lbl, col), p in zip(rows, prefixes)),
        unsafe_allow_html=True,
    )


def document_label(row: pd.Series | dict) -> str:
    """Return a one-line label for a document row of corpus.store.list_documents."""
    pages = row.get("page_count") or 0
    extra = f", {int(pages)} p." if pages and pages > 1 else ""
    old = (
        "" if row.get("is_current", 1) else f", version {int(row.get('version') or 0)}, superseded"
    )
    return f"{row['title']} ({row['kind']}{extra}{old}) #{int(row['id'])}"


def document_picker(
    db,
    key: str = "doc_pick",
    label: str = "Document",
    default: int | None = None,
    kind: str | None = None,
) -> int | None:
    """Show a document selectbox; return the chosen document id (None when the project has none)."""
    docs = list_documents(db, kind=kind)
    if default is not None and int(default) not in set(docs["id"].astype(int)):
        docs = list_documents(
            db, kind=kind, include_old=True
        )  # a focus may point at an older version
    if docs.empty:
        return None
    ids = [int(i) for i in docs["id"]]
    labels = {int(r["id"]): document_label(r) for _, r in docs.iterrows()}
    if default is not None and int(default) in labels:
        st.session_state[key] = int(default)
    elif st.session_state.get(key) not in labels:
        st.session_state[key] = ids[0]
    return st.selectbox(label, ids, format_func=lambda i: labels[i], key=key)


def code_picker(
    codes: pd.DataFrame,
    key: str = "code_pick",
    label: str = "Codes",
    multiple: bool = True,
    help: str | None = None,
) -> list[int]:
    """Show a code picker over a codes frame (id, path); return the chosen code ids."""
    if codes is None or codes.empty:
        return []
    paths = {int(r.id): r.path for r in codes.itertuples()}
    if multiple:
        return list(
            st.multiselect(label, list(paths), format_func=lambda i: paths[i], key=key, help=help)
        )
    choice = st.selectbox(label, list(paths), format_func=lambda i: paths[i], key=key, help=help)
    return [choice] if choice is not None else []


def coder_filter(db, me: str, key: str = "coder_view") -> list[str] | None:
    """Ask whose codings to show (mine, another coder's, all); return coder names, None for all."""
    names = coder_names(db)
    view = st.radio(
        "Show codings of", ["me", "another coder", "all coders"], horizontal=True, key=key
    )
    if view == "me":
        return [me]
    if view == "another coder":
        others = [n for n in names if n != me]
        if not others:
            st.caption("No other coder in this project yet.")
            return []
        return [st.selectbox("Coder", others, key=key + "_who")]
    return None


def save_preview_codings(db, prefix: str, coder: str) -> None:
    """Show the auto-coding preview kept in the session under ``prefix + '_preview'``; save it.

    The outcome is flashed (ui.state.flash) for the next run.
    """
    preview = preview_key(prefix).get()
    if not isinstance(preview, pd.DataFrame):
        return
    st.dataframe(
        preview[["document_title", "char_start", "char_end", "code", "text"]],
        hide_index=True,
        width="stretch",
    )
    if st.button(
        f"Save {len(preview)} codings", type="primary", disabled=preview.empty, key=f"{prefix}_save"
    ):
        try:
            batch = apply_preview(db, preview, coder=coder)
            flash("success", f"Saved batch {batch} ({len(preview)} codings).")
        except QdaError as exc:
            flash("error", str(exc))
        preview_key(prefix).pop()
        st.rerun()


COUNT_LABELS = {
    "segments": "a segment once (however many coders coded it)",
    "codings": "every coding",
}


def count_radio(db, key: str) -> str:
    """Show the sidebar's 'Count' choice (default: the project's count mode); return it."""
    return st.sidebar.radio(
        "Count",
        list(COUNT_LABELS),
        index=list(COUNT_LABELS).index(count_mode(db)),
        format_func=COUNT_LABELS.get,
        key=key,
        help="When several coders coded the same span with the same code: count it once (the "
        "default when more than one coder has coded) or count every coder's coding.",
    )


def offer(key: str, make, settings: object = None) -> None:
    """Show a 'Prepare file' button that builds the file once (``make()`` returns bytes, name,
    MIME type), then a download button for it.

    The prepared file is offered while ``settings`` stay as they were when it was built.
    """
    if st.button("Prepare file", key=f"prepare_{key}"):
        try:
            export_file(key).set(make())
            export_settings(key).set(repr(settings))
        except QdaError as exc:
            st.error(str(exc))
    prepared = export_file(key).get()
    if prepared and export_settings(key).get() != repr(settings):
        export_file(key).pop()  # filters or format changed since: prepare again
        prepared = None
    if prepared:
        data, file_name, mime = prepared
        st.download_button(
            f"Download {file_name} ({len(data):,} bytes)",
            data,
            file_name=file_name,
            mime=mime,
            key=f"download_{key}",
        )
