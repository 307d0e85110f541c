"""Read-only queries of interviews: turns, speakers, cases, attributes, transcripts (DataFrames)."""

from __future__ import annotations

import json

import pandas as pd
import sqlite_utils

from corpus import current_documents_sql, document_titles, get_text, list_documents

from .values import typed_value

TURN_COLUMNS = [
    "document_id",
    "turn_no",
    "char_start",
    "char_end",
    "speaker_id",
    "speaker",
    "role",
    "case_id",
    "case_name",
    "t_start",
    "t_end",
    "language",
]


def turns_frame(db: sqlite_utils.Database, document_ids: list[int] | None = None) -> pd.DataFrame:
    """Return one row per turn (TURN_COLUMNS).

    Columns: document_id, turn_no, char_start, char_end, speaker_id, speaker, role,
    case_id, case_name, t_start, t_end (seconds or None), language ('en'|'es'|'other'|None)."""
    sql = (
        "SELECT t.document_id, t.turn_no, t.char_start, t.char_end, t.speaker_id,"
        " s.label AS speaker, s.role,"
        " s.case_id, c.name AS case_name, t.t_start, t.t_end, t.language"
        " FROM turns t LEFT JOIN speakers s ON s.id = t.speaker_id"
        " LEFT JOIN cases c ON c.id = s.case_id"
    )
    params: list = []
    if document_ids is not None:
        ids = [int(i) for i in document_ids]
        if not ids:
            return pd.DataFrame(columns=TURN_COLUMNS)
        sql += f" WHERE t.document_id IN ({', '.join('?' * len(ids))})"
        params = ids
    df = pd.read_sql_query(sql + " ORDER BY t.document_id, t.turn_no", db.conn, params=params)
    df["t_start"] = df["t_start"].astype(object).where(df["t_start"].notna(), None)
    df["t_end"] = df["t_end"].astype(object).where(df["t_end"].notna(), None)
    return df[TURN_COLUMNS]


def transcript_turns(db: sqlite_utils.Database, document_id: int) -> pd.DataFrame:
    """Return the turns of one transcript with their text: TURN_COLUMNS + text."""
    text = get_text(db, document_id)
    df = turns_frame(db, [document_id])
    df["text"] = [text[s:e] for s, e in zip(df["char_start"], df["char_end"])]
    return df


def speakers_frame(
    db: sqlite_utils.Database, document_ids: list[int] | None = None
) -> pd.DataFrame:
    """Return speaker_id, document_id, document_title, speaker, role, case_id, case_name, turns,
    chars of current transcripts."""
    sql = (
        "SELECT s.id AS speaker_id, s.document_id, '' AS document_title, s.label AS speaker,"
        " s.role, s.case_id,"
        " c.name AS case_name, (SELECT COUNT(*) FROM turns t WHERE t.speaker_id = s.id) AS turns,"
        " (SELECT COALESCE(SUM(t.char_end - t.char_start), 0) FROM turns t"
        "   WHERE t.speaker_id = s.id) AS chars"
        " FROM speakers s LEFT JOIN cases c ON c.id = s.case_id"
        f" WHERE s.document_id IN ({current_documents_sql()})"
    )
    params: list = []
    if document_ids is not None:
        ids = [int(i) for i in document_ids] or [-1]
        sql += f" AND s.document_id IN ({', '.join('?' * len(ids))})"
        params = ids
    df = pd.read_sql_query(sql, db.conn, params=params)
    df["document_title"] = df["document_id"].map(document_titles(db, set(df["document_id"])))
    return df.sort_values(["document_title", "speaker_id"], kind="stable", ignore_index=True)


def speaker_labels(db: sqlite_utils.Database) -> list[str]:
    """Return the distinct speaker labels of every transcript, earlier versions included."""
    return [r[0] for r in db.execute("SELECT DISTINCT label FROM speakers").fetchall()]


def transcripts_frame(db: sqlite_utils.Database, include_old: bool = False) -> pd.DataFrame:
    """Return document_id, title, format, turns, speakers, language, pseudonymized,
    source_document_id, is_current of each transcript (current versions unless ``include_old``)."""
    own = pd.read_sql_query(
        "SELECT tr.document_id, tr.format,"
        " (SELECT COUNT(*) FROM turns t WHERE t.document_id = tr.document_id) AS turns,"
        " (SELECT COUNT(*) FROM speakers s WHERE s.document_id = tr.document_id) AS speakers,"
        " tr.pseudonymized, tr.source_document_id"
        " FROM transcripts tr",
        db.conn,
    )
    # corpus's documents through its front door, already in title (NOCASE), version order
    docs = list_documents(db, include_old=include_old)[["id", "title", "language", "is_current"]]
    docs = docs.rename(columns={"id": "document_id"})
    out = docs.merge(own, on="document_id", how="inner")
    return out[
        [
            "document_id",
            "title",
            "format",
            "turns",
            "speakers",
            "language",
            "pseudonymized",
            "source_document_id",
            "is_current",
        ]
    ]


def cases_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return case_id, name, kind, description, documents (current interviews where the case
    speaks), speakers."""
    return pd.read_sql_query(
        "SELECT c.id AS case_id, c.name, c.kind, c.description,"
        " (SELECT COUNT(DISTINCT s.document_id) FROM speakers s"
        f"   WHERE s.case_id = c.id AND s.document_id IN ({current_documents_sql()})) AS documents,"
        " (SELECT GROUP_CONCAT(DISTINCT s.label) FROM speakers s WHERE s.case_id = c.id)"
        "   AS speakers"
        " FROM cases c ORDER BY c.name COLLATE NOCASE",
        db.conn,
    )


def document_cases(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return document_id, case_id, case_name: the interviewee case(s) of each interview document
    (all versions)."""
    return pd.read_sql_query(
        "SELECT DISTINCT s.document_id, s.case_id, c.name AS case_name"
        " FROM speakers s JOIN cases c ON c.id = s.case_id"
        " WHERE s.role = 'interviewee' ORDER BY s.document_id, s.case_id",
        db.conn,
    )


def attributes_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return attribute_id, name, type, categories (list), position."""
    df = pd.read_sql_query(
        "SELECT id AS attribute_id, name, type, categories, position FROM attributes"
        " ORDER BY position, id",
        db.conn,
    )
    df["categories"] = df["categories"].map(json.loads)
    return df


def case_attributes_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return one row per case: case_id, case_name, then one column per attribute.

    Values are typed: numbers as floats,
    dates as ISO strings, categories and text as strings, missing as None)."""
    attrs = attributes_frame(db)
    cases = pd.read_sql_query(
        "SELECT id AS case_id, name AS case_name FROM cases ORDER BY name COLLATE NOCASE", db.conn
    )
    values = pd.read_sql_query("SELECT case_id, attribute_id, value FROM case_attributes", db.conn)
    out = cases.copy()
    for a in attrs.itertuples():
        v = values[values["attribute_id"] == a.attribute_id].set_index("case_id")["value"]
        col = [typed_value(v.get(cid), a.type) for cid in out["case_id"]]
        out[a.name] = pd.Series(
            col, index=out.index, dtype="float64" if a.type == "number" else object
        )
    return out
