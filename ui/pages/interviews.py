"""Interviews page: import with preview, transcript reader, speakers and cases, attributes,
de-identification."""

from __future__ import annotations

import contextlib

import streamlit as st

from coding import merge_cases
from deid import add_name, find_names, key_path_for
from interviews import (
    ROLES,
    apply_attribute_edits,
    apply_speaker_edits,
    attribute_edits,
    attributes_csv,
    attributes_frame,
    case_attributes_frame,
    cases_frame,
    define_attribute,
    import_attributes_csv,
    import_summary,
    parse_transcript,
    preview_frame,
    rename_case,
    speaker_edits,
    speakers_frame,
    speakers_summary,
    transcript_turns,
    transcripts_frame,
    turns_html,
)
from projectfile import QdaError
from ui.common import current_coder, get_db, project_file
from ui.escape import md_safe
from ui.recording import (
    import_recording_upload,
    listen,
    recording_section,
    status_progress,
    uploaded_file,
)
from ui.state import FOCUS, IV_DEID_RESULT, IV_PENDING, IV_REVIEW, flash, show_flash
from ui.tables import show as show_table
from workflows import deidentify, import_folder, read_confined, save_transcript

st.title("Interviews")
db = get_db()
PAGE_TURNS = 40
TRANSCRIPT_SUFFIXES = (".txt", ".vtt", ".srt", ".docx", ".md", ".text", ".json", ".html", ".htm")


def run(place: str, fn, *args, ok: str = "Saved.", **kwargs):
    """Run a change; flash its outcome (or its QdaError's message) in the tab ``place`` on the
    next run (escaped: messages quote names and transcript text)."""
    try:
        result = fn(*args, **kwargs)
    except QdaError as exc:
        flash("error", str(exc), place=place)
        return None
    flash("success", ok, place=place)
    return result


tab_import, tab_read, tab_speakers, tab_attrs, tab_deid = st.tabs(
    ["Import", "Read", "Speakers & cases", "Attributes", "De-identify"]
)

with tab_import:
    show_flash("import")
    st.caption(
        "TXT with speaker labels, Otter.ai, Zoom/Teams/plain WebVTT, SRT, "
        "DOCX (labels or speaker | text tables), Whisper/whisperX JSON and SRT (word times), "
        "noScribe HTML/VTT."
    )
    up = st.file_uploader(
        "Transcript file", type=[s.lstrip(".") for s in TRANSCRIPT_SUFFIXES], key="iv_upload"
    )
    folder = import_folder()  # None unless the owner set one: no server file is read then
    server_path = (
        st.text_input(
            "…or a file in the import folder",
            key="iv_path",
            help=f"A file inside {folder} on the server (set by whoever runs the workbench).",
        )
        if folder is not None
        else ""
    )
    if st.button("Preview", key="iv_preview"):
        try:
            if up is not None:
                data, name, source = up.getvalue(), up.name, up.name
            elif not server_path.strip():
                raise QdaError("Choose a transcript file to upload first.")
            else:
                data, found = read_confined(server_path, folder, suffixes=TRANSCRIPT_SUFFIXES)
                name, source = found.name, str(found)
            IV_PENDING.set((parse_transcript(name, data=data, name=name), data, source))
        except QdaError as exc:
            IV_PENDING.pop()
            st.error(md_safe(str(exc)))  # quotes the file's lines and name
    pending = IV_PENDING.get()
    if pending:
        tr, data, source = pending
        st.subheader(f"Preview: {md_safe(tr.name)}")
        st.caption(import_summary(tr))
        for w in tr.warnings:
            st.warning(md_safe(w))
        summary = speakers_summary(tr)
        roles_df = st.data_editor(
            summary,
            key="iv_roles",
            disabled=["speaker", "turns", "words"],
            hide_index=True,
            column_config={"role": st.column_config.SelectboxColumn("role", options=list(ROLES))},
        )
        show_table(preview_frame(tr), height=300)
        media_up = import_recording_upload("iv_media_with")
        if st.button("Save to project", key="iv_save", type="primary"):
            roles = dict(zip(roles_df["speaker"], roles_df["role"])) if not roles_df.empty else None
            with contextlib.ExitStack() as stack:
                status = media = None
                if media_up is not None:
                    status = stack.enter_context(
                        st.status(f"Saving {tr.name} with {media_up.name}…", expanded=True)
                    )
                    media = stack.enter_context(uploaded_file(media_up))
                try:
                    doc_id, followed = save_transcript(
                        db, tr, data, path=source, roles=roles, coder=current_coder(),
                        media=media, media_name=media_up.name if media_up else None,
                        progress=status_progress(status) if status else None,
                    )  # fmt: skip
                except QdaError as exc:
                    nothing = " Nothing was stored." if media_up is not None else ""
                    flash("error", f"{tr.name}: {exc}.{nothing}", place="import_save")
                else:
                    with_media = f" with its recording {media_up.name}" if media_up else ""
                    flash(
                        "success",
                        f"Saved {tr.name}{with_media} as document {doc_id}"
                        f" ({len(tr.turns)} turns). " + followed.summary(),
                        place="import",
                    )
                    IV_PENDING.pop()
            st.rerun()
        show_flash("import_save")  # beside the button: the preview stays, to correct and retry

