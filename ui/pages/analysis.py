"""Analysis page: retrieval, boolean and proximity queries, frequencies, co-occurrence,
code x case and code x attribute matrices, agreement, memos."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from coding import (
    Scope,
    add_memo,
    agreement,
    agreement_table,
    agreement_with,
    assistant_names,
    change_counter,
    code_attribute_matrix,
    code_case_matrix,
    coder_names,
    codes_frame,
    cooccurrence,
    disagreements,
    frequencies,
    memos_frame,
    query_and,
    query_near,
    query_not,
    query_or,
    query_same_unit,
    retrieve,
    scope_documents,
)
from corpus import list_documents
from exports import SummaryTarget, format_timestamp
from interviews import case_attributes_frame, cases_frame
from projectfile import QdaError, open_project
from ui.common import current_coder, get_db, project_file
from ui.components.summaries import summary_panel
from ui.consensus_view import consensus_tab
from ui.escape import md_safe
from ui.state import FOCUS, flash
from ui.tables import show, show_wrapped
from ui.widgets import count_radio
from workflows import run_assistant

st.title("Analysis")
db = get_db()
codes = codes_frame(db)
if codes.empty or int(codes["codings"].sum()) == 0:
    st.info(
        "Nothing coded yet. Code some text on the Code page (or auto-code), then come back here."
    )
    st.stop()

paths = codes["path"].tolist()
colors = dict(zip(codes["path"], codes["color"]))
assistants = assistant_names(db)
# people only: the assistant's codings count nowhere unless asked for (coding.Scope.assistants)
coders = [c for c in coder_names(db, with_codings=True) if c not in assistants]
picked_coders = st.sidebar.multiselect(
    "Coders", coders, default=coders, help="whose codings to include"
)
coder_filter = picked_coders if picked_coders and len(picked_coders) < len(coders) else None
all_docs = list_documents(db)
doc_titles = dict(zip(all_docs["id"], all_docs["title"]))
picked_docs = st.sidebar.multiselect(
    "Documents", list(doc_titles), format_func=lambda i: doc_titles[i], help="empty: all documents"
)
all_cases = cases_frame(db)
case_names = dict(zip(all_cases["case_id"], all_cases["name"])) if not all_cases.empty else {}
picked_cases = (
    st.sidebar.multiselect(
        "Cases", list(case_names), format_func=lambda i: case_names[i], help="empty: all cases"
    )
    if case_names
    else []
)
attrs = case_attributes_frame(db)
attr_names = [c for c in attrs.columns if c not in ("case_id", "case_name")]
attr_filter = None
if attr_names:
    f_attr = st.sidebar.selectbox("Attribute filter", ["(none)"] + attr_names)
    if f_attr != "(none)":
        values = sorted(attrs[f_attr].dropna().astype(str).unique())
        f_values = st.sidebar.multiselect(f"{f_attr} is", values)
        attr_filter = {f_attr: f_values} if f_values else None
count = count_radio(db, "an_count")
with_assistant = bool(assistants) and st.sidebar.checkbox(
    "Include the assistant's codings",
    value=False,
    key="an_assistant",
    help="The assistant's codings are kept apart from people's and count nowhere unless you "
    "include them here (or a person accepts them).",
)
# the one scope every view of this page counts over (coding.Scope): built once, passed down
scope = Scope(
    assistants=with_assistant,
    coders=coder_filter,
    documents=picked_docs or None,
    cases=picked_cases or None,
    attributes=attr_filter,
    count=count,
)
doc_filter = scope_documents(db, scope)
st.sidebar.caption(f"Counting: {scope.describe()}")


@st.cache_data(max_entries=16, show_spinner="Computing agreement…")
def cached_agreement(path: str, version: int, unit: str, ag_scope: Scope):
    """Return (agreement, disagreements) over ``ag_scope`` for one state of the project
    (``version`` is a key)."""
    conn = open_project(path)
    try:
        return agreement(conn, ag_scope, unit=unit), disagreements(conn, ag_scope, unit=unit)
    finally:
        conn.conn.close()


@st.cache_data(max_entries=16, show_spinner="Comparing the assistant…")
def cached_versus(path: str, version: int, unit: str, ag_scope: Scope, bot: str, people: tuple):
    """Return the assistant ``bot`` against each of ``people`` (coding.agreement_with)."""
    conn = open_project(path)
    try:
        return agreement_with(conn, ag_scope, bot, people, unit=unit)
    finally:
        conn.conn.close()


def assistant_section(unit: str, people: list[str]) -> None:
    """The assistant against each person (same statistics as between people), and the form that
    runs the assistant on chosen documents and codes."""
    st.subheader("The assistant against each person")
    if assistants:
        bot = st.selectbox("Assistant run", assistants[::-1], key="ag_bot")
        versus = cached_versus(
            str(project_file()),
            change_counter(db),
            unit,
            scope.replace(coders=None),
            bot,
            tuple(people),
        )
        table = agreement_table(versus)
        table.insert(0, "versus", versus["versus"].to_numpy())
        show_wrapped(table)
        st.caption(
            "Each row compares the assistant with one person over the documents both coded, by "
            "the same statistics as between people. The assistant's codings count nowhere else."
        )
    else:
        st.caption("The assistant has not coded yet: run it below to compare it with people.")
    with st.expander("Run the assistant on documents for codes"):
        run_form()


def run_form() -> None:
    """Documents and codes for the assistant; its decisions are saved as its own codings."""
    documents = st.multiselect(
        "Documents", list(doc_titles), format_func=lambda i: doc_titles[i], key="as_docs"
    )
    learnable = codes[codes["codings"] >= 5]["path"].tolist()
    chosen = st.multiselect(
        "Codes",
        learnable,
        default=learnable,
        key="as_codes",
        help="codes with at least 5 codings by people (it learns from them)",
    )
    if st.button("Run the assistant", key="as_run", disabled=not documents or not chosen):
        with st.status("The assistant is coding…", expanded=False) as status:
            bar = st.progress(0.0)

            def progress(done: int, total: int, message: str) -> None:
                bar.progress(done / total if total else 1.0, text=f"{message}: {done}/{total}")

            try:
                report = run_assistant(db, documents, chosen, progress=progress)
            except QdaError as exc:
                status.update(label=str(exc), state="error")
                return
            status.update(label=f"{report.codings} codings by {report.coder}", state="complete")
        skipped = report.codes[report.codes["status"] != "ok"]
        note = "".join(f"; {r.code_path}: {r.status}" for r in skipped.itertuples())
        flash("success", f"The assistant made {report.codings} codings as {report.coder}{note}.")
        st.rerun()


def show_compared(ag) -> None:
    """Say which documents the agreement compared and which it left out (and why), by title."""
    overall = ag.iloc[-1]
    n, left = int(overall["documents"]), overall["documents_left_out"]
    compared = md_safe(overall["documents_compared"]) if n else "none"
    st.markdown(
        f"**Compared** ({n} document{'' if n == 1 else 's'}, coded by every coder): {compared}"
    )
    if left:
        st.markdown(f"**Left out** (coded by only some of the coders): {md_safe(left)}")
    else:
        st.caption("No document left out: every coded document was coded by every coder compared.")


def open_passage(df, key: str) -> None:
    """Offer to open one row's passage on the Code page."""
    if df.empty:
        return
    i = st.selectbox(
        "Open a passage",
        range(len(df)),
        key=key,
        format_func=lambda k: (
            f"{df.iloc[k]['document_title']} [{df.iloc[k]['char_start']}–{df.iloc[k]['char_end']}]"
        ),
    )
    if st.button("Open on the Code page", key=key + "_go"):
        r = df.iloc[i]
        FOCUS.set(
            {
                "document_id": int(r["document_id"]),
                "start": int(r["char_start"]),
                "end": int(r["char_end"]),
            }
        )
        st.switch_page("ui/pages/code.py")


