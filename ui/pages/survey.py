"""Survey page: import a CSV/XLSX with one respondent per row (preview, column roles, bad rows),
then code every answer to one question in a grid."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from coding import codes_frame
from interviews import infer_columns, plan_survey, read_table, surveys_frame
from projectfile import QdaError
from ui.common import current_coder, get_db, session_id
from workflows import apply_grid_edits, grid_edits, import_survey, survey_grid

ROLES = ["id", "attribute", "open", "skip"]
TYPES = ["text", "number", "date", "category"]

st.title("Survey")
db = get_db()
coder = current_coder()

st.subheader("Import a survey or spreadsheet")
st.caption(
    "One respondent per row. Chosen columns become the respondent's case attributes; open-ended"
    " columns become documents whose answers you code like interview turns."
)
upload = st.file_uploader("CSV or XLSX file", type=["csv", "xlsx"], key="survey_file")
if upload is not None:
    data = upload.getvalue()
    try:
        table = read_table(data, upload.name)
    except QdaError as exc:
        st.error(str(exc))
        st.stop()
    st.markdown(f"**{upload.name}**: {len(table.rows):,} rows, {len(table.columns)} columns")
    st.dataframe(
        pd.DataFrame(table.rows[:8], columns=table.columns), hide_index=True, width="stretch"
    )
    digest = hashlib.sha256(data).hexdigest()[:12]
    guesses = pd.DataFrame(
        [{"column": g.name, "role": g.kind, "type": g.type} for g in infer_columns(table)]
    )
    roles = st.data_editor(
        guesses,
        hide_index=True,
        disabled=["column"],
        column_config={
            "role": st.column_config.SelectboxColumn("role", options=ROLES, required=True),
            "type": st.column_config.SelectboxColumn("type", options=TYPES, required=True),
        },
        key=f"survey_roles_{digest}",
        width="stretch",
    )
    per = st.radio(
        "Documents",
        ["question", "answer"],
        format_func=lambda p: (
            "one per question (answers as turns)" if p == "question" else "one per answer"
        ),
        horizontal=True,
    )
    ids = roles.loc[roles["role"] == "id", "column"].tolist()
    attributes = dict(
        roles.loc[roles["role"] == "attribute", ["column", "type"]].itertuples(index=False)
    )
    open_columns = roles.loc[roles["role"] == "open", "column"].tolist()
    if len(ids) != 1:
        st.warning("Mark exactly one column as the respondent id.")
    else:
        try:
            plan = plan_survey(table, ids[0], attributes, open_columns, per)
        except QdaError as exc:
            st.error(str(exc))
        else:
            st.markdown(
                f"**Preview:** {len(plan.respondents):,} respondents, {len(attributes)} attributes,"
                f" {sum(len(a) for a in plan.answers.values()):,} answers to"
                f" {len(open_columns)} questions"
            )
            if plan.bad_rows:
                st.warning(f"{len(plan.bad_rows)} rows will be left out:")
                st.dataframe(
                    pd.DataFrame(plan.bad_rows, columns=["row", "reason"]),
                    hide_index=True,
                    key="survey_bad_rows",
                )
            if st.button("Import", type="primary", key="survey_import"):
                report = None
                with st.status("Importing the survey…") as status:
                    bar = st.progress(0.0)
                    try:
                        report = import_survey(
                            db,
                            data,
                            ids[0],
                            attributes,
                            open_columns,
                            per,
                            name=upload.name,
                            coder=coder,
                            progress=lambda done, total, _m: bar.progress(done / max(total, 1)),
                        )
                    except QdaError as exc:
                        status.update(label="Import failed", state="error", expanded=True)
                        st.error(str(exc))
                    else:
                        status.update(label="Survey imported", state="complete")
                if report is not None:
                    st.success(
                        f"Imported {report.cases_new:,} new and {report.cases_existing:,}"
                        f" existing cases, {report.values:,} attribute values,"
                        f" {report.answers:,} answers in {len(report.documents)} documents;"
                        f" {len(report.bad_rows)} rows left out."
                    )

st.subheader("Code answers in a grid")
surveys = surveys_frame(db)
codes = codes_frame(db)
if surveys.empty:
    st.info("No survey imported yet.")
elif codes.empty:
    st.info("Add codes in the Codebook page first.")
else:
    c1, c2 = st.columns(2)
    sid = c1.selectbox(
        "Survey",
        surveys["id"].tolist(),
        format_func=lambda i: surveys.set_index("id").loc[i, "source_name"],
    )
    questions = surveys.set_index("id").loc[sid, "questions"]
    question = c2.selectbox("Question", questions)
    paths = dict(zip(codes["id"], codes["path"]))
    chosen = st.multiselect(
        "Codes (one column each)",
        list(paths),
        default=list(paths)[:3],
        format_func=lambda i: paths[i],
    )
    if question and chosen:
        grid = survey_grid(db, int(sid), question, [int(c) for c in chosen], coder)
        st.caption(
            f"{len(grid):,} answers. Tick a box to code the whole answer; clear it to remove your"
            " coding. Saved as one batch that one Undo takes back."
        )
        edited = st.data_editor(
            grid,
            hide_index=True,
            disabled=["document_id", "char_start", "char_end", "respondent", "text"],
            column_order=["respondent", "text", *[str(c) for c in chosen]],
            column_config={
                "text": st.column_config.TextColumn("answer", width="large"),
                **{str(c): st.column_config.CheckboxColumn(paths[c]) for c in chosen},
            },
            key=f"grid_{sid}_{question}_{'_'.join(map(str, chosen))}",
            width="stretch",
            height=min(38 + 35 * len(grid), 520),
        )
        edits = grid_edits(grid, edited)
        if st.button(f"Save {len(edits)} changes", disabled=not edits, key="grid_save"):
            try:
                added, removed = apply_grid_edits(db, edits, coder, question, session_id())
            except QdaError as exc:
                st.error(str(exc))
            else:
                st.success(f"Coded {added} answers, removed {removed} codings.")
                st.rerun()
