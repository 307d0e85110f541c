"""Undoing a merge (``coding.merge_project``): what the merge made goes, unless work made since
uses it.

A merge is one undoable action whose payload holds the row images of the codes, codings and memos
it created and, under ``merge``, the coders, documents, cases, attributes, attribute values and
``merge_origins`` rows it added. Undo removes them all in its one transaction, except a row that
was changed since the merge or that something made since uses (a coding on a merged code, a memo
on a merged coding, a new version of a merged document, a speaker linked to a merged case, ...):
that row stays, and so does what it needs (a kept code keeps its parent), and the undo's label
says what was kept and why. History (``history.undo``) calls the two functions here.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from corpus import current_version, delete_document, document_titles, get_document
from interviews import (
    attributes_frame,
    case_attributes_frame,
    cases_frame,
    delete_attribute,
    delete_case_record,
    set_attribute,
)

from .case_rule import case_documents


def _current(db: sqlite_utils.Database, table: str, row_id: int) -> dict | None:
    cur = db.execute(f"SELECT * FROM {table} WHERE id = ?", [int(row_id)])
    row = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], row)) if row else None


def _ids(db: sqlite_utils.Database, sql: str, params: list) -> set[int]:
    return {r[0] for r in db.execute(sql, params).fetchall()}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def merged_rows_to_keep(db: sqlite_utils.Database, payload: dict) -> tuple[frozenset, list[str]]:
    """Return the rows (table, id) of a merge's changes that undo must leave, and why (notes)."""
    created: set[tuple[str, int]] = set()
    final: dict[tuple[str, int], dict | None] = {}
    for table, row_id, before, after in payload.get("changes", []):
        key = (table, int(row_id))
        if key not in final and before is None:
            created.add(key)
        final[key] = after
    keep: set[tuple[str, int]] = set()
    changed: dict[str, int] = {}
    for key, image in final.items():
        now = _current(db, *key)
        if now != image:
            keep.add(key)
            if now is not None:
                changed[key[0]] = changed.get(key[0], 0) + 1
    notes = [
        f"{_plural(n, table[:-1].replace('_', ' '))} changed since the merge"
        for table, n in sorted(changed.items())
    ]

    def going(table: str) -> set[int]:
        return {i for t, i in created if t == table and (t, i) not in keep}

    memos = going("memos")
    codings: set[int] = set()
    candidates = going("codings")
    for cid in sorted(candidates):
        later_memos = _ids(db, "SELECT id FROM memos WHERE coding_id = ?", [cid]) - memos
        reviewed = db.execute(
            "SELECT 1 FROM coding_reviews WHERE coding_id = ? OR new_coding_id = ?", [cid, cid]
        ).fetchone()
        if later_memos or reviewed:
            keep.add(("codings", cid))
        else:
            codings.add(cid)
    kept_codings = len(candidates) - len(codings)
    if kept_codings:
        notes.append(f"{_plural(kept_codings, 'coding')} (used by memos or reviews)")
    codes: set[int] = set()
    for code_id in sorted(going("codes"), reverse=True):  # children before their parents
        uses = []
        n = len(_ids(db, "SELECT id FROM codings WHERE code_id = ?", [code_id]) - codings)
        if n:
            uses.append(_plural(n, "coding"))
        if _ids(db, "SELECT id FROM codes WHERE parent_id = ?", [code_id]) - codes:
            uses.append("child codes")
        if _ids(db, "SELECT id FROM memos WHERE code_id = ?", [code_id]) - memos:
            uses.append("a memo")
        if db.execute("SELECT 1 FROM code_quick_keys WHERE code_id = ?", [code_id]).fetchone():
            uses.append("a quick key")
        if uses:
            keep.add(("codes", code_id))
            name = final[("codes", code_id)]["name"]
            notes.append(f"code {name!r} (used by {', '.join(uses)})")
        else:
            codes.add(code_id)
    return frozenset(keep), notes