def heatmap(matrix, title: str) -> None:
    """Draw a matrix as a heatmap, with each row label in its code's colour."""
    if matrix.empty:
        st.caption("Nothing to show.")
        return
    fig = px.imshow(
        matrix, text_auto=True, aspect="auto", color_continuous_scale="Blues", title=title
    )
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(range(len(matrix.index))),
        ticktext=[
            f"<span style='color:{colors.get(p, '#333')}'>■</span> {p}" for p in matrix.index
        ],
    )
    st.plotly_chart(fig, width="stretch")


tabs = st.tabs(
    [
        "Retrieval",
        "Boolean",
        "Frequencies",
        "Co-occurrence",
        "Code × case",
        "Agreement",
        "Memos",
        "Consensus",
    ]
)

with tabs[0]:
    code = st.selectbox("Code", paths, key="ret_code")
    children = st.checkbox("Include child codes", value=True, key="ret_children")
    df = retrieve(db, scope.replace(codes=(code,), children=children))
    df["t_start"] = df["t_start"].map(format_timestamp)
    df["t_end"] = df["t_end"].map(format_timestamp)
    st.caption(f"{len(df)} coding{'' if len(df) == 1 else 's'}")
    cols = [
        "document_title",
        "code_path",
        "coder",
        "text",
        "memo",
        "case_name",
        "speaker",
        "page",
        "t_start",
        "t_end",
        "char_start",
        "char_end",
        "weight",
        "coding_id",
    ]
    show(df[[c for c in cols if c in ("text", "document_title") or df[c].notna().any()]])
    open_passage(df, "ret_open")
    if not df.empty:
        st.markdown("**Summarise** · the coded passages' own sentences that cover them best")
        summary_panel(db, scope.replace(children=children), SummaryTarget("code", code=code))

