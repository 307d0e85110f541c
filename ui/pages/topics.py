"""Topics page: fit BERTopic over paragraphs, turns or sentences; topic sizes, topic x document
heatmap, topics over time, per case and speaker, label editing, and "topic to code" (preview,
then one undoable batch)."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from nlp import (
    TopicError,
    fit_topics,
    latest_model,
    models_frame,
    preview_topic_codes,
    set_topic_label,
    topic_segments,
    topics_by_case,
    topics_by_document,
    topics_by_speaker,
    topics_frame,
    topics_over_time,
)
from ui.common import current_coder, get_db
from ui.state import FOCUS, TOPICS_PREVIEW, flash
from ui.widgets import save_preview_codings

st.title("Topics")
db = get_db()


with st.expander("Fit a topic model", expanded=latest_model(db) is None):
    c1, c2, c3 = st.columns(3)
    unit = c1.selectbox("Unit", ["paragraph", "turn", "sentence"])
    backend = c2.selectbox(
        "Embeddings",
        ["multilingual", "minilm", "tfidf"],
        format_func={
            "multilingual": "Multilingual sentence encoder (English + Spanish together; cached)",
            "minilm": "all-MiniLM-L6-v2 (English only; cached)",
            "tfidf": "TF-IDF + SVD (any language, mixed corpora)",
        }.get,
    )
    min_size = c3.number_input("Minimum topic size (0 = automatic)", 0, 500, 0)
    c4, c5 = st.columns(2)
    reduce = c4.checkbox("Reduce outliers (assign outlier segments to their nearest topic)")
    nr = c5.number_input("Merge down to at most N topics (0 = keep)", 0, 200, 0)
    if st.button("Fit topics", type="primary"):
        with st.status("Fitting topics…", expanded=True) as status:
            bar = st.progress(0.0)
            try:
                res = fit_topics(
                    db,
                    unit=unit,
                    backend=backend,
                    min_topic_size=int(min_size) or None,
                    nr_topics=int(nr) or None,
                    reduce_outliers=reduce,
                    progress=lambda d, t, m: bar.progress(d / t if t else 1.0, text=m),
                )
            except TopicError as exc:
                status.update(label="Could not fit topics", state="error")
                st.error(str(exc))
            else:
                if res.message:
                    st.warning(res.message)
                status.update(
                    label=f"Model {res.model_id}: {res.topics} topics over {res.segments} segments "
                    f"({res.outliers} outliers)",
                    state="complete",
                )

models = models_frame(db)
if models.empty:
    st.info(
        "No topic model yet: choose a unit and press **Fit topics**. Topics need at least six "
        "paragraphs, turns or sentences of three words or more."
    )
    st.stop()

model_id = st.selectbox(
    "Model",
    models["model_id"].tolist(),
    format_func=lambda m: (
        lambda r: f"{m}: {r['unit']} · {r['backend']} · {r['topics']} topics · {r['created_at']}"
    )(models.set_index("model_id").loc[m]),
)
topics = topics_frame(db, model_id)
tabs = st.tabs(["Topics", "Documents", "Over time", "Cases & speakers", "Topic to code"])

with tabs[0]:
    st.plotly_chart(
        px.bar(topics, x="size", y="name", orientation="h", height=max(250, 28 * len(topics))),
        width="stretch",
    )
    st.caption("Edit a label and press Save labels (leave empty for the automatic label).")
    edit = st.data_editor(
        topics[["topic", "custom_label", "name", "size", "words"]],
        hide_index=True,
        disabled=["topic", "name", "size", "words"],
        width="stretch",
        key=f"labels_{model_id}",
    )
    if st.button("Save labels"):
        for t, lab in zip(edit["topic"], edit["custom_label"]):
            old = topics.set_index("topic").loc[t, "custom_label"]
            if (lab or None) != (old or None):
                set_topic_label(db, model_id, int(t), lab if isinstance(lab, str) else None)
        flash("success", "Labels saved.")
        st.rerun()
    pick = st.selectbox(
        "Segments of topic",
        topics["topic"].tolist(),
        format_func=lambda t: topics.set_index("topic").loc[t, "name"],
    )
    seg = topic_segments(db, model_id, topics=[int(pick)])
    st.dataframe(
        seg[["document_title", "char_start", "probability", "text"]].head(200),
        hide_index=True,
        width="stretch",
    )
    if not seg.empty:
        row = st.selectbox(
            "Open segment",
            range(min(len(seg), 200)),
            key="open_topic_segment",
            format_func=lambda i: f"{seg.iloc[i]['document_title']} @ {seg.iloc[i]['char_start']}",
        )
        if st.button("Open in reader"):
            r = seg.iloc[int(row)]
            FOCUS.set(
                {
                    "document_id": int(r["document_id"]),
                    "start": int(r["char_start"]),
                    "end": int(r["char_end"]),
                }
            )
            st.switch_page("ui/pages/corpus.py")

with tabs[1]:
    by_doc = topics_by_document(db, model_id)
    if by_doc.empty:
        st.caption("No segments.")
    else:
        heat = by_doc.pivot_table(
            index="document_title", columns="topic_name", values="share", fill_value=0
        )
        st.plotly_chart(
            px.imshow(
                heat,
                aspect="auto",
                color_continuous_scale="Blues",
                labels={"color": "share of segments"},
            ),
            width="stretch",
        )
        st.dataframe(by_doc, hide_index=True, width="stretch")

with tabs[2]:
    freq = st.radio("Period", ["year", "month"], horizontal=True)
    over = topics_over_time(db, model_id, freq=freq)
    if over.empty:
        st.caption("None of these documents has a date.")
    else:
        st.plotly_chart(
            px.line(over, x="period", y="segments", color="topic_name", markers=True),
            width="stretch",
        )

with tabs[3]:
    by_case = topics_by_case(db, model_id)
    by_speaker = topics_by_speaker(db, model_id)
    if by_case.empty and by_speaker.empty:
        st.caption("No interview cases or speakers in these segments.")
    if not by_case.empty:
        st.subheader("Per case")
        st.dataframe(
            by_case.pivot_table(
                index="case_name", columns="topic_name", values="segments", fill_value=0
            )
        )
    if not by_speaker.empty:
        st.subheader("Per speaker")
        st.dataframe(
            by_speaker.pivot_table(
                index="speaker", columns="topic_name", values="segments", fill_value=0
            )
        )

with tabs[4]:
    st.caption("Propose the topic's segments as codings; review, then save as one undoable batch.")
    real = topics[topics["topic"] >= 0]
    if real.empty:
        st.info("This model has no topics (only outliers).")
    else:
        t = st.selectbox(
            "Topic",
            real["topic"].tolist(),
            format_func=lambda x: real.set_index("topic").loc[x, "name"],
            key="code_topic",
        )
        default = "Topics > " + str(real.set_index("topic").loc[t, "name"]).replace(">", "›")
        code = st.text_input(
            "Code (path; created if new)", value=default, key=f"code_for_{model_id}_{t}"
        )
        if st.button("Preview codings", disabled=not code.strip()):
            TOPICS_PREVIEW.set(preview_topic_codes(db, int(t), code.strip(), model_id=model_id))
        save_preview_codings(db, "topics", current_coder())
