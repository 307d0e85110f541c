"""Framework page: a framework matrix (rows: cases, documents or an attribute's values; columns:
codes), the researcher's summary of each cell, the quotes behind a cell, and the matrix as DOCX,
XLSX, Markdown or LaTeX."""

from __future__ import annotations

import streamlit as st

from coding import (
    Scope,
    change_counter,
    coder_names,
    codes_frame,
    framework_rows,
    memos_frame,
    move_cell_summaries,
    orphan_summaries,
    set_cell_summary,
)
from exports import FRAMEWORK_FORMATS, QUOTES_AS, cell_quotes, framework_file, framework_table
from interviews import case_attributes_frame
from ui.common import current_coder, get_db, project_file
from ui.components.summaries import cell_summary_target, summary_panel
from ui.escape import md_safe
from ui.framework_grid import ROW, count_grid, framework_edits, summary_grid
from ui.state import flash
from ui.tables import readable_date, show, show_wrapped
from ui.widgets import count_radio, offer

st.title("Framework matrix")
db = get_db()
codes = codes_frame(db)
if codes.empty:
    st.info("No codes yet. Build a codebook on the Codebook page, code some text, then come back.")
    st.stop()

attrs = case_attributes_frame(db)
attr_names = [c for c in attrs.columns if c not in ("case_id", "case_name")]
ROWS = ["case", "document", *(f"attribute:{a}" for a in attr_names)]
ROW_LABELS = {"case": "Cases", "document": "Documents"}

c1, c2, c3 = st.columns([2, 5, 2])
rows = c1.selectbox(
    "Rows",
    ROWS,
    format_func=lambda r: ROW_LABELS.get(r, f"Cases by {r.split(':', 1)[-1]}"),
    key="fw_rows",
)
children = c3.checkbox(
    "Columns gather sub-codes",
    value=True,
    key="fw_children",
    help="A column counts its code and every sub-code; off: one column per code.",
)
paths = [p for p in codes["path"] if not children or " > " not in p]
picked = c2.multiselect(
    "Codes (columns)", codes["path"].tolist(), key="fw_codes", help=f"empty: {len(paths)} codes"
)
coders = coder_names(db, with_codings=True)
picked_coders = st.sidebar.multiselect("Coders", coders, default=coders, key="fw_coders")
count = count_radio(db, "fw_count")
only_filled = st.checkbox("Only rows with codings or a summary", value=True, key="fw_filled")
# the one scope the matrix, its quotes and its files count over
scope = Scope(
    codes=picked or None,
    children=children,
    coders=picked_coders if picked_coders and len(picked_coders) < len(coders) else None,
    count=count,
)
table = framework_table(db, scope, rows=rows, quotes=0, only_filled=only_filled)
st.caption(f"Counting: {md_safe(table.scope)}")
if table.rows.empty:
    st.info("Nothing coded in this scope yet.")
    st.stop()

version = change_counter(db)
orphans = orphan_summaries(db, rows)
if not orphans.empty:
    every_row = framework_rows(db, Scope(), rows)
    targets = dict(zip(every_row["row_key"], every_row["row_label"]))
    many = f"{len(orphans)} summar{'y' if len(orphans) == 1 else 'ies'}"
    with st.expander(f"{many} on rows that are gone (reattach them)"):
        for old_key, part in orphans.groupby("row_key"):
            st.markdown(f"**{md_safe(old_key.split(':', 1)[1])}**")
            show_wrapped(part[["text", "author", "updated_at"]])
            a, b = st.columns([3, 1])
            target = a.selectbox(
                "Reattach to", list(targets), format_func=targets.get, key=f"fw_re_{old_key}"
            )
            if b.button("Reattach", key=f"fw_re_go_{old_key}"):
                n = move_cell_summaries(db, old_key, target, current_coder())
                flash("success", f"Reattached {n} summaries to {targets[target]}.")
                st.rerun()
tab_grid, tab_cell, tab_files = st.tabs(["Summaries", "Cell and quotes", "Files"])