def merge_removals(
    db: sqlite_utils.Database, merge: dict, keep: frozenset
) -> tuple[list[tuple[str, int]], list[str]]:
    """Remove the documents, attribute values, cases, attributes and coders a merge added (after
    its codes, codings and memos went); return (removed (table, id), notes on what was kept)."""
    removed: list[tuple[str, int]] = []
    notes: list[str] = []
    for doc_id in sorted(merge.get("documents", []), reverse=True):
        if not document_titles(db, [doc_id]):
            continue
        uses = []
        n = db.execute("SELECT COUNT(*) FROM codings WHERE document_id = ?", [doc_id]).fetchone()[0]
        if n:
            uses.append(_plural(n, "coding"))
        if db.execute("SELECT 1 FROM memos WHERE document_id = ?", [doc_id]).fetchone():
            uses.append("a memo")
        if current_version(db, doc_id) != doc_id:
            uses.append("a newer version of it")
        if uses:
            title = get_document(db, doc_id)["title"]
            notes.append(f"document {title!r} (used by {', '.join(uses)})")
            continue
        delete_document(db, doc_id)
        removed.append(("documents", doc_id))
    values = case_attributes_frame(db).set_index("case_id")
    names = dict(zip(cases_frame(db)["case_id"], cases_frame(db)["name"]))
    for case_id, name, value in merge.get("values", []):
        now = values.at[case_id, name] if case_id in values.index and name in values else None
        if now is None or pd.isna(now):  # gone with its case, or removed since
            continue
        if str(now) != value:
            notes.append(f"{name} of {names.get(case_id, case_id)!r} (changed since)")
            continue
        set_attribute(db, int(case_id), name, None)
        removed.append(("case_attributes", int(case_id)))
    values = case_attributes_frame(db).set_index("case_id")
    for case_id in sorted(merge.get("cases", []), reverse=True):
        if case_id not in names:
            continue
        uses = []
        if case_documents(db, [case_id]):
            uses.append("a speaker")
        for table in ("codings", "memos"):
            if db.execute(f"SELECT 1 FROM {table} WHERE case_id = ?", [case_id]).fetchone():
                uses.append(f"a {table[:-1]}")
        if case_id in values.index and values.loc[case_id].drop("case_name").notna().any():
            uses.append("attribute values")
        if uses:
            notes.append(f"case {names[case_id]!r} (used by {', '.join(uses)})")
            continue
        delete_case_record(db, case_id)
        removed.append(("cases", case_id))
    values = case_attributes_frame(db)
    attrs = dict(zip(attributes_frame(db)["name"], attributes_frame(db)["attribute_id"]))
    for name in merge.get("attributes", []):
        if name not in attrs:
            continue
        if name in values and values[name].notna().any():
            notes.append(f"attribute {name!r} (used by values)")
            continue
        delete_attribute(db, name)
        removed.append(("attributes", int(attrs[name])))
    for name in merge.get("coders", []):
        row = db.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()
        if row is None:
            continue
        used = db.execute(
            "SELECT 1 FROM codings WHERE coder_id = ?1 UNION ALL SELECT 1 FROM coding_batches"
            " WHERE coder_id = ?1 UNION ALL SELECT 1 FROM code_quick_keys WHERE coder_id = ?1"
            " UNION ALL SELECT 1 FROM memos WHERE author = ?2 LIMIT 1",
            [row[0], name],
        ).fetchone()
        if used:
            notes.append(f"coder {name!r} (used by codings, memos or quick keys)")
            continue
        db.execute("DELETE FROM coders WHERE id = ?", [row[0]])
        removed.append(("coders", row[0]))
    source = merge["source"]
    for entity, source_id, local_id, prior in reversed(merge.get("origins", [])):
        if (entity, local_id) in keep:
            continue  # the row stays, so merging again must not bring it twice
        db.execute(
            "DELETE FROM merge_origins WHERE source = ? AND entity = ? AND source_id = ?",
            [source, entity, source_id],
        )
        if prior is not None:
            db.execute(
                "INSERT INTO merge_origins (source, entity, source_id, local_id, merged_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [source, entity, source_id, *prior],
            )
    return removed, notes


def _values(db: sqlite_utils.Database) -> dict[tuple[int, str], str]:
    frame = case_attributes_frame(db)
    out = {}
    for r in frame.to_dict("records"):
        for name, value in r.items():
            if name not in ("case_id", "case_name") and value is not None and not pd.isna(value):
                out[(int(r["case_id"]), name)] = str(value)
    return out


def merge_snapshot(db: sqlite_utils.Database) -> dict:
    """Return what a merge may add to, as it is before the merge (for ``merge_created``)."""
    return {
        "coders": {r[0] for r in db.execute("SELECT name FROM coders").fetchall()},
        "documents": set(document_titles(db)),
        "cases": set(cases_frame(db)["case_id"].astype(int)),
        "attributes": set(attributes_frame(db)["name"]),
        "values": _values(db),
    }


def merge_created(db: sqlite_utils.Database, before: dict, source: str, origins: list) -> dict:
    """Return the ``merge`` part of a merge's undo payload: what it added since ``before``
    (empty lists when nothing)."""
    after = merge_snapshot(db)
    return {
        "source": source,
        "coders": sorted(after["coders"] - before["coders"]),
        "documents": sorted(after["documents"] - before["documents"]),
        "cases": sorted(int(c) for c in after["cases"] - before["cases"]),
        "attributes": sorted(after["attributes"] - before["attributes"]),
        "values": [
            [c, n, v] for (c, n), v in after["values"].items() if (c, n) not in before["values"]
        ],
        "origins": origins,
    }
