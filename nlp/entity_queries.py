"""Queries over stored entities: mentions, top entities, counts per document/case, KWIC, networks.

Aliases (``merge_entities``) apply here, at query time, so a merge changes every mention at once.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from coding import Versions, exploded_cases, preview_rows
from corpus import current_documents_sql, document_titles, get_text

ENTITY_COLUMNS = [
    "entity_id",
    "document_id",
    "document_title",
    "segment_id",
    "char_start",
    "char_end",
    "text",
    "label",
    "canonical",
    "source",
    "language",
    "pipeline_version",
]
_CANONICAL = "COALESCE(a1.canonical, a2.canonical, e.canonical)"


def entities_frame(
    db: sqlite_utils.Database,
    labels: list[str] | None = None,
    names: list[str] | None = None,
    documents: list[int] | None = None,
    languages: list[str] | None = None,
    versions: Versions = "current",
) -> pd.DataFrame:
    """Return one row per mention (ENTITY_COLUMNS) in document order; names are canonical.

    Mentions on earlier versions of an edited document (their copies are on the current one) are
    history: listed only with ``versions='all'``, as every count in the project (``coding.Scope``).
    """
    where, params = [], []
    if versions == "current":
        where.append(f"e.document_id IN ({current_documents_sql()})")
    for col, values in (
        ("e.label", labels),
        ("e.document_id", documents),
        ("e.language", languages),
    ):
        if values:
            where.append(f"{col} IN ({', '.join('?' * len(values))})")
            params += [int(v) if col == "e.document_id" else v for v in values]
    if names:
        where.append(f"{_CANONICAL} IN ({', '.join('?' * len(names))})")
        params += list(names)
    sql = f"""
        SELECT e.id AS entity_id, e.document_id, '' AS document_title, e.segment_id,
               e.char_start, e.char_end, e.text, e.label, {_CANONICAL} AS canonical, e.source,
               e.language, e.pipeline_version
        FROM entities e
        LEFT JOIN entity_aliases a1 ON a1.alias = e.canonical
        LEFT JOIN entity_aliases a2 ON a2.alias = e.text
        {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY e.document_id, e.char_start, e.char_end"""
    df = pd.read_sql_query(sql, db.conn, params=params)
    titles = document_titles(db, set(df["document_id"].astype(int)))  # corpus's table, its door
    df["document_title"] = df["document_id"].map(titles)
    return df


def entity_labels(db: sqlite_utils.Database) -> list[str]:
    """Return the labels present, most frequent first."""
    return [
        r[0]
        for r in db.execute(
            "SELECT label FROM entities GROUP BY label ORDER BY COUNT(*) DESC, label"
        )
    ]


def top_entities(mentions: pd.DataFrame, limit: int | None = 20) -> pd.DataFrame:
    """Return canonical, label, mentions, documents per entity of an entities_frame, most first."""
    if mentions.empty:
        return pd.DataFrame(columns=["canonical", "label", "mentions", "documents"])
    g = mentions.groupby(["canonical", "label"]).agg(
        mentions=("entity_id", "size"), documents=("document_id", "nunique")
    )
    g = g.reset_index().sort_values(
        ["mentions", "documents", "canonical"], ascending=[False, False, True]
    )
    return (g.head(limit) if limit else g).reset_index(drop=True)


def counts_by_document(mentions: pd.DataFrame) -> pd.DataFrame:
    """Return canonical, label, document_id, document_title, mentions (long form)."""
    cols = ["canonical", "label", "document_id", "document_title"]
    if mentions.empty:
        return pd.DataFrame(columns=[*cols, "mentions"])
    return (
        mentions.groupby(cols)
        .size()
        .rename("mentions")
        .reset_index()
        .sort_values(["mentions", "canonical"], ascending=[False, True])
        .reset_index(drop=True)
    )


def counts_by_case(db: sqlite_utils.Database, mentions: pd.DataFrame) -> pd.DataFrame:
    """Return canonical, label, case_id, case_name, mentions: each mention counted for the
    case(s) it belongs to under the case rule (``coding.span_cases``: in an interview, the case of
    the speaker whose turn holds it)."""
    cols = ["canonical", "label", "case_id", "case_name"]
    merged = exploded_cases(db, mentions)
    if merged.empty:
        return pd.DataFrame(columns=[*cols, "mentions"])
    return (
        merged.groupby(cols)
        .size()
        .rename("mentions")
        .reset_index()
        .sort_values(["mentions", "canonical"], ascending=[False, True])
        .reset_index(drop=True)
    )


def kwic(
    db: sqlite_utils.Database, mentions: pd.DataFrame, width: int = 60, limit: int = 500
) -> pd.DataFrame:
    """Return keyword-in-context rows of mentions.

    Columns: document_id, document_title, char_start, char_end, left, mention, right, canonical,
    label.
    """
    cols = [
        "document_id",
        "document_title",
        "char_start",
        "char_end",
        "left",
        "mention",
        "right",
        "canonical",
        "label",
    ]
    texts: dict[int, str] = {}
    rows = []
    for r in mentions.head(limit).itertuples(index=False):
        doc = int(r.document_id)
        if doc not in texts:
            texts[doc] = get_text(db, doc)
        t = texts[doc]
        s, e = int(r.char_start), int(r.char_end)
        left = " ".join(t[max(0, s - width) : s].split())
        right = " ".join(t[e : e + width].split())
        rows.append([doc, r.document_title, s, e, left, t[s:e], right, r.canonical, r.label])
    return pd.DataFrame(rows, columns=cols)


def cooccurrence_frame(
    mentions: pd.DataFrame, min_weight: int = 1, top: int | None = 60
) -> pd.DataFrame:
    """Return source, target, weight: how many segments (paragraphs/turns) mention both entities.

    ``top`` keeps only pairs among the ``top`` most mentioned entities.
    """
    cols = ["source", "target", "weight"]
    if mentions.empty:
        return pd.DataFrame(columns=cols)
    names = mentions["canonical"]
    if top:
        keep = set(names.value_counts().head(top).index)
        mentions = mentions[names.isin(keep)]
    per_seg = mentions.drop_duplicates(["segment_id", "canonical"])[["segment_id", "canonical"]]
    pairs = per_seg.merge(per_seg, on="segment_id")
    pairs = pairs[pairs["canonical_x"] < pairs["canonical_y"]]
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    out = pairs.groupby(["canonical_x", "canonical_y"]).size().rename("weight").reset_index()
    out.columns = cols
    out = out[out["weight"] >= min_weight]
    return out.sort_values(
        ["weight", "source", "target"], ascending=[False, True, True]
    ).reset_index(drop=True)


def cooccurrence_graph(mentions: pd.DataFrame, min_weight: int = 1, top: int | None = 60):
    """Return a networkx Graph: canonical names (label, mentions) joined by co-occurrence weight."""
    import networkx as nx

    g = nx.Graph()
    edges = cooccurrence_frame(mentions, min_weight, top)
    if mentions.empty:
        return g
    info = top_entities(mentions, limit=None).drop_duplicates("canonical").set_index("canonical")
    for a, b, w in edges.itertuples(index=False):
        for n in (a, b):
            if n not in g:
                g.add_node(
                    n, label=str(info.loc[n, "label"]), mentions=int(info.loc[n, "mentions"])
                )
        g.add_edge(a, b, weight=int(w))
    return g


def graph_figure(g):
    """Return a plotly Figure of the graph (spring layout, fixed seed; node size by mentions)."""
    import networkx as nx
    import plotly.graph_objects as go

    pos = nx.spring_layout(g, seed=7, weight="weight") if len(g) else {}
    ex, ey = [], []
    for a, b in g.edges():
        ex += [pos[a][0], pos[b][0], None]
        ey += [pos[a][1], pos[b][1], None]
    nodes = list(g.nodes(data=True))
    fig = go.Figure(
        [
            go.Scatter(
                x=ex, y=ey, mode="lines", line={"width": 1, "color": "#bbb"}, hoverinfo="none"
            ),
            go.Scatter(
                x=[pos[n][0] for n, _ in nodes],
                y=[pos[n][1] for n, _ in nodes],
                mode="markers+text",
                text=[n for n, _ in nodes],
                textposition="top center",
                hovertext=[f"{n} ({d['label']}): {d['mentions']} mentions" for n, d in nodes],
                hoverinfo="text",
                marker={"size": [8 + min(30, d["mentions"]) for _, d in nodes], "color": "#4e79a7"},
            ),
        ]
    )
    fig.update_layout(
        showlegend=False,
        xaxis={"visible": False},
        yaxis={"visible": False},
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
    )
    return fig


def preview_code_mentions(
    db: sqlite_utils.Database,
    code: str,
    labels: list[str] | None = None,
    names: list[str] | None = None,
) -> pd.DataFrame:
    """Return proposed codings (coding's PREVIEW_COLUMNS) for the mentions with the labels/names."""
    m = entities_frame(db, labels=labels, names=names).drop_duplicates(
        ["document_id", "char_start", "char_end"]
    )
    rule = "entities " + "; ".join(filter(None, [", ".join(labels or []), ", ".join(names or [])]))
    return preview_rows(db, m, code, rule)
