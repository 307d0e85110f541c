"""The domain gazetteer (patterns applied before spaCy's NER) and entity aliases, in the project.

A gazetteer entry is a phrase (matched case-insensitively, token by token) with a label and a
canonical name; aliases map any entity name to a canonical name, for every mention, at query time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pandas as pd
import sqlite_utils

from projectfile import frame_to_csv, now_iso, restore_cell, transaction, writes

from .errors import GazetteerError

GAZETTEER_COLUMNS = ["id", "label", "pattern", "canonical", "language"]
LABELS = (
    "ORG",
    "PROGRAM",
    "CONSORTIUM",
    "CLUSTER",
    "LAW",
    "AGREEMENT",
    "GPE",
    "LOC",
    "PERSON",
    "MISC",
)
LANGUAGES = ("*", "en", "es")


def _clean(entry: dict, where: str) -> dict:
    pattern = " ".join(str(entry.get("pattern") or "").split())
    label = str(entry.get("label") or "").strip().upper()
    canonical = " ".join(str(entry.get("canonical") or "").split()) or pattern
    language = str(entry.get("language") or "*").strip().lower() or "*"
    if not pattern:
        raise GazetteerError(f"{where}: empty pattern")
    if not label or not label.replace("_", "").isalnum():
        raise GazetteerError(f"{where}: label must be a word such as ORG or LAW (got {label!r})")
    if language not in LANGUAGES:
        raise GazetteerError(
            f"{where}: language must be one of {', '.join(LANGUAGES)} (got {language!r})"
        )
    return {"pattern": pattern, "label": label, "canonical": canonical, "language": language}


@writes("entities")
def add_entries(db: sqlite_utils.Database, entries: list[dict], source: str = "entries") -> int:
    """Add or update entries (pattern, label, canonical, language) at once; return how many."""
    cleaned = [_clean(e, f"{source}, entry {i + 1}") for i, e in enumerate(entries)]
    stamp = now_iso()
    with transaction(db):
        for e in cleaned:
            db.execute(
                "INSERT INTO gazetteer (label, pattern, canonical, language, created_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (pattern, label, language)"
                " DO UPDATE SET canonical = excluded.canonical",
                [e["label"], e["pattern"], e["canonical"], e["language"], stamp],
            )
    return len(cleaned)


def add_entry(
    db: sqlite_utils.Database,
    pattern: str,
    label: str,
    canonical: str | None = None,
    language: str = "*",
) -> None:
    """Add (or update) one gazetteer entry."""
    add_entries(
        db, [{"pattern": pattern, "label": label, "canonical": canonical, "language": language}]
    )


@writes("entities")
def remove_entries(db: sqlite_utils.Database, ids: list[int]) -> int:
    """Delete gazetteer entries by id; return how many were deleted."""
    with transaction(db):
        n = 0
        for i in ids:
            n += db.execute("DELETE FROM gazetteer WHERE id = ?", [int(i)]).rowcount
    return n


def gazetteer_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return the gazetteer: id, label, pattern, canonical, language (by canonical, pattern)."""
    return pd.read_sql_query(
        f"SELECT {', '.join(GAZETTEER_COLUMNS)} FROM gazetteer"
        " ORDER BY canonical COLLATE NOCASE, pattern",
        db.conn,
    )


@writes("entities")
def replace_gazetteer(db: sqlite_utils.Database, frame: pd.DataFrame) -> int:
    """Replace the gazetteer with the rows of an edited gazetteer_frame; return their count."""
    rows = [r for r in frame.to_dict("records") if str(r.get("pattern") or "").strip()]
    cleaned = [_clean(r, f"row {i + 1}") for i, r in enumerate(rows)]
    with transaction(db):
        db.execute("DELETE FROM gazetteer")
        add_entries(db, cleaned)
    return len(cleaned)


def gazetteer_version(db: sqlite_utils.Database, language: str) -> str:
    """Return a short hash of the entries for ``language`` (part of the pipeline version)."""
    rows = ruler_patterns(db, language)
    return (
        hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:10]
        if rows
        else "none"
    )


