"""Edit & merge page: correct a coded document (coded spans shown while editing, codings follow the
words to the new version), review codings whose words were deleted, merge a project coded apart
and see the coders' agreement right after.

A thin shell: the use cases ``workflows.correct_document`` and ``workflows.merge_project``
(with ``preview_merge``), ``review_frame``/``reanchor``/``discard_review`` and ``coding.agreement``
do the work. Document text is shown escaped (``html.escape``) or as plain text widgets.
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

import streamlit as st

from coding import (
    CodingScope,
    agreement,
    coder_names,
    codings_frame,
    discard_review,
    reanchor,
    review_frame,
    undo,
)
from corpus import get_text, list_documents, normalize_text, text_mapping
from ui.common import current_coder, get_db, session_id
from ui.components.media_player import media_player
from ui.components.span_reader import safe_color
from ui.state import (
    CODE_DOC,
    EDIT_DOC,
    EDIT_DOC_NEXT,
    EDIT_NOTICE,
    EDIT_SECTION,
    EDIT_SECTION_NEXT,
    MERGE_REPORT,
    MERGE_SUMMARY,
)
from ui.widgets import md_safe
from workflows import correct_document, is_qdpx, merge_project, preview_merge

st.title("Edit & merge")
db = get_db()
coder, sess = current_coder(), session_id()

notice = EDIT_NOTICE.pop()
if notice:
    (st.warning if "need a new place" in notice else st.success)(md_safe(notice))

reviews = review_frame(db)
SECTIONS = {
    "edit": "Correct a document",
    "review": f"Review ({len(reviews)})",
    "merge": "Merge a project",
}
pending_section = EDIT_SECTION_NEXT.pop()
if pending_section in SECTIONS:
    st.session_state[EDIT_SECTION] = pending_section
section = (
    st.segmented_control(
        "Section",
        list(SECTIONS),
        format_func=SECTIONS.get,
        default="edit",
        key=EDIT_SECTION,
        label_visibility="collapsed",
    )
    or "edit"
)


def _marked_html(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """Return ``text`` escaped, with each (start, end, colour, label) span in a <mark>."""
    bounds = sorted({0, len(text), *(s for s, *_ in spans), *(e for _, e, *_ in spans)})
    out = []
    for a, b in zip(bounds, bounds[1:]):
        on = [sp for sp in spans if sp[0] <= a and b <= sp[1]]
        piece = html.escape(text[a:b])
        if on:
            color = safe_color(on[-1][2])
            labels = html.escape("; ".join(sp[3] for sp in on), quote=True)
            piece = (
                f'<mark data-testid="edit-coded" title="{labels}" '
                f'style="background:{color}40;border-bottom:2px solid {color}">{piece}</mark>'
            )
        out.append(piece)
    return (
        '<div data-testid="edit-preview" style="white-space:pre-wrap;max-height:460px;'
        'overflow:auto;border:1px solid #ddd;border-radius:6px;padding:8px;line-height:1.6">'
        + "".join(out)
        + "</div>"
    )


if section == "edit":
    docs = list_documents(db)
    if docs.empty:
        st.info("No documents yet: ingest some on the Corpus or Interviews page.")
    else:
        titles = {
            int(i): f"{t} (v{v})" for i, t, v in zip(docs["id"], docs["title"], docs["version"])
        }
        pending = EDIT_DOC_NEXT.pop()
        if pending in titles:
            st.session_state[EDIT_DOC] = pending
        elif st.session_state.get(EDIT_DOC) not in titles:
            code_doc = st.session_state.get(CODE_DOC)
            st.session_state[EDIT_DOC] = code_doc if code_doc in titles else next(iter(titles))
        doc_id = st.selectbox("Document", list(titles), format_func=titles.get, key=EDIT_DOC)
        old_text = get_text(db, doc_id)
        codings = codings_frame(db, documents=[doc_id])
        codings = codings[codings["scope"] == CodingScope.SPAN]
        st.caption(
            f"{len(codings)} coded spans. Correct the text on the left; the right shows where the"
            " coded spans will be in the corrected text. Saving makes a new version (the old one"
            " stays, undo brings it back); a coding whose words you delete waits in the review."
        )
        # a transcript's recording: listen while correcting (Alt+K play/pause, Alt+J back 5 s
        # work inside the text box)
        media_player(db, doc_id)
        left, right = st.columns(2)
        with left:
            edited = st.text_area(
                "Text", old_text, height=460, key=f"edit_text_{doc_id}", label_visibility="visible"
            )
        new_text = normalize_text(edited or "").lstrip("\ufeff")
        changed = new_text != old_text
        mapping = text_mapping(old_text, new_text) if changed else None
        spans, lost = [], []
        for r in codings.itertuples():
            label = f"{r.code_path} ({r.coder})"
            span = (
                mapping.span(int(r.char_start), int(r.char_end), old_text, new_text)
                if mapping
                else (int(r.char_start), int(r.char_end))
            )
            if span is None:
                lost.append(f"{r.code_path} ({r.coder}): {r.text}")
            else:
                spans.append((span[0], span[1], r.color, label))
        with right:
            st.markdown("**Coded spans in the corrected text**")
            st.html(_marked_html(new_text, spans))
        if changed:
            n = len(mapping.changes())
            st.info(f"{n} change{'s' if n != 1 else ''}; {len(spans)} coded spans follow.")
        if lost:
            st.warning(f"{len(lost)} codings would need a new place (their words are deleted):")
            for item in lost[:20]:
                st.text(item)
        b1, b2 = st.columns([1, 1])
        if b1.button(
            "Save as a new version", type="primary", disabled=not changed, key="edit_save"
        ):
            # codings move, entity mentions and the indexes follow the new version
            result = correct_document(db, doc_id, new_text, coder, session=sess).edit
            EDIT_NOTICE.set(result.summary())
            if result.new_document_id:
                EDIT_DOC_NEXT.set(result.new_document_id)
            st.rerun()
        if b2.button("Undo my last action", key="edit_undo"):
            label = undo(db, coder, session=sess)
            EDIT_NOTICE.set(f"undone: {label}" if label else "nothing to undo")
            st.session_state.pop(EDIT_DOC, None)
            st.rerun()

if section == "review":
    st.subheader(f"{len(reviews)} codings need a new place")
    if reviews.empty:
        st.caption("Codings whose words an edit deleted wait here to be re-anchored or discarded.")
    for r in reviews.head(100).itertuples():
        with st.container(border=True, key=f"review_{r.review_id}"):
            st.markdown(f"**{md_safe(r.code_path)}** by {md_safe(r.coder)}")
            st.text(f"{r.document_title}: “{r.text}”")
            st.caption(f"{r.reason}. The new version there:")
            st.text(r.context)
            words = st.text_input(
                "Words of the new version to code instead",
                value=r.text if r.suggested_start >= 0 else "",
                key=f"review_words_{r.review_id}",
            )
            c1, c2 = st.columns(2)
            if c1.button("Re-anchor", key=f"review_re_{r.review_id}"):
                new = get_text(db, int(r.new_document_id))
                at = new.find(words) if words.strip() else -1
                if at < 0:
                    st.error("Those words are not in the new version: copy them from its text.")
                else:
                    reanchor(db, int(r.review_id), at, at + len(words), coder, session=sess)
                    EDIT_NOTICE.set("coding re-anchored")
                    st.rerun()
            if c2.button("Discard", key=f"review_discard_{r.review_id}"):
                discard_review(db, int(r.review_id), coder, session=sess)
                EDIT_NOTICE.set("coding left on the old version")
                st.rerun()

if section == "merge":
    st.caption(
        "Bring in another copy of this project coded apart (a .qda.sqlite file) or a REFI-QDA"
        " project from another tool (.qdpx): coders, codes, codings and memos. Documents are"
        " matched by their text; codes by path. Merging the same file twice adds nothing; a backup"
        " is made first."
    )
    upload = st.file_uploader("Project to merge", type=["sqlite", "qdpx"], key="merge_upload")
    if upload is not None:
        with tempfile.TemporaryDirectory(prefix="qda-merge-upload-") as tmp:
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            if not is_qdpx(path):
                preview = preview_merge(db, path)
                counts = preview["status"].value_counts().to_dict()
                st.markdown(
                    "Codes: "
                    + ", ".join(
                        f"{counts.get(k, 0)} {k}" for k in ("new", "matched", "conflicting")
                    )
                )
                st.dataframe(preview, hide_index=True, width="stretch")
            if st.button("Merge", type="primary", key="merge_go"):
                with st.status("Merging…", expanded=False) as status:
                    report = merge_project(
                        db, path, coder=coder, session=sess, source=upload.name
                    ).merged
                    status.update(label="Merged", state="complete")
                MERGE_REPORT.set(report.frame())
                MERGE_SUMMARY.set(report.summary() or "nothing to merge")
    if MERGE_REPORT.is_set():
        st.success(MERGE_SUMMARY.get())
        st.dataframe(MERGE_REPORT.get(), hide_index=True, width="stretch")
    coders = coder_names(db, with_codings=True)
    if len(coders) >= 2:
        st.subheader("Agreement between coders")
        merged = MERGE_REPORT.get()
        merged = (
            [c for c in merged.loc[merged["item"] == "coder", "name"] if c in coders]
            if merged is not None
            else []
        )
        default = merged if len(merged) >= 2 else coders[-2:]
        picked = st.multiselect("Coders", coders, default=default, key="merge_coders")
        if len(picked) >= 2:
            table = agreement(db, coders=picked)
            overall = table.iloc[-1]
            kappa = overall["kappa"] if len(picked) == 2 else overall["alpha"]
            measure = "Cohen's kappa" if len(picked) == 2 else "Krippendorff's alpha"
            share = float(overall["percent_agreement"])
            shown = "n/a" if kappa != kappa else f"{float(kappa):.2f}"  # NaN: nothing to compare
            st.markdown(
                f"Overall {measure}, {md_safe(' vs '.join(picked))}: **{shown}**"
                + ("" if share != share else f" (agreement on {share:.0%} of the text)")
            )
            st.dataframe(table, hide_index=True, width="stretch")
