"""Export page: evidence tables, matrices, codebook, HTML report, REFI-QDA project and codebook;
REFI-QDA import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coding import codes_frame, count_mode
from corpus import list_documents
from exports import (
    EVIDENCE_FORMATS,
    FIELDS,
    PRESETS,
    check_template,
    citation_template,
    codebook_file,
    codebook_frame,
    evidence_file,
    evidence_scope,
    evidence_table,
    import_upload,
    matrix_file,
    matrix_frame,
    qdpx_file,
    set_citation_template,
)
from interviews import case_attributes_frame, cases_frame
from projectfile import QdaError
from ui.common import get_db, project_file
from ui.state import FOCUS
from ui.tables import show
from ui.widgets import offer

st.title("Export")
db = get_db()
name = project_file().name.split(".")[0] or "project"

WHAT = [
    "Evidence table",
    "Matrix",
    "Codebook",
    "Report (HTML)",
    "REFI-QDA project (.qdpx)",
    "Import REFI-QDA",
]
what = st.radio("What", WHAT, horizontal=True, key="export_what")


def evidence_filters() -> dict:
    codes = codes_frame(db)
    cases = cases_frame(db)
    attrs = case_attributes_frame(db)
    docs = list_documents(db)
    cols = st.columns(3)
    chosen_codes = cols[0].multiselect(
        "Codes (with sub-codes)", codes["path"].tolist(), key="ev_codes"
    )
    chosen_cases = cols[1].multiselect(
        "Cases", cases["name"].tolist() if not cases.empty else [], key="ev_cases"
    )
    titles = dict(zip(docs["title"] + " (#" + docs["id"].astype(str) + ")", docs["id"]))
    chosen_docs = cols[2].multiselect("Documents", list(titles), key="ev_docs")
    cols = st.columns(3)
    attr_names = [c for c in attrs.columns if c not in ("case_id", "case_name")]
    attribute = cols[0].selectbox("Case attribute", ["(any)"] + attr_names, key="ev_attr")
    values = []
    if attribute != "(any)":
        values = cols[0].multiselect(
            f"{attribute} is",
            sorted(attrs[attribute].dropna().astype(str).unique()),
            key="ev_attr_values",
        )
    context = cols[1].selectbox(
        "Context",
        ["none", "100 characters", "300 characters", "whole turn or paragraph"],
        key="ev_context",
    )
    coders = cols[2].text_input("Coders (comma-separated, empty for all)", key="ev_coders")
    return {
        "codes": chosen_codes or None,
        "cases": chosen_cases or None,
        "documents": [int(titles[t]) for t in chosen_docs] or None,
        "attributes": {attribute: values} if attribute != "(any)" and values else None,
        "coders": [c.strip() for c in coders.split(",") if c.strip()] or None,
        "context": {"none": None, "100 characters": 100, "300 characters": 300}.get(
            context, "unit"
        ),
    }


def citation_style() -> str:
    """Show the citation style (a preset or the project's own template); return the template."""
    saved = citation_template(db)
    names = list(PRESETS) + ["Custom"]
    current = next((n for n, t in PRESETS.items() if t == saved), "Custom")
    cols = st.columns([2, 3])
    style = cols[0].selectbox(
        "Citation style", names, index=names.index(current), key="ev_cite_style"
    )
    template = cols[1].text_input(
        "Template",
        value=PRESETS.get(style, saved),
        key=f"ev_cite_template_{style}",
        disabled=style != "Custom",
        help="Fields: "
        + ", ".join(f"{{{f}}} ({d})" for f, d in FIELDS.items())
        + ". A part in [square brackets] is left out when its field is empty.",
    )
    try:
        template = check_template(template)
    except QdaError as exc:
        st.error(str(exc))
        return saved
    if template != saved:
        if st.button("Use this style for the project", key="ev_cite_save"):
            set_citation_template(db, template)
            st.rerun()
        st.caption("Preview with this style; the project keeps its saved style until you save.")
    return template


if what in ("Evidence table", "Report (HTML)"):
    filters = evidence_filters()
    template = citation_style()
    context = filters.pop("context")
    scope = evidence_scope(db, **filters)  # one scope: the table, its downloads, the report
    df = evidence_table(db, scope, context=context, template=template)
    if df.empty:
        st.info(
            "No coded segments match. Code some passages on the Code page, or loosen the filters."
        )
    else:
        n = len(df)
        segments = len(df.drop_duplicates(["code_id", "document_id", "char_start", "char_end"]))
        st.caption(
            f"{n} coding{'' if n == 1 else 's'} on {segments} coded segment"
            + ("" if segments == 1 else "s")
            + ("; the first 50:" if n > 50 else ":")
        )
        preview = df.head(50)
        st.text("Example citation: " + str(preview["citation"].iloc[0]))
        show(
            preview[["code_path", "case_name", "citation", "quote", "coder", "memo"]].rename(
                columns={"code_path": "code", "case_name": "case"}
            )
        )
        labels = {
            f"{r.coding_id}: {r.code_path} — {str(r.quote)[:60]}": r
            for r in preview.itertuples(index=False)
        }
        cols = st.columns([4, 1])
        picked = cols[0].selectbox("Open a passage", list(labels), key="ev_open")
        if cols[1].button("Open in Code page", key="ev_open_btn"):
            row = labels[picked]
            FOCUS.set(
                {
                    "document_id": int(row.document_id),
                    "start": int(row.char_start),
                    "end": int(row.char_end),
                }
            )
            st.switch_page("ui/pages/code.py")
    if what == "Evidence table":
        cols = st.columns(3)
        fmt = cols[0].selectbox("Format", EVIDENCE_FORMATS, key="ev_fmt")
        bom = cols[1].checkbox("CSV with BOM (for Excel)", key="ev_bom")
        per_code = cols[2].checkbox("XLSX: one sheet per code", key="ev_sheets")
        offer(
            "evidence",
            lambda: evidence_file(
                db, df, fmt, f"{name}-evidence", bom=bom, sheet_per_code=per_code, scope=scope
            ),
            (scope, context, fmt, bom, per_code, len(df), template),
        )
    else:
        clips = st.checkbox(
            "A short recording under each interview quote (cut from the attached recordings;"
            " makes the report larger)",
            key="report_clips",
        )
        offer(
            "report",
            lambda: evidence_file(db, df, "html", f"{name}-report", scope=scope, clips=clips),
            (scope, context, len(df), template, clips),
        )

elif what == "Matrix":
    cols = st.columns(3)
    kind = cols[0].selectbox(
        "Matrix", ["code-case", "code-attribute", "cooccurrence"], key="mx_kind"
    )
    value = cols[1].selectbox(
        "Values", ["codings", "coded_chars", "percent", "present"], key="mx_value"
    )
    attrs = [c for c in case_attributes_frame(db).columns if c not in ("case_id", "case_name")]
    attribute = (
        cols[2].selectbox("Attribute", attrs, key="mx_attr") if kind == "code-attribute" else None
    )
    transpose = (
        st.checkbox("Cases (or values) as rows, codes as columns", key="mx_transpose")
        if kind != "cooccurrence"
        else False
    )
    counts = {"segments": "a segment once", "codings": "every coding"}
    count = st.radio(
        "Count",
        list(counts),
        index=list(counts).index(count_mode(db)),
        format_func=counts.get,
        horizontal=True,
        key="mx_count",
        help="When several coders coded the same span with the same code: count it once (the "
        "default when more than one coder has coded) or every coder's coding.",
    )
    try:
        m = matrix_frame(
            db, kind=kind, value=value, attribute=attribute, transpose=transpose, count=count
        )
    except QdaError as exc:
        st.warning(str(exc))
        m = pd.DataFrame()
    if m.empty or len(m.columns) <= 1:
        st.info("Nothing to show yet for this matrix.")
    else:
        show(m)
        fmt = st.selectbox("Format", ["xlsx", "csv"], key="mx_fmt")
        offer(
            "matrix",
            lambda: matrix_file(m, fmt, f"{name}-{kind}"),
            (kind, value, attribute, transpose, fmt, count),
        )

elif what == "Codebook":
    cb = codebook_frame(db)
    if cb.empty:
        st.info("The codebook is empty.")
    else:
        show(cb)
        fmt = st.selectbox("Format", ["docx", "csv", "qdc"], key="cb_fmt")
        offer("codebook", lambda: codebook_file(db, fmt, f"{name}-codebook"), fmt)

elif what == "REFI-QDA project (.qdpx)":
    st.write(
        "The whole project (documents, codes, codings, coders, cases, memos) in the REFI-QDA "
        "exchange format, for NVivo, ATLAS.ti, MAXQDA or QualCoder. A transcript with a recording"
        " is an audio or video source with its sync points."
    )
    choices = {
        "reference": "Name them only (they stay on this computer)",
        "embed": "Put them in the file (large; share it only where the recordings may go)",
        "none": "Leave them out (transcripts as text)",
    }
    recordings = st.radio(
        "Recordings", list(choices), format_func=choices.get, horizontal=True, key="qdpx_media"
    )
    offer("qdpx", lambda: qdpx_file(db, name, recordings), recordings)

else:
    st.write(
        "Import a REFI-QDA project (.qdpx) or codebook (.qdc) into this project. Nothing is "
        "changed if the file cannot be read completely."
    )
    upload = st.file_uploader("REFI-QDA file", type=["qdpx", "qdc"], key="import_file")
    if upload is not None and st.button("Import", key="import_btn"):
        try:
            report = import_upload(upload.getvalue(), upload.name, project_file())
        except QdaError as exc:
            st.error(f"{exc} — the project was not changed.")
        else:
            st.success("\n".join(f"{k}: {v}" for k, v in report.imported.items()))
            for note in report.notices:
                st.info(note)
            if report.skipped:
                st.warning(
                    f"Not imported ({len(report.skipped)}):\n\n"
                    + "\n".join(f"- {s}" for s in report.skipped)
                )
