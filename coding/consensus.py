"""Consensus after blind coding: each disagreement between two coders is decided (Accept A,
Accept B, Both, Neither, Edit) and the decision is recorded as codings of a consensus coder.

The consensus coder (``coders.kind = 'consensus'``) holds what the team reports: evidence tables
and matrices built with ``Scope(coders=(consensus_coder(db),))``. The original coders' codings are
never changed, so agreement (which leaves consensus coders out unless named) and the audit stay
as they were. A decision is one undoable action; deciding again replaces the earlier result.
"""

from __future__ import annotations

import json

import pandas as pd
import sqlite_utils

from projectfile import now_iso, transaction, writes

from .agreement import DISAGREEMENT_COLUMNS, disagreements
from .codings import codings_frame, document_length
from .history import CodingError, recorded
from .scope import Scope
from .states import CodingScope

CONSENSUS_NAME = "Consensus"
DECISIONS = ("a", "b", "both", "neither", "edit")
DECISION_LABELS = {
    "a": "Accept A",
    "b": "Accept B",
    "both": "Both",
    "neither": "Neither",
    "edit": "Edit",
}
CONSENSUS_COLUMNS = [
    *DISAGREEMENT_COLUMNS,
    "coder_a",
    "coder_b",
    "a_codings",
    "b_codings",
    "decision",
    "decided_by",
    "decided_at",
]


def consensus_names(db: sqlite_utils.Database) -> list[str]:
    """Return the names of the project's consensus coders (left out of agreement and counts)."""
    return [r[0] for r in db.execute("SELECT name FROM coders WHERE kind = 'consensus'")]


@writes("consensus")
def consensus_coder(db: sqlite_utils.Database) -> str:
    """Return the name of the project's consensus coder, creating it the first time."""
    names = consensus_names(db)
    if names:
        return names[0]
    name = CONSENSUS_NAME
    with transaction(db):
        taken = db.execute("SELECT kind FROM coders WHERE name = ?", [name]).fetchone()
        if taken is not None:  # a person called "Consensus": keep theirs apart
            name = f"{CONSENSUS_NAME} (team)"
        db.execute(
            "INSERT OR IGNORE INTO coders (name, created_at, kind) VALUES (?, ?, 'consensus')",
            [name, now_iso()],
        )
    return name


def _two_coders(db: sqlite_utils.Database, scope: Scope) -> tuple[str, str]:
    if scope.coders is not None:
        coders = [c for c in scope.coders if c not in consensus_names(db)]
    else:
        frame = codings_frame(db, scope)
        coders = sorted(set(frame["coder"]) - set(consensus_names(db)))
    if len(coders) != 2:
        found = ", ".join(coders) or "none"
        raise CodingError(f"a consensus compares two coders; choose two (coders here: {found})")
    return coders[0], coders[1]


def consensus_frame(
    db: sqlite_utils.Database, scope: Scope | None = None, /, unit: str = "char", **filters
) -> pd.DataFrame:
    """Return each disagreement between two coders with its decision (CONSENSUS_COLUMNS).

    ``coder_a``/``coder_b`` are the two coders (sorted); ``a_codings``/``b_codings`` the ids of
    their codings of the code overlapping the stretch; ``decision`` is None until decided."""
    scope = Scope.of(scope, **filters)
    a, b = _two_coders(db, scope)
    scope = scope.replace(coders=(a, b))
    dis = disagreements(db, scope, unit=unit)
    out = dis.assign(coder_a=a, coder_b=b)
    if len(dis):
        frame = codings_frame(db, scope.replace(documents=tuple(sorted(set(dis["document_id"])))))
        ids = {a: [], b: []}
        for row in dis.itertuples():
            near = frame[
                (frame["document_id"] == row.document_id)
                & (frame["code_id"] == row.code_id)
                & (frame["char_start"] < row.char_end)
                & (frame["char_end"] > row.char_start)
            ]
            for who in (a, b):
                ids[who].append(sorted(int(i) for i in near.loc[near["coder"] == who, "coding_id"]))
        out = out.assign(a_codings=ids[a], b_codings=ids[b])
    else:
        out = out.assign(a_codings=[], b_codings=[])
    decided = pd.read_sql_query(
        "SELECT document_id, code_id, char_start, char_end, decision, decided_by, decided_at"
        " FROM consensus_decisions",
        db.conn,
    )
    key = ["document_id", "code_id", "char_start", "char_end"]
    out = (
        out.merge(decided, on=key, how="left")
        if len(out)
        else out.assign(decision=None, decided_by=None, decided_at=None)
    )
    return out[CONSENSUS_COLUMNS].reset_index(drop=True)