with tabs[1]:
    c1, c2, c3 = st.columns([3, 2, 3])
    a = c1.selectbox("Code A", paths, key="bool_a")
    op = c2.selectbox(
        "Operator",
        ["AND (overlap)", "OR", "NOT", "NEAR", "same paragraph", "same turn"],
        key="bool_op",
    )
    b = c3.selectbox("Code B", paths, index=min(1, len(paths) - 1), key="bool_b")
    distance = (
        st.number_input("Within N characters (NEAR)", 0, 100_000, 200, key="bool_n")
        if op == "NEAR"
        else 0
    )
    try:
        if op.startswith("AND"):
            res = query_and(db, a, b, scope)
        elif op == "OR":
            res = query_or(db, a, b, scope)
        elif op == "NOT":
            res = query_not(db, a, b, scope)
        elif op == "NEAR":
            res = query_near(db, a, b, int(distance), scope)
        else:
            unit = "turn" if op.endswith("turn") else "paragraph"
            res = query_same_unit(db, a, b, unit, scope)
    except QdaError as exc:
        st.error(str(exc))
    else:
        st.caption(f"{len(res)} results")
        show(res)
        open_passage(res, "bool_open")

with tabs[2]:
    by = st.radio("Per", ["code", "document", "case", "attribute"], horizontal=True, key="freq_by")
    attribute = (
        st.selectbox("Attribute", attr_names, key="freq_attr") if by == "attribute" else None
    )
    if by == "attribute" and not attribute:
        st.caption("No case attributes in this project yet.")
    else:
        freq = frequencies(db, by=by, attribute=attribute, scope=scope)
        show(freq)
        if not freq.empty:
            x = (
                "code_path"
                if by == "code"
                else {"document": "document_id", "case": "case_name"}.get(by, attribute)
            )
            fig = px.bar(
                freq,
                x=x,
                y="codings",
                color="code_path",
                color_discrete_map=colors,
                title="Codings",
            )
            st.plotly_chart(fig, width="stretch")