def ruler_patterns(db: sqlite_utils.Database, language: str) -> tuple[tuple[str, str, str], ...]:
    """Return (label, pattern, canonical) of the entries that apply to ``language``, sorted."""
    return tuple(
        db.execute(
            "SELECT label, pattern, canonical FROM gazetteer WHERE language IN ('*', ?)"
            " ORDER BY label, pattern, canonical",
            [language],
        ).fetchall()
    )


# ---- import / export ---------------------------------------------------------------------------


def import_gazetteer(db: sqlite_utils.Database, path: str | Path) -> int:
    """Add the entries of a CSV (pattern,label,canonical[,language]) or JSONL; return how many."""
    path = Path(path)
    if not path.is_file():
        raise GazetteerError(f"{path}: no such file")
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GazetteerError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    entries = []
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for n, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GazetteerError(f"{path}, line {n}: not JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise GazetteerError(f"{path}, line {n}: expected an object with pattern and label")
            # spaCy's entity_ruler JSONL uses "id" for the canonical name
            obj.setdefault("canonical", obj.get("id"))
            if not isinstance(obj.get("pattern"), str):
                raise GazetteerError(
                    f"{path}, line {n}: pattern must be a phrase (token patterns are not supported)"
                )
            entries.append((n, obj))
    else:
        reader = csv.DictReader(io.StringIO(raw))
        missing = {"pattern", "label"} - {
            (f or "").strip().lower() for f in (reader.fieldnames or [])
        }
        if missing:
            raise GazetteerError(
                f"{path}: the header needs the columns pattern,label"
                f" (missing {', '.join(sorted(missing))})"
            )
        for n, row in enumerate(reader, 2):
            entries.append(
                (n, {(k or "").strip().lower(): restore_cell(v) for k, v in row.items()})
            )
    cleaned = [_clean(e, f"{path}, line {n}") for n, e in entries]
    return add_entries(db, cleaned, source=str(path))


def export_gazetteer(db: sqlite_utils.Database, path: str | Path) -> int:
    """Write the gazetteer as CSV or JSONL (by the file's suffix); return the number of entries."""
    path = Path(path)
    df = gazetteer_frame(db).drop(columns=["id"])
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        lines = [
            json.dumps(
                {
                    "label": r["label"],
                    "pattern": r["pattern"],
                    "id": r["canonical"],
                    "canonical": r["canonical"],
                    "language": r["language"],
                },
                ensure_ascii=False,
            )
            for r in df.to_dict("records")
        ]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    else:
        path.write_text(
            frame_to_csv(df[["pattern", "label", "canonical", "language"]]), encoding="utf-8"
        )
    return len(df)


# ---- aliases -----------------------------------------------------------------------------------


@writes("entities")
def merge_entities(db: sqlite_utils.Database, names: list[str], canonical: str) -> int:
    """Merge names under ``canonical`` for every mention, now and later; return how many."""
    canonical = " ".join(canonical.split())
    if not canonical:
        raise GazetteerError("the canonical name is empty")
    stamp = now_iso()
    with transaction(db):
        # names that were themselves canonical for others follow the merge
        for name in names:
            db.execute(
                "UPDATE entity_aliases SET canonical = ? WHERE canonical = ?", [canonical, name]
            )
        n = 0
        for name in {" ".join(str(x).split()) for x in names}:
            if not name or name == canonical:
                continue
            db.execute(
                "INSERT INTO entity_aliases (alias, canonical, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (alias) DO UPDATE SET canonical = excluded.canonical",
                [name, canonical, stamp],
            )
            n += 1
        db.execute("DELETE FROM entity_aliases WHERE alias = ?", [canonical])
    return n


@writes("entities")
def unmerge_entity(db: sqlite_utils.Database, alias: str) -> bool:
    """Remove one alias; return True when it existed."""
    with transaction(db):
        return db.execute("DELETE FROM entity_aliases WHERE alias = ?", [alias]).rowcount > 0


def aliases_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return the aliases: alias, canonical."""
    return pd.read_sql_query(
        "SELECT alias, canonical FROM entity_aliases ORDER BY canonical, alias", db.conn
    )


STARTER = Path(__file__).resolve().parent / "data" / "starter_gazetteer.csv"


def add_starter_gazetteer(db: sqlite_utils.Database) -> int:
    """Add the bundled starter entries (CONACYT, MUSEIC, NAFTA, USMCA, laws...); return how many."""
    return import_gazetteer(db, STARTER)
