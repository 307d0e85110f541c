"""The assistant as a coder: its decisions are codings of a coder of kind 'assistant', named after
what made them (model, version, date), so a team can compare it with each person by the same
agreement statistics as between people and say so in its methods section.

Its codings never count by default (``Scope.assistants``; ``scope_where`` leaves them out of
every count, matrix, export, retrieval and the examples suggestions learn from); a person who
agrees with some of them copies them under their own name (``accept_assistant_codings``, one
undoable batch), and only then do they count.
"""

from __future__ import annotations

import json

import pandas as pd
import sqlite_utils

from projectfile import now_iso, transaction, writes

from .batches import apply_batch
from .history import CodingError

ASSISTANT = "assistant"


def assistant_name(model: str, version: str, date: str) -> str:
    """Return the coder name of an assistant run: 'assistant (model, version, date)'."""
    return f"{ASSISTANT} ({model}, {version}, {date})"


@writes("code")
def ensure_assistant(
    db: sqlite_utils.Database, model: str, version: str, date: str, detail: dict | None = None
) -> str:
    """Return the name of the assistant coder for ``model``, ``version`` and ``date``, creating
    it (kind 'assistant', ``detail`` as JSON) if needed. Refuses a name a person already codes
    under."""
    name = assistant_name(model, version, date)
    info = json.dumps({"model": model, "version": version, "date": date, **(detail or {})})
    with transaction(db):
        row = db.execute("SELECT kind FROM coders WHERE name = ?", [name]).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO coders (name, created_at, kind, detail) VALUES (?, ?, ?, ?)",
                [name, now_iso(), ASSISTANT, info],
            )
        elif row[0] != ASSISTANT:
            raise CodingError(f"the coder {name!r} is a {row[0]}, not the assistant")
        else:
            db.execute("UPDATE coders SET detail = ? WHERE name = ?", [info, name])
    return name


def coders_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return every coder: name, kind ('person', 'assistant', 'consensus'), detail (a dict)."""
    df = pd.read_sql_query("SELECT name, kind, detail FROM coders ORDER BY name", db.conn)
    df["detail"] = [json.loads(d or "{}") for d in df["detail"]]
    return df


def assistant_names(db: sqlite_utils.Database) -> list[str]:
    """Return the names of the assistant coders, sorted."""
    return sorted(r[0] for r in db.execute("SELECT name FROM coders WHERE kind = ?", [ASSISTANT]))


@writes("code")
def accept_assistant_codings(
    db: sqlite_utils.Database, coding_ids, coder: str, session: str | None = None
) -> int:
    """Copy the assistant's codings ``coding_ids`` to the person ``coder`` as one undoable batch
    (a span the person already coded with the code is skipped); return the batch id."""
    ids = [int(i) for i in coding_ids]
    if not ids:
        raise CodingError("no assistant codings chosen")
    marks = ", ".join("?" * len(ids))
    rows = db.execute(
        "SELECT c.id, c.document_id, c.char_start, c.char_end, c.code_id, r.kind FROM codings c"
        f" JOIN coders r ON r.id = c.coder_id WHERE c.id IN ({marks}) AND c.deleted_at IS NULL",
        ids,
    ).fetchall()
    found = {r[0] for r in rows}
    missing = sorted(set(ids) - found)
    if missing:
        raise CodingError(f"no active coding with id {missing[0]}")
    if any(r[5] != ASSISTANT for r in rows):
        raise CodingError("only the assistant's codings can be accepted this way")
    if db.execute("SELECT kind FROM coders WHERE name = ?", [coder]).fetchone() == (ASSISTANT,):
        raise CodingError("accepting copies codings to a person, not to an assistant")
    batch = [
        {"document_id": d, "char_start": s, "char_end": e, "code": k}
        for _id, d, s, e, k, _kind in rows
    ]
    rule = f"accepted from the assistant ({len(batch)})"
    return apply_batch(db, batch, rule=rule, coder=coder, session=session)
