"""Corpus page: upload and ingest files, the documents with their metadata, edit and delete,
the ingest log, a reader."""

from __future__ import annotations

import tempfile

import streamlit as st

from corpus import (
    KINDS,
    OCR_LANGUAGES,
    SUPPORTED,
    delete_document,
    get_document,
    get_pages,
    get_text,
    ingest_log,
    list_documents,
    outcome_counts,
    outcomes_frame,
    page_for_offset,
    passage_html,
    set_document_fields,
    tesseract_languages,
)
from ui.common import get_db
from ui.components.page_image import page_view
from ui.state import (
    CORPUS_LAST_OUTCOMES,
    FOCUS,
    READER_DOC,
    READER_FOCUS_APPLIED,
    READER_PAGE,
    flash,
)
from ui.tables import show as show_table
from workflows import ingest_upload_files

SHOWN = [
    "id",
    "title",
    "kind",
    "page_count",
    "language",
    "date",
    "author",
    "status",
    "version",
    "warnings",
    "source_name",
]

LANGUAGE_NAMES = {"eng": "English", "spa": "Spanish", "fra": "French", "por": "Portuguese"}


def ocr_language_picker() -> str | None:
    """The languages OCR reads scanned pages in (those tesseract has here); None turns OCR off."""
    have = sorted(tesseract_languages() - {"osd"})
    if not have:
        st.caption(
            "Scanned pages cannot be read here: install tesseract-ocr (with tesseract-ocr-spa for "
            "Spanish) to read them; until then they are listed as needing OCR."
        )
        return OCR_LANGUAGES
    chosen = st.multiselect(
        "Languages of scanned pages (OCR)",
        have,
        default=[lang for lang in OCR_LANGUAGES.split("+") if lang in have],
        format_func=lambda code: f"{LANGUAGE_NAMES.get(code, code)} ({code})",
        key="upload_ocr_languages",
        help="Pages without a text layer are read by OCR in these languages. Leave empty to skip "
        "OCR: such pages are then flagged, and a later re-ingest reads only them.",
    )
    return "+".join(chosen) or None


st.title("Corpus")
db = get_db()

# --- upload ---------------------------------------------------------------------------------------
with st.expander("Add documents", expanded=list_documents(db).empty):
    with st.form("upload", clear_on_submit=True):
        uploads = st.file_uploader(
            "Files (PDF, DOCX, TXT, Markdown, HTML)",
            accept_multiple_files=True,
            type=sorted({ext.lstrip(".") for ext in SUPPORTED}),
        )
        c1, c2 = st.columns(2)
        kind = c1.selectbox("Kind", KINDS, key="upload_kind")
        password = c2.text_input(
            "Password for encrypted PDFs (optional)", type="password", key="upload_password"
        )
        ocr_languages = ocr_language_picker()
        submitted = st.form_submit_button("Ingest")
    if submitted and uploads:
        bar = st.progress(0.0, text="Reading files…")

        def progress(done: int, total: int, message: str) -> None:
            bar.progress(done / max(total, 1), text=f"{done} of {total} files")

        with (
            st.status(f"Ingesting {len(uploads)} files…", expanded=False) as status,
            tempfile.TemporaryDirectory(prefix="qda-upload-") as folder,
        ):
            done = ingest_upload_files(  # transcripts for kind interview; versions followed
                db,
                [(u.name, u.getvalue()) for u in uploads],
                folder,
                kind=kind,
                password=password,
                progress=progress,
                ocr_languages=ocr_languages,
            )
            outcomes, followed = done.outcomes, done.versions.summary()
            counts = outcome_counts(outcomes)
            status.update(
                label=f"Ingested {counts['ok']}, skipped {counts['skipped']}, "
                f"failed {counts['failed']}",
                state="error" if counts["failed"] else "complete",
            )
        CORPUS_LAST_OUTCOMES.set(outcomes_frame(outcomes))
        if followed:
            st.info(followed)
    if CORPUS_LAST_OUTCOMES.is_set():
        st.caption("Last upload")
        show_table(CORPUS_LAST_OUTCOMES.get())

# --- documents ------------------------------------------------------------------------------------
docs = list_documents(db)
if docs.empty:
    st.info(
        "No documents yet: add files above, or run `python cli.py ingest FOLDER --project FILE`."
    )
    st.stop()

st.subheader(f"Documents ({len(docs)})")
show_table(docs[SHOWN].rename(columns={"page_count": "pages"}))
titles = dict(zip(docs.id.astype(int), docs.title))

with st.expander("Edit or delete a document"):
    doc_id = st.selectbox(
        "Document", list(titles), format_func=lambda i: f"{titles[i]} (#{i})", key="edit_doc"
    )
    current = get_document(db, doc_id)
    with st.form(f"edit_{doc_id}"):
        title = st.text_input("Title", value=current["title"])
        new_kind = st.selectbox("Kind", KINDS, index=KINDS.index(current["kind"]))
        if st.form_submit_button("Save"):
            if not title.strip():
                st.error("A title cannot be empty.")
            else:
                set_document_fields(db, doc_id, title=title.strip(), kind=new_kind)
                flash("success", "Saved.")
                st.rerun()
    sure = st.checkbox(
        "Yes, delete this document and everything coded on it", key=f"confirm_delete_{doc_id}"
    )
    if st.button("Delete document", disabled=not sure, type="primary", key="delete_doc"):
        delete_document(db, doc_id)
        flash("success", f"Deleted “{current['title']}”.")
        st.rerun()

with st.expander("Ingest log"):
    show_table(ingest_log(db))

# --- reader ---------------------------------------------------------------------------------------
st.subheader("Read")
focus = FOCUS.get()
if focus and focus.get("document_id") in titles and READER_FOCUS_APPLIED.get() != focus:
    pages_of_focus = get_pages(db, int(focus["document_id"]))
    st.session_state[READER_DOC] = int(focus["document_id"])
    st.session_state[READER_PAGE] = page_for_offset(pages_of_focus, int(focus["start"]))
    READER_FOCUS_APPLIED.set(dict(focus))
reader_doc = st.selectbox("Document", list(titles), format_func=lambda i: titles[i], key=READER_DOC)
text = get_text(db, reader_doc)
pages = get_pages(db, reader_doc)
if pages.empty:  # DOCX, TXT, HTML: one page holding the whole text
    start, end, count = 0, len(text), 1
    number = 1
else:
    count = len(pages)
    if st.session_state.get(READER_PAGE, 1) > count:
        st.session_state[READER_PAGE] = 1
    number = st.number_input(
        f"Page (of {count})", min_value=1, max_value=count, step=1, key=READER_PAGE
    )
    row = pages[pages.number == number].iloc[0]
    start, end = int(row.char_start), int(row.char_end)
highlight = None
if focus and focus.get("document_id") == reader_doc:
    highlight = (int(focus["start"]), int(focus["end"]))
    st.caption("The highlighted passage is the one you opened.")
warnings = get_document(db, reader_doc)["warnings"]
for w in warnings:
    st.warning(w)
# <br> instead of newlines: a blank line would end the HTML block and let Markdown reinterpret
# the text
body = (
    passage_html(text, start, end, highlight).replace("\n", "<br>")
    if end > start
    else "<i>(no text on this page)</i>"
)
text_area = page_view(db, reader_doc, pages, number)  # OCR badge, page image beside the text
text_area.markdown(
    '<div class="qda-page" style="white-space: pre-wrap; line-height: 1.5; max-height: 70vh; '
    f'overflow-y: auto;">{body}</div>',
    unsafe_allow_html=True,  # passage_html escapes all document text; only <mark> is ours
)
