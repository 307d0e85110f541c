"""Search page: full-text query with filters, ranked hits with highlighted snippets; open a hit
in the Code page (scrolled to it, highlighted, selected), code one hit or all hits at sentence,
paragraph or turn level (a preview, then one undoable batch)."""

from __future__ import annotations

import html

import streamlit as st

from corpus import SearchError, list_documents, snippet_to_html, to_fts_query
from nlp import SearchMode, count_passages, search_passages
from ui.common import get_db
from ui.meaning import hit_label, more_like_panel, search_mode, similar_button
from ui.session_search import code_bar, code_hit_button, open_hit
from ui.state import SEARCH_PAGE, SEARCH_QUERY, SEARCH_SIGNATURE

PER_PAGE = 20

st.title("Search")
db = get_db()
docs = list_documents(db)
if docs.empty:
    st.info("No documents yet: add some on the Corpus page.")
    st.stop()

query = st.text_input(
    "Search the documents",
    key=SEARCH_QUERY,
    placeholder='e.g. consortium AND "supplier development", tecnolog*, NEAR(CONACYT funding, 10)',
)
st.caption(
    'Words, "exact phrases", AND, OR, NOT, word*, NEAR(a b, 10). '
    "Accents do not matter: tecnologia finds tecnología."
)
with st.expander("Filters", expanded=False):
    c1, c2 = st.columns(2)
    kinds = c1.multiselect("Kind", ["policy", "interview", "other"], key="search_kinds")
    languages = c2.multiselect("Language", ["en", "es", "other"], key="search_languages")
    dated = docs.date.dropna().sort_values()
    c3, c4 = st.columns(2)
    date_from = c3.text_input(
        "Dated from (YYYY-MM-DD)",
        key="search_from",
        placeholder=dated.iloc[0] if len(dated) else "",
    )
    date_to = c4.text_input(
        "Dated to (YYYY-MM-DD)", key="search_to", placeholder=dated.iloc[-1] if len(dated) else ""
    )
    titles = dict(zip(docs.id.astype(int), docs.title))
    chosen = st.multiselect(
        "Only these documents", list(titles), format_func=lambda i: titles[i], key="search_docs"
    )

mode = search_mode(db)
more_like_panel(db)
if not query.strip():
    st.stop()

filters = dict(
    kinds=kinds or None,
    languages=languages or None,
    date_from=date_from.strip() or None,
    date_to=date_to.strip() or None,
    document_ids=chosen or None,
)
signature = (query, mode, repr(filters))
if SEARCH_SIGNATURE.get() != signature:
    SEARCH_SIGNATURE.set(signature)
    SEARCH_PAGE.set(0)
try:
    total = count_passages(db, query, mode, **filters)
except SearchError as exc:
    st.warning(str(exc))
    st.stop()
if mode == SearchMode.HYBRID:
    try:  # hybrid goes on by meaning when the words cannot be a keyword query: say so
        to_fts_query(query)
    except SearchError as exc:
        st.warning(f"{exc} The words were searched by meaning only.")

if total == 0:
    st.info("No passages match.")
    st.stop()

pages = (total + PER_PAGE - 1) // PER_PAGE
page = min(SEARCH_PAGE.get(0), pages - 1)
hits = search_passages(db, query, mode, limit=PER_PAGE, offset=page * PER_PAGE, **filters)
# the callback runs in the next run, after this run's connection is closed: it opens its own
code_bar(db, query, total, lambda cap: search_passages(get_db(), query, mode, limit=cap, **filters))
st.markdown(f"**{total}** matching passages · page {page + 1} of {pages}")

for _i, hit in enumerate(hits.itertuples()):
    where = (
        f"p. {int(hit.page)}" if hit.page == hit.page and hit.page is not None else hit.segment_kind
    )
    with st.container(border=True, key=f"hit_{hit.segment_id}"):
        left, right = st.columns([6, 1])
        snippet = snippet_to_html(" ".join(hit.snippet.split()))
        left.markdown(
            f"<div><b>{html.escape(str(hit.title))}</b> · {html.escape(str(hit.kind))} · "
            f"{hit_label(hit)} · {html.escape(str(where))}<br>{snippet}</div>",
            # every piece of document text here is escaped; only <b>, <mark> are ours
            unsafe_allow_html=True,
        )
        with right:
            open_hit(hit)
            code_hit_button(db, hit, query)
            similar_button(hit)

prev_col, next_col = st.columns(2)
if prev_col.button("← Previous", disabled=page == 0, key="search_prev"):
    SEARCH_PAGE.set(page - 1)
    st.rerun()
if next_col.button("Next →", disabled=page >= pages - 1, key="search_next"):
    SEARCH_PAGE.set(page + 1)
    st.rerun()
