"""Entities page: extract, top entities by label, counts per document and case, KWIC,
co-occurrence network, gazetteer editor with aliases, and "code all mentions" (preview, then one
undoable batch)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import plotly.express as px
import streamlit as st

from nlp import (
    GazetteerError,
    aliases_frame,
    cooccurrence_frame,
    cooccurrence_graph,
    counts_by_case,
    counts_by_document,
    entities_frame,
    entity_labels,
    export_gazetteer,
    extract_entities,
    gazetteer_frame,
    graph_figure,
    import_gazetteer,
    kwic,
    merge_entities,
    ner_pipeline,
    preview_code_mentions,
    replace_gazetteer,
    ruler_patterns,
    top_entities,
    unmerge_entity,
)
from ui.common import current_coder, get_db
from ui.state import ENTITIES_PREVIEW, FOCUS, flash
from ui.widgets import save_preview_codings

st.title("Entities")
db = get_db()


@st.cache_resource
def warm_pipeline(language: str, patterns: tuple) -> str:
    """Load a language's NER pipeline with this gazetteer once per process; return its pipes."""
    return ", ".join(ner_pipeline(language, patterns).pipe_names)


with st.expander("Extract entities", expanded=False):
    st.caption(
        "spaCy NER (English or Spanish model per paragraph/turn), the project's gazetteer, and "
        "the bundled places and institutions (Mexican states and cities, US border states, "
        "research centres, universities, NAFTA/USMCA; see the Map page). Only changed "
        "paragraphs, or all of them after a gazetteer change, are processed."
    )
    force = st.checkbox("Re-run every paragraph", value=False)
    if st.button("Extract entities", type="primary"):
        with st.status("Extracting entities…", expanded=True) as status:
            bar = st.progress(0.0)
            for lang in ("en", "es"):
                warm_pipeline(lang, ruler_patterns(db, lang))
            report = extract_entities(
                db,
                force=force,
                progress=lambda d, t, m: bar.progress(d / t if t else 1.0, text=f"{m}: {d}/{t}"),
            )
            for msg in report.messages:
                st.info(msg)
            status.update(
                label=f"Processed {report.processed} of {report.segments} paragraphs/turns "
                f"({report.up_to_date} up to date); {report.entities} mentions stored.",
                state="complete",
            )

mentions_all = entities_frame(db)
tabs = st.tabs(["Top entities", "Mentions", "Network", "Gazetteer & aliases", "Code all mentions"])

if mentions_all.empty:
    with tabs[0]:
        st.info(
            "No entities yet. Add gazetteer entries if you like, then press **Extract entities** "
            "above."
        )
    mentions = mentions_all
else:
    with st.sidebar:
        st.subheader("Entity filters")
        labels = st.multiselect("Labels", entity_labels(db))
        titles = dict(zip(mentions_all["document_id"], mentions_all["document_title"]))
        docs = st.multiselect("Documents", sorted(titles), format_func=lambda d: titles[d])
        langs = st.multiselect("Languages", sorted(mentions_all["language"].unique()))
        name_q = st.text_input("Name contains")
    mentions = entities_frame(
        db, labels=labels or None, documents=docs or None, languages=langs or None
    )
    if name_q:
        mentions = mentions[mentions["canonical"].str.contains(name_q, case=False, regex=False)]

    with tabs[0]:
        top = top_entities(mentions, limit=None)
        st.caption(f"{len(mentions)} mentions of {len(top)} entities")
        cols = st.columns(2)
        with cols[0]:
            st.dataframe(top, hide_index=True, width="stretch")
        with cols[1]:
            per_label = top.groupby("label").head(8)
            if not per_label.empty:
                st.plotly_chart(
                    px.bar(
                        per_label,
                        x="mentions",
                        y="canonical",
                        color="label",
                        orientation="h",
                        height=max(300, 22 * len(per_label)),
                    ),
                    width="stretch",
                )
        st.subheader("Per document")
        st.dataframe(counts_by_document(mentions), hide_index=True, width="stretch")
        st.subheader("Per case")
        by_case = counts_by_case(db, mentions)
        if by_case.empty:
            st.caption("No interview cases hold these entities.")
        else:
            st.dataframe(by_case, hide_index=True, width="stretch")

    with tabs[1]:
        names = sorted(mentions["canonical"].unique())
        pick = st.selectbox("Entity", ["(all)"] + names)
        shown = mentions if pick == "(all)" else mentions[mentions["canonical"] == pick]
        k = kwic(db, shown, width=60, limit=500)
        st.dataframe(
            k[["document_title", "left", "mention", "right", "label"]],
            hide_index=True,
            width="stretch",
        )
        if not k.empty:
            row = st.selectbox(
                "Open mention",
                range(len(k)),
                format_func=lambda i: (
                    f"{k.iloc[i]['document_title']} @ {k.iloc[i]['char_start']}: "
                    f"{k.iloc[i]['mention']}"
                ),
            )
            c1, c2 = st.columns(2)
            target = None
            if c1.button("Open in reader"):
                target = "ui/pages/corpus.py"
            if c2.button("Open in Code page"):
                target = "ui/pages/code.py"
            if target:
                r = k.iloc[int(row)]
                FOCUS.set(
                    {
                        "document_id": int(r["document_id"]),
                        "start": int(r["char_start"]),
                        "end": int(r["char_end"]),
                    }
                )
                st.switch_page(target)

    with tabs[2]:
        c1, c2 = st.columns(2)
        top_n = c1.slider("Most mentioned entities", 5, 100, 40)
        min_w = c2.slider("Minimum shared paragraphs/turns", 1, 10, 1)
        edges = cooccurrence_frame(mentions, min_weight=min_w, top=top_n)
        if edges.empty:
            st.caption("No two of these entities appear in the same paragraph or turn.")
        else:
            st.plotly_chart(
                graph_figure(cooccurrence_graph(mentions, min_weight=min_w, top=top_n)),
                width="stretch",
            )
            st.dataframe(edges, hide_index=True, width="stretch")