with tabs[3]:
    mode = st.radio(
        "Counted when codes",
        ["overlap", "paragraph", "turn"],
        horizontal=True,
        key="co_mode",
        format_func=lambda m: {
            "overlap": "overlap",
            "paragraph": "share a paragraph",
            "turn": "share a turn",
        }[m],
    )
    used = codes[codes["codings"] > 0]["path"].tolist()
    chosen = st.multiselect("Codes", paths, default=used[:30], key="co_codes")
    if chosen:
        heatmap(
            cooccurrence(db, scope.replace(codes=tuple(chosen)), mode=mode),
            "Co-occurrence",
        )

with tabs[4]:
    value = st.radio(
        "Value",
        ["codings", "coded_chars", "percent", "present"],
        horizontal=True,
        key="cc_value",
        format_func=lambda v: {
            "codings": "codings",
            "coded_chars": "coded characters",
            "percent": "% of the case's text",
            "present": "0/1",
        }[v],
    )
    heatmap(
        code_case_matrix(db, value=value, scope=scope),
        "Code × case",
    )
    if attr_names:
        attribute = st.selectbox("Code × attribute", attr_names, key="ca_attr")
        heatmap(
            code_attribute_matrix(
                db,
                attribute,
                value="percent" if value == "percent" else "codings",
                scope=scope,
            ),
            f"Code × {attribute}",
        )
    else:
        st.caption("Cases come from interviews; none in this project yet.")

with tabs[5]:
    unit = st.radio(
        "Unit", ["char", "sentence", "paragraph", "turn"], horizontal=True, key="ag_unit"
    )
    pair = st.multiselect("Coders to compare", coders, default=coders[:2], key="ag_coders")
    if len(pair) < 2:
        st.caption("Choose at least two coders.")
    else:
        ag, dis = cached_agreement(
            str(project_file()), change_counter(db), unit, scope.replace(coders=tuple(pair))
        )
        show_compared(ag)
        st.dataframe(
            agreement_table(ag),
            hide_index=True,
            width="stretch",
            column_config={
                "units": st.column_config.NumberColumn(
                    "characters" if unit == "char" else f"{unit}s", help="units compared"
                ),
                "documents": st.column_config.NumberColumn("documents compared"),
                "percent": st.column_config.TextColumn("percent agreement"),
                "left out": st.column_config.TextColumn("coded in documents left out"),
            },
        )
        st.caption(
            "n/a (not applied): no coder compared applied the code in the compared documents."
            " undefined: everyone applied it everywhere, so kappa and alpha have no variation to"
            " measure (Krippendorff). Kappa is for two coders. The chart leaves out codes whose"
            " alpha is n/a or undefined."
        )
        per_code = ag[ag["code_id"].notna() & ag["alpha"].notna()]
        if not per_code.empty:
            fig = go.Figure(
                go.Bar(
                    x=per_code["code_path"],
                    y=per_code["alpha"].round(3) + 0.0,
                    marker_color=[colors.get(p, "#999") for p in per_code["code_path"]],
                )
            )
            fig.update_layout(title="Krippendorff's alpha per code", yaxis_range=[-1, 1])
            st.plotly_chart(fig, width="stretch")
        st.subheader("Disagreements, side by side")
        if dis.empty:
            st.caption("No disagreements.")
        else:
            table = dis.rename(
                columns={
                    "document_title": "document",
                    "case_name": "case",
                    "code_path": "code",
                    "coded_by": "coded by",
                    "not_coded_by": "not coded by",
                }
            )
            show_wrapped(
                table[["document", "case", "code", "coded by", "not coded by", "instead", "text"]]
            )
            open_passage(dis, "dis_open")
    assistant_section(unit, pair if len(pair) >= 1 else coders)

with tabs[6]:
    q = st.text_input("Search memos", key="memo_q")
    try:
        memos = memos_frame(db, query=q or None)
    except QdaError as exc:
        st.error(str(exc))
    else:
        show(memos)
    with st.form("project_memo", clear_on_submit=True):
        text = st.text_area("New project memo")
        if st.form_submit_button("Save memo") and text.strip():
            add_memo(db, text, current_coder())
            st.rerun()

with tabs[7]:
    consensus_tab(db, coders, scope)
