"""Queries over stored topic models: topics, segments, topics per document/case/speaker/period.

Also the "topic to code" preview (saved as one undoable batch by ``coding.apply_preview``).
"""

from __future__ import annotations

import json

import pandas as pd
import sqlite_utils

from coding import Versions, exploded_cases, preview_rows
from corpus import current_documents_sql, document_titles, get_text, list_documents
from interviews import turns_frame
from projectfile import NotFound, transaction, writes

TOPIC_COLUMNS = ["topic", "name", "label", "custom_label", "size", "words"]
SEGMENT_COLUMNS = [
    "document_id",
    "document_title",
    "char_start",
    "char_end",
    "topic",
    "topic_name",
    "probability",
    "text",
]


def models_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return the stored topic models.

    Columns: model_id, created_at, unit, backend, n_segments, topics, message, params.
    """
    return pd.read_sql_query(
        "SELECT m.id AS model_id, m.created_at, m.unit, m.backend, m.n_segments,"
        " (SELECT COUNT(*) FROM topics t WHERE t.model_id = m.id AND t.topic >= 0) AS topics,"
        " m.message, m.params"
        " FROM topic_models m ORDER BY m.id DESC",
        db.conn,
    )


def latest_model(db: sqlite_utils.Database) -> int | None:
    """Return the id of the newest topic model, or None."""
    row = db.execute("SELECT MAX(id) FROM topic_models").fetchone()
    return row[0] if row else None


def _model(db, model_id: int | None) -> int:
    model_id = latest_model(db) if model_id is None else int(model_id)
    if (
        model_id is None
        or not db.execute("SELECT 1 FROM topic_models WHERE id = ?", [model_id]).fetchone()
    ):
        raise NotFound(
            "no topic model: fit topics first" if model_id is None else f"no topic model {model_id}"
        )
    return model_id


def topics_frame(db: sqlite_utils.Database, model_id: int | None = None) -> pd.DataFrame:
    """Return TOPIC_COLUMNS of a model (newest by default); name: the custom or automatic label."""
    mid = _model(db, model_id)
    df = pd.read_sql_query(
        "SELECT topic, label, custom_label, size, words FROM topics WHERE model_id = ?"
        " ORDER BY topic",
        db.conn,
        params=[mid],
    )
    df["name"] = [
        c if c else f"{t}: {lab}" for t, lab, c in zip(df["topic"], df["label"], df["custom_label"])
    ]
    df["words"] = df["words"].map(lambda s: ", ".join(w for w, _ in json.loads(s)))
    return df[TOPIC_COLUMNS]


@writes("topics")
def set_topic_label(
    db: sqlite_utils.Database, model_id: int, topic: int, label: str | None
) -> None:
    """Give a topic a custom label (empty or None restores the automatic one)."""
    label = " ".join((label or "").split()) or None
    with transaction(db):
        if (
            db.execute(
                "UPDATE topics SET custom_label = ? WHERE model_id = ? AND topic = ?",
                [label, int(model_id), int(topic)],
            ).rowcount
            == 0
        ):
            raise NotFound(f"no topic {topic} in model {model_id}")


def topic_segments(
    db: sqlite_utils.Database,
    model_id: int | None = None,
    topics: list[int] | None = None,
    with_text: bool = True,
    versions: Versions = "current",
) -> pd.DataFrame:
    """Return SEGMENT_COLUMNS: each modelled segment with its topic (or some topics only).

    Segments of documents edited since the model was fitted (now earlier versions) count only
    with ``versions='all'``, as every count in the project (``coding.Scope``); refit the model
    to include the current versions.
    """
    mid = _model(db, model_id)
    sql = (
        "SELECT a.document_id, '' AS document_title, a.char_start, a.char_end, a.topic,"
        " a.probability"
        " FROM topic_assignments a WHERE a.model_id = ?"
    )
    if versions == "current":
        sql += f" AND a.document_id IN ({current_documents_sql()})"
    params: list = [mid]
    if topics is not None:
        sql += f" AND a.topic IN ({', '.join('?' * len(topics))})"
        params += [int(t) for t in topics]
    df = pd.read_sql_query(sql + " ORDER BY a.document_id, a.char_start", db.conn, params=params)
    titles = document_titles(db, set(df["document_id"].astype(int)))  # corpus's table, its door
    df["document_title"] = df["document_id"].map(titles)
    names = topics_frame(db, mid).set_index("topic")["name"]
    df["topic_name"] = df["topic"].map(names)
    texts: dict[int, str] = {}
    if with_text:
        for d in df["document_id"].unique():
            texts[int(d)] = get_text(db, int(d))
    df["text"] = [
        texts[int(d)][s:e] if with_text else ""
        for d, s, e in zip(df["document_id"], df["char_start"], df["char_end"])
    ]
    return df[SEGMENT_COLUMNS]


def topics_by_document(db: sqlite_utils.Database, model_id: int | None = None) -> pd.DataFrame:
    """Return document_id, document_title, topic, topic_name, segments, share (of the document)."""
    seg = topic_segments(db, model_id, with_text=False)
    cols = ["document_id", "document_title", "topic", "topic_name"]
    if seg.empty:
        return pd.DataFrame(columns=[*cols, "segments", "share"])
    out = seg.groupby(cols).size().rename("segments").reset_index()
    out["share"] = out["segments"] / out.groupby("document_id")["segments"].transform("sum")
    return out


def topics_by_case(db: sqlite_utils.Database, model_id: int | None = None) -> pd.DataFrame:
    """Return case_id, case_name, topic, topic_name, segments: each segment counted for the
    case(s) it belongs to under the case rule (``coding.span_cases``)."""
    cols = ["case_id", "case_name", "topic", "topic_name"]
    seg = topic_segments(db, model_id, with_text=False)
    merged = exploded_cases(db, seg)
    if merged.empty:
        return pd.DataFrame(columns=[*cols, "segments"])
    return merged.groupby(cols).size().rename("segments").reset_index()


def topics_by_speaker(db: sqlite_utils.Database, model_id: int | None = None) -> pd.DataFrame:
    """Return speaker, topic, topic_name, segments (by the turn holding a segment's start)."""
    cols = ["speaker", "topic", "topic_name"]
    seg = topic_segments(db, model_id, with_text=False)
    turns = turns_frame(db)
    if seg.empty or turns.empty:
        return pd.DataFrame(columns=[*cols, "segments"])
    rows = []
    by_doc = {d: g.sort_values("char_start") for d, g in turns.groupby("document_id")}
    for r in seg.itertuples(index=False):
        t = by_doc.get(r.document_id)
        if t is None:
            continue
        hit = t[(t["char_start"] <= r.char_start) & (r.char_start < t["char_end"])]
        if not hit.empty:
            rows.append((hit["speaker"].iloc[0], r.topic, r.topic_name))
    df = pd.DataFrame(rows, columns=cols)
    return (
        df.groupby(cols).size().rename("segments").reset_index()
        if not df.empty
        else pd.DataFrame(columns=[*cols, "segments"])
    )


def topics_over_time(
    db: sqlite_utils.Database, model_id: int | None = None, freq: str = "year"
) -> pd.DataFrame:
    """Return period, topic, topic_name, segments of dated documents (freq 'year' or 'month')."""
    cols = ["period", "topic", "topic_name"]
    seg = topic_segments(db, model_id, with_text=False)
    docs = list_documents(db, include_old=True)[["id", "date"]].rename(
        columns={"id": "document_id"}
    )
    docs["date"] = pd.to_datetime(docs["date"], errors="coerce", utc=True)
    merged = seg.merge(docs.dropna(subset=["date"]), on="document_id")
    if merged.empty:
        return pd.DataFrame(columns=[*cols, "segments"])
    merged["period"] = merged["date"].dt.strftime("%Y" if freq == "year" else "%Y-%m")
    return (
        merged.groupby(cols)
        .size()
        .rename("segments")
        .reset_index()
        .sort_values(["period", "topic"])
        .reset_index(drop=True)
    )


def preview_topic_codes(
    db: sqlite_utils.Database, topic: int, code: str, model_id: int | None = None
) -> pd.DataFrame:
    """Return proposed codings (coding's PREVIEW_COLUMNS) for the segments of a topic."""
    mid = _model(db, model_id)
    seg = topic_segments(db, mid, topics=[int(topic)])
    return preview_rows(db, seg, code, f"topic {topic} of topic model {mid}")