with tabs[3]:
    st.caption(
        "Phrases found before the statistical model (case-insensitive). Language `*` = all. "
        "Saving changes makes the next extraction re-run the affected languages."
    )
    gaz = gazetteer_frame(db).drop(columns=["id"])
    edited = st.data_editor(
        gaz,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key="gaz_editor",
        column_config={"language": st.column_config.SelectboxColumn(options=["*", "en", "es"])},
    )
    if st.button("Save gazetteer"):
        try:
            n = replace_gazetteer(db, edited)
            flash("success", f"Gazetteer saved ({n} entries).")
        except GazetteerError as exc:
            flash("error", str(exc))
        st.rerun()
    up = st.file_uploader(
        "Import entries (CSV: pattern,label,canonical,language — or JSONL)", type=["csv", "jsonl"]
    )
    if up is not None and st.button("Import file"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(up.name).name
            path.write_bytes(up.getvalue())
            try:
                flash("success", f"Imported {import_gazetteer(db, path)} entries.")
            except GazetteerError as exc:
                flash("error", str(exc))
        st.rerun()
    with tempfile.TemporaryDirectory() as tmp:
        for suffix, mime in ((".csv", "text/csv"), (".jsonl", "application/jsonl")):
            p = Path(tmp) / f"gazetteer{suffix}"
            export_gazetteer(db, p)
            st.download_button(
                f"Download {suffix[1:].upper()}", p.read_bytes(), file_name=p.name, mime=mime
            )
    st.subheader("Merge entities (aliases)")
    all_names = sorted(mentions_all["canonical"].unique()) if not mentions_all.empty else []
    merge = st.multiselect("Names to merge", all_names)
    into = st.text_input("Canonical name", value=merge[0] if merge else "")
    if st.button("Merge", disabled=not merge or not into.strip()):
        n = merge_entities(db, merge, into)
        flash("success", f"Merged {n} names into {into}.")
        st.rerun()
    aliases = aliases_frame(db)
    if not aliases.empty:
        st.dataframe(aliases, hide_index=True, width="stretch")
        undo_alias = st.selectbox("Remove alias", aliases["alias"].tolist())
        if st.button("Remove alias"):
            unmerge_entity(db, undo_alias)
            st.rerun()

with tabs[4]:
    if mentions_all.empty:
        st.info("Extract entities first.")
    else:
        st.caption(
            "Propose a coding for every mention of the chosen labels or names; review, then save "
            "as one batch (undo it from the Codebook/Analysis pages or `cli.py undo`)."
        )
        lab = st.multiselect("Labels", entity_labels(db), key="code_labels")
        nm = st.multiselect("Names", sorted(mentions_all["canonical"].unique()), key="code_names")
        code = st.text_input("Code (path, e.g. Actors > CONACYT; created if new)", key="code_path")
        if st.button("Preview codings", disabled=not (lab or nm) or not code.strip()):
            ENTITIES_PREVIEW.set(
                preview_code_mentions(db, code.strip(), labels=lab or None, names=nm or None)
            )
        save_preview_codings(db, "entities", current_coder())