def _span_rows(db: sqlite_utils.Database, coding_ids: list[int]) -> list[tuple[int, int, int]]:
    if not coding_ids:
        return []
    marks = ", ".join("?" * len(coding_ids))
    return [
        tuple(r)
        for r in db.execute(
            f"SELECT document_id, char_start, char_end FROM codings WHERE id IN ({marks})"
            " AND deleted_at IS NULL AND scope = ?",
            [*map(int, coding_ids), CodingScope.SPAN],
        )
    ]


@writes("consensus")
def decide(
    db: sqlite_utils.Database,
    item,
    decision: str,
    by: str,
    span: tuple[int, int] | None = None,
    session: str | None = None,
    round_id: int | None = None,
) -> list[int]:
    """Record the decision on one disagreement (a row of ``consensus_frame``) as consensus
    codings; return their ids. Accept A/B copies that coder's codings there, Both copies both,
    Neither records only the decision, Edit codes ``span``. Deciding again replaces the result."""
    decision = (decision or "").strip().lower()
    if decision not in DECISIONS:
        raise CodingError(f"'{decision}' is not a decision; choose one of {', '.join(DECISIONS)}")
    doc, code = int(item["document_id"]), int(item["code_id"])
    start, end = int(item["char_start"]), int(item["char_end"])
    a_ids, b_ids = list(item["a_codings"]), list(item["b_codings"])
    sources = {"a": a_ids, "b": b_ids, "both": a_ids + b_ids}.get(decision, [])
    if decision == "edit":
        if span is None:
            raise CodingError("an edited decision needs the span to code")
        s, e = int(span[0]), int(span[1])
        if not 0 <= s < e <= document_length(db, doc):
            raise CodingError(f"span {s}-{e} is not inside document {doc}")
        spans = [(doc, s, e)]
    else:
        spans = sorted(set(_span_rows(db, sources)))
    name = consensus_coder(db)
    label = f"consensus: {DECISION_LABELS[decision]}"
    with recorded(db, by, label, session) as rec:
        coder_id = db.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()[0]
        before = db.execute(
            "SELECT id, result_coding_ids FROM consensus_decisions WHERE document_id = ?"
            " AND code_id = ? AND char_start = ? AND char_end = ?",
            [doc, code, start, end],
        ).fetchone()
        stamp = now_iso()
        if before is not None:
            for old in json.loads(before[1]):
                if db.execute(
                    "SELECT 1 FROM codings WHERE id = ? AND deleted_at IS NULL", [old]
                ).fetchone():
                    rec.update("codings", old, deleted_at=stamp)
        result = []
        for d, s, e in spans:
            same = db.execute(
                "SELECT id FROM codings WHERE document_id = ? AND char_start = ? AND char_end = ?"
                " AND code_id = ? AND coder_id = ? AND scope = ? AND deleted_at IS NULL",
                [d, s, e, code, coder_id, CodingScope.SPAN],
            ).fetchone()
            result.append(
                same[0]
                if same
                else rec.insert(
                    "codings",
                    {
                        "document_id": d,
                        "scope": CodingScope.SPAN,
                        "char_start": s,
                        "char_end": e,
                        "code_id": code,
                        "coder_id": coder_id,
                        "created_at": stamp,
                    },
                )
            )
        values = {
            "round_id": round_id,
            "document_id": doc,
            "code_id": code,
            "char_start": start,
            "char_end": end,
            "decision": decision,
            "source_coding_ids": json.dumps(sorted(map(int, sources))),
            "result_coding_ids": json.dumps(result),
            "decided_by": by,
            "decided_at": stamp,
        }
        if before is None:
            rec.insert("consensus_decisions", values)
        else:
            rec.update("consensus_decisions", before[0], **values)
    return result