transcripts = transcripts_frame(db)
labels = {
    int(r.document_id): f"{r.title} ({r.format}, {r.turns} turns)"
    + (" · pseudonymized" if r.pseudonymized else "")
    for r in transcripts.itertuples()
}

with tab_read:
    if transcripts.empty:
        st.info("No transcripts yet: import one in the Import tab.")
    else:
        doc_id = st.selectbox("Transcript", list(labels), format_func=labels.get, key="iv_read_doc")
        turns = transcript_turns(db, doc_id)
        with st.expander("Recording", expanded=False):
            recording_section(db, doc_id, current_coder())
        if listen(db, doc_id, PAGE_TURNS):  # the recording above a reader that follows it
            chunk = turns.iloc[:PAGE_TURNS]
        else:
            pages = max(1, -(-len(turns) // PAGE_TURNS))
            page_no = st.number_input("Page", 1, pages, 1, key="iv_read_page") if pages > 1 else 1
            chunk = turns.iloc[(page_no - 1) * PAGE_TURNS : page_no * PAGE_TURNS]
            st.markdown(
                turns_html(chunk), unsafe_allow_html=True
            )  # every piece of text is html.escape'd
        if st.button("Code this transcript", key="iv_to_code"):
            first = chunk.iloc[0] if not chunk.empty else None
            FOCUS.set(
                {
                    "document_id": int(doc_id),
                    "start": int(first.char_start) if first is not None else 0,
                    "end": int(first.char_end) if first is not None else 0,
                }
            )
            st.switch_page("ui/pages/code.py")

with tab_speakers:
    show_flash("speakers")
    speakers = speakers_frame(db)
    if speakers.empty:
        st.info("No speakers yet: they come with imported transcripts.")
    else:
        st.caption(
            "Correct roles, or link a speaker to a case by typing the case's name "
            "(a new name makes a new case; empty unlinks)."
        )
        before = speakers[["speaker_id", "document_title", "speaker", "role", "case_name", "turns"]]
        after = st.data_editor(
            before,
            key="iv_speakers",
            hide_index=True,
            disabled=["speaker_id", "document_title", "speaker", "turns"],
            column_config={"role": st.column_config.SelectboxColumn("role", options=list(ROLES))},
        )
        if st.button("Save speakers", key="iv_save_speakers"):
            edits = speaker_edits(before, after)
            run("speakers", apply_speaker_edits, db, edits, ok=f"Saved {len(edits)} change(s).")
            st.rerun()
    cases = cases_frame(db)
    st.subheader("Cases")
    if cases.empty:
        st.info("No cases yet.")
    else:
        show_table(cases)
        names = dict(zip(cases["case_id"].astype(int), cases["name"]))
        c1, c2 = st.columns(2)
        with c1.form("iv_rename"):
            cid = st.selectbox("Case", list(names), format_func=names.get, key="iv_rename_case")
            new = st.text_input("New name", key="iv_rename_name")
            if st.form_submit_button("Rename"):
                run("speakers", rename_case, db, cid, new, ok="Renamed.")
                st.rerun()
        with c2.form("iv_merge"):
            keep = st.selectbox("Keep", list(names), format_func=names.get, key="iv_merge_keep")
            drop = st.selectbox(
                "Merge into it", list(names), format_func=names.get, key="iv_merge_drop"
            )
            if st.form_submit_button("Merge") and keep != drop:
                run("speakers", merge_cases, db, keep, drop, ok="Merged.")
                st.rerun()

with tab_attrs:
    show_flash("attrs")
    wide = case_attributes_frame(db)
    attrs = attributes_frame(db)
    if wide.empty:
        st.info("No cases yet: import transcripts or an attributes CSV.")
    else:
        config = {}
        for a in attrs.itertuples():
            if a.type == "number":
                config[a.name] = st.column_config.NumberColumn(a.name)
            elif a.type == "category" and a.categories:
                config[a.name] = st.column_config.SelectboxColumn(a.name, options=a.categories)
            else:
                config[a.name] = st.column_config.TextColumn(
                    a.name, help="YYYY-MM-DD" if a.type == "date" else None
                )
        edited = st.data_editor(
            wide,
            key="iv_attrs",
            hide_index=True,
            disabled=["case_id", "case_name"],
            column_config=config,
        )
        if st.button("Save attributes", key="iv_save_attrs"):
            edits = attribute_edits(wide, edited)
            run("attrs", apply_attribute_edits, db, edits, ok=f"Saved {len(edits)} value(s).")
            st.rerun()
        st.download_button(
            "Download CSV", attributes_csv(db), file_name="case_attributes.csv", mime="text/csv"
        )
    with st.form("iv_add_attr", clear_on_submit=True):
        st.write("Add an attribute")
        a_name = st.text_input("Name", key="iv_attr_name")
        a_type = st.selectbox("Type", ["text", "number", "date", "category"], key="iv_attr_type")
        a_cats = st.text_input("Categories (comma-separated, for category)", key="iv_attr_cats")
        if st.form_submit_button("Add attribute"):
            cats = [c.strip() for c in a_cats.split(",") if c.strip()]
            run(
                "attrs", define_attribute, db, a_name, a_type, cats, ok=f"Added attribute {a_name}."
            )
            st.rerun()
    csv_up = st.file_uploader(
        "Import attributes CSV (first column: case name)", type=["csv"], key="iv_attr_csv"
    )
    if csv_up is not None and st.button("Import CSV", key="iv_attr_import"):
        run(
            "attrs",
            import_attributes_csv,
            db,
            csv_up.getvalue().decode("utf-8-sig"),
            name=csv_up.name,
            ok="Imported.",
        )
        st.rerun()

with tab_deid:
    show_flash("deid")
    st.caption(
        "Names found by spaCy, the speakers' names and your list are replaced by marked "
        "pseudonyms ([Expert 3]) in new versions of the transcripts; the originals stay; the key "
        f"is written next to the project file ({key_path_for(project_file()).name}), never into it."
    )
    with st.form("iv_find"):
        names = st.text_area("Other people's names (one per line)", key="iv_deid_names")
        orgs = st.text_area("Organisations to hide (one per line)", key="iv_deid_orgs")
        pattern = st.text_input("Pseudonym pattern", "Expert {n}", key="iv_deid_pattern")
        use_ner = st.checkbox("Find names with spaCy", True, key="iv_deid_ner")
        if st.form_submit_button("Find names"):
            review = run(
                "deid",
                find_names,
                db,
                names=[n for n in names.splitlines() if n.strip()],
                organisations=[o for o in orgs.splitlines() if o.strip()],
                pattern=pattern,
                use_ner=use_ner,
                ok="Review the proposed replacements below.",
            )
            IV_REVIEW.set(review)  # None after an error: nothing to review
            st.rerun()
    review = IV_REVIEW.get()
    if review is not None:
        if review.empty:
            st.info("No names found in the current transcripts.")
        else:
            edited = st.data_editor(
                review,
                key="iv_review_editor",
                hide_index=True,
                disabled=[c for c in review.columns if c not in ("accept", "pseudonym")],
            )
            st.caption(f"{int(edited['accept'].sum())} of {len(edited)} replacements accepted.")
            extra = st.text_input("Add a name the list missed", key="iv_deid_add")
            if st.button("Add", key="iv_deid_add_btn") and extra.strip():
                IV_REVIEW.set(add_name(db, edited, extra.strip()))
                st.rerun()
            if st.button("Apply pseudonyms", key="iv_deid_apply", type="primary"):
                done = run("deid", deidentify, db, edited, ok="Pseudonymized versions written.")
                if done is not None:
                    IV_DEID_RESULT.set(done.result)
                    IV_REVIEW.pop()
                st.rerun()
    if IV_DEID_RESULT.is_set():
        st.dataframe(IV_DEID_RESULT.get(), hide_index=True)
