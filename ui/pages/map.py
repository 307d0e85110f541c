"""Map page: the places the corpus mentions (bundled places gazetteer), counted per document, case
or code, on committed state outlines drawn by Altair with the data inline: no tile server, no
network. A place opens its passages; a passage opens in the reader or on the Code page."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from nlp import boundaries, entities_frame, kwic, place_counts, place_groups, place_mentions
from ui.common import get_db
from ui.state import FOCUS

st.title("Map")
db = get_db()


@st.cache_data
def outline_features() -> list[dict]:
    """Return the committed state outlines as GeoJSON features (read once per process)."""
    return boundaries()["features"]


institutions = st.toggle(
    "Include institutions (at their seat)",
    value=False,
    help="Universities, research centres and agencies drawn at the city where they sit.",
)
places = place_mentions(entities_frame(db), institutions=institutions)
if places.empty:
    st.info(
        "No places yet. Press **Extract entities** on the Entities page: the bundled gazetteer "
        "finds the Mexican states, capitals and industrial cities, the US border states and the "
        "region's institutions in English and Spanish text."
    )
    st.stop()

c1, c2 = st.columns([1, 2])
by = c1.radio("Count per", ["document", "case", "code"], horizontal=True, key="map_by")
counts = place_counts(db, places, by)
if counts.empty:
    st.info(
        {
            "case": "None of the mentioned places is in an interview turn of a case.",
            "code": "None of the mentioned places lies inside a coded passage.",
        }.get(by, "No places to count.")
    )
    st.stop()
groups = (
    counts.groupby(["group_id", "group"])["mentions"]
    .sum()
    .reset_index()
    .sort_values("mentions", ascending=False)
)
labels = {int(g): str(n) for g, n in zip(groups["group_id"], groups["group"])}
chosen = c2.multiselect(
    f"Only these {by}s (none: all)",
    list(labels),
    format_func=lambda g: labels[g],
    key=f"map_groups_{by}",
)
shown = counts[counts["group_id"].isin(chosen)] if chosen else counts
per_place = (
    shown.groupby(["canonical", "kind", "lat", "lon"])
    .agg(mentions=("mentions", "sum"), groups=("group_id", "nunique"))
    .reset_index()
    .sort_values("mentions", ascending=False)
)

top = int(per_place["mentions"].max())
legend_values = sorted({1, max(1, top // 2), top})
outlines = (
    alt.Chart(alt.Data(values=outline_features()))
    .mark_geoshape(fill="#eef1f4", stroke="#8a94a3", strokeWidth=0.6)
    .encode(tooltip=[alt.Tooltip("properties.name:N", title="state")])
)
points = (
    alt.Chart(per_place)
    .mark_circle(color="#c2410c", opacity=0.75, stroke="white", strokeWidth=0.8)
    .encode(
        longitude="lon:Q",
        latitude="lat:Q",
        size=alt.Size(
            "mentions:Q",
            scale=alt.Scale(domainMin=0, range=[60, 1600]),
            legend=alt.Legend(title="mentions", format="d", values=legend_values),
        ),
        tooltip=[
            alt.Tooltip("canonical:N", title="place"),
            alt.Tooltip("kind:N"),
            alt.Tooltip("mentions:Q"),
            alt.Tooltip("groups:Q", title=f"{by}s"),
        ],
    )
)
chart = (
    alt.layer(outlines, points)
    .project(type="mercator")
    .properties(height=560)
    .configure_view(stroke=None)
)
st.altair_chart(chart, width="stretch")
st.caption(
    f"{int(per_place['mentions'].sum())} mentions of {len(per_place)} places"
    f" in {shown['group_id'].nunique()} {by}s. Outlines: simplified, from the"
    " name-suggestion-index (BSD-3-Clause); coordinates: GeoNames (CC BY 4.0)."
)

left, right = st.columns([2, 3])
with left:
    st.subheader(f"Places per {by}")
    st.dataframe(
        shown.rename(columns={"canonical": "place", "group": by})[
            ["place", "mentions", by]
        ].sort_values(["mentions", "place"], ascending=[False, True]),
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * len(shown)),
    )
with right:
    st.subheader("Passages")
    place = st.selectbox("Place", list(per_place["canonical"]), key="map_place")
    grouped = place_groups(db, places[places["canonical"] == place], by)
    if chosen:
        grouped = grouped[grouped["group_id"].isin(chosen)]
    mentions = grouped.drop_duplicates("entity_id").sort_values(["document_id", "char_start"])
    rows = kwic(db, mentions.assign(label="GPE"), width=70, limit=200)
    n = len(mentions)
    st.caption(f"{n} mention{'s' if n != 1 else ''} of {place}")
    st.dataframe(
        pd.DataFrame(
            {
                "passage": [
                    f"…{a[-40:]} «{m}» {b}…"
                    for a, m, b in zip(rows["left"], rows["mention"], rows["right"])
                ],
                "document": rows["document_title"],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={"passage": st.column_config.TextColumn(width="large")},
    )
    if not rows.empty:
        i = st.selectbox(
            "Open passage",
            range(len(rows)),
            format_func=lambda k: (
                f"{rows.iloc[k]['document_title']} @ {rows.iloc[k]['char_start']}"
            ),
            key=f"map_open_{by}_{place}",
        )
        b1, b2 = st.columns(2)
        target = None
        if b1.button("Open in reader", key="map_reader"):
            target = "ui/pages/corpus.py"
        if b2.button("Open on the Code page", key="map_code"):
            target = "ui/pages/code.py"
        if target:
            r = rows.iloc[int(i)]
            FOCUS.set(
                {
                    "document_id": int(r["document_id"]),
                    "start": int(r["char_start"]),
                    "end": int(r["char_end"]),
                }
            )
            st.switch_page(target)
