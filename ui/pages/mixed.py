"""Mixed-methods page: a joint display of codes against groups of cases made from a case
attribute (shares of cases and representative quotes), a crosstab of two attributes over the
cases that have a code, and two groups of cases compared for one code; each as CSV, XLSX or
DOCX."""

from __future__ import annotations

import streamlit as st

from coding import Scope, attribute_crosstab, coder_names, codes_frame
from exports import MIXED_FORMATS, compare_table, joint_grid, joint_table, mixed_file
from interviews import case_attributes_frame
from ui.common import get_db
from ui.escape import md_safe
from ui.tables import show, show_wrapped
from ui.widgets import count_radio, offer

st.title("Mixed methods")
db = get_db()
codes = codes_frame(db)
attrs = case_attributes_frame(db)
names = [c for c in attrs.columns if c not in ("case_id", "case_name")]
if codes.empty or not names:
    st.info(
        "Joint displays need codes and cases with attributes: import interviews, set case "
        "attributes on the Interviews page and code some text first."
    )
    st.stop()

coders = coder_names(db, with_codings=True)
picked_coders = st.sidebar.multiselect("Coders", coders, default=coders, key="mx_coders")
count = count_radio(db, "mx_count")
base = Scope(
    coders=picked_coders if picked_coders and len(picked_coders) < len(coders) else None,
    count=count,
)
numbers = {a for a in names if str(attrs[a].dtype).startswith("float")}
# the default grouping: the attribute with the fewest values that still splits the cases
spread = [attrs[a].dropna().astype(str).nunique() for a in names]
by_spread = sorted(range(len(names)), key=lambda i: (spread[i] < 2, spread[i]))
few = by_spread[0]


def groups_for(attribute: str, key: str):
    """Ask how to group a numeric attribute's values; return the bins (None: each value)."""
    if attribute not in numbers:
        return None
    text = st.text_input(
        f"Bins for {attribute} (edges, e.g. 0,30,45,60,120; empty: each value)",
        key=key,
    )
    if not text.strip():
        return None
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        st.error(f"{text!r}: give numbers separated by commas")
        st.stop()


tab_joint, tab_cross, tab_compare = st.tabs(["Joint display", "Crosstab", "Compare groups"])

with tab_joint:
    a, b, c = st.columns([2, 4, 2])
    attribute = a.selectbox("Group cases by", names, index=few, key="mx_attr")
    picked = b.multiselect("Codes", codes["path"].tolist(), key="mx_codes", help="empty: all")
    children = c.checkbox("Codes gather sub-codes", value=True, key="mx_children")
    bins = groups_for(attribute, "mx_bins")
    quotes = st.columns([1, 5])[0].number_input("Quotes per cell", 0, 10, 2, key="mx_quotes")
    scope = base.replace(codes=tuple(picked) or None, children=children)
    table = joint_table(db, scope, attribute, bins, quotes=int(quotes))
    st.caption(f"Counting: {md_safe(scope.describe())}")
    show(joint_grid(table))
    st.markdown("**Representative quotes** (one per case, longest first)")
    quoted = table.loc[table["quotes"] != "", ["code_path", "group", "quotes"]]
    quoted = quoted.assign(quotes=quoted["quotes"].str.split("\n")).explode("quotes")
    show_wrapped(quoted.rename(columns={"code_path": "code", "quotes": "quote"}))
    fmt = st.radio("Format", MIXED_FORMATS, horizontal=True, key="mx_fmt")
    offer(
        "mixed_joint",
        lambda: mixed_file(table, fmt, f"joint-{attribute}", "joint", attribute, scope.describe()),
        (scope, attribute, bins, quotes, fmt),
    )

with tab_cross:
    a, b, c = st.columns(3)
    first = a.selectbox("Rows", names, index=few, key="mx_x_a")
    second = b.selectbox("Columns", names, index=by_spread[min(1, len(names) - 1)], key="mx_x_b")
    code = c.selectbox("Cases with code", ["(any case)", *codes["path"]], key="mx_x_code")
    scope = base if code == "(any case)" else base.replace(codes=(code,), children=True)
    crosstab = attribute_crosstab(db, first, second, scope, groups_for(first, "mx_x_bins_a"), None)
    st.caption(
        "Cases" + ("" if code == "(any case)" else f" with at least one coding of {md_safe(code)}")
    )
    show(crosstab.reset_index() if len(crosstab) else crosstab)
    fmt = st.radio("Format", MIXED_FORMATS, horizontal=True, key="mx_x_fmt")
    offer(
        "mixed_crosstab",
        lambda: mixed_file(crosstab, fmt, f"crosstab-{first}-{second}"),
        (scope, first, second, fmt),
    )

with tab_compare:
    code = st.selectbox("Code (with its sub-codes)", codes["path"].tolist(), key="mx_c_code")
    attribute = st.selectbox("Groups by", names, index=few, key="mx_c_attr")
    values = sorted(attrs[attribute].dropna().astype(str).unique())
    a, b = st.columns(2)
    group_a = a.multiselect("Group A", values, default=values[:1], key="mx_c_a")
    group_b = b.multiselect("Group B", values, default=values[1:2], key="mx_c_b")
    if not group_a or not group_b:
        st.caption("Choose values for both groups.")
    else:
        scope = base.replace(codes=(code,), children=True)
        cmp = compare_table(db, scope, {attribute: group_a}, {attribute: group_b})
        shown = cmp.assign(**{c: (100 * cmp[c]).round(1) for c in ("a_share", "b_share", "diff")})
        shown = shown.drop(columns=["code_id", "a_quote_ids", "b_quote_ids"]).rename(
            columns={
                "code_path": "code",
                "a_cases": "A cases",
                "a_share": "A % of cases",
                "b_cases": "B cases",
                "b_share": "B % of cases",
                "diff": "A − B (points)",
                "only_in": "only in",
                "a_quotes": "A quotes",
                "b_quotes": "B quotes",
            }
        )
        only_a = cmp[cmp["only_in"] == "A"]["code_path"].tolist()
        if only_a:
            st.markdown(
                f"**Only group A ({md_safe(', '.join(group_a))}) talks about:** "
                + md_safe(", ".join(only_a))
            )
        show_wrapped(shown)
        fmt = st.radio("Format", MIXED_FORMATS, horizontal=True, key="mx_c_fmt")
        offer(
            "mixed_compare",
            lambda: mixed_file(cmp, fmt, f"compare-{attribute}"),
            (scope, attribute, group_a, group_b, fmt),
        )