with tab_grid:
    st.markdown("**Codings per cell**")
    show(count_grid(table.rows, table.columns, table.cells))
    st.markdown("**Summaries** (type in a cell, then save)")
    grid = summary_grid(table.rows, table.columns, table.summaries)
    edited = st.data_editor(
        grid,
        hide_index=True,
        disabled=[ROW],
        width="stretch",
        key=f"fw_grid_{rows}_{version}",
    )
    edits = framework_edits(grid, edited)
    if st.button(
        f"Save {len(edits)} summar{'y' if len(edits) == 1 else 'ies'}" if edits else "Save",
        disabled=not edits,
        key="fw_save_grid",
    ):
        for key, code_id, text in edits:
            set_cell_summary(db, key, code_id, text, current_coder())
        flash("success", f"Saved {len(edits)} summar{'y' if len(edits) == 1 else 'ies'}.")
        st.rerun()

with tab_cell:
    labels = dict(zip(table.rows["row_key"], table.rows["row_label"]))
    col_paths = dict(zip(table.columns["code_id"].astype(int), table.columns["code_path"]))
    a, b = st.columns(2)
    key = a.selectbox("Row", list(labels), format_func=labels.get, key="fw_cell_row")
    code_id = b.selectbox("Code", list(col_paths), format_func=col_paths.get, key="fw_cell_code")
    n, summary, _refs = table.cell(key, int(code_id))
    st.markdown(f"**{n} coding{'' if n == 1 else 's'}** in this cell")
    memo = memos_frame(db, target="cell", target_id=int(code_id))
    memo = memo[memo["cell_row"] == key]
    # always one caption, so the summary box keeps its place in the page between cells (a box
    # that moves leaves the previous cell's box on screen until the run ends)
    if memo.empty:
        st.caption("No summary yet")
    else:
        when = readable_date(memo.iloc[0]["updated_at"])
        st.caption(f"Summary written by {md_safe(memo.iloc[0]['author'])}, {when}")
    text = st.text_area(
        "Summary of this cell", value=summary, key=f"fw_sum_{key}_{code_id}_{version}", height=140
    )
    if st.button("Save summary", key="fw_save_cell"):
        if text.strip() == summary.strip():
            st.info("The summary is as saved.")
        else:
            set_cell_summary(db, key, int(code_id), text, current_coder())
            flash("success", f"Saved the summary of {labels[key]} × {col_paths[int(code_id)]}.")
            st.rerun()
    if n:
        quotes = cell_quotes(db, scope, table, key, int(code_id))
        st.markdown(f"**Quotes** ({len(quotes)})")
        show_wrapped(quotes[["n", "quote", "citation"]])
        st.markdown("**Suggest a summary** · the cell's own sentences that cover its passages")
        cell_scope, target = cell_summary_target(scope, key, int(code_id))
        summary_panel(db, cell_scope, target, key="fw_suggest")

with tab_files:
    fmt = st.radio(
        "Format",
        FRAMEWORK_FORMATS,
        horizontal=True,
        format_func={"docx": "DOCX", "xlsx": "XLSX", "md": "Markdown", "tex": "LaTeX"}.get,
        key="fw_fmt",
    )
    left, right, _ = st.columns([1, 2, 3])
    per_cell = left.number_input("Quotes per cell", 0, 50, 3, key="fw_quotes")
    quotes_as = (
        right.radio("Quotes in the DOCX", QUOTES_AS, horizontal=True, key="fw_quotes_as")
        if fmt == "docx"
        else "appendix"
    )
    settings = (rows, scope, only_filled, fmt, per_cell, quotes_as, version)
    name = f"framework-{project_file().name.split('.')[0] or 'project'}"
    offer(
        "framework",
        lambda: framework_file(
            framework_table(db, scope, rows=rows, quotes=int(per_cell), only_filled=only_filled),
            fmt,
            name,
            quotes_as=quotes_as,
        ),
        settings,
    )
