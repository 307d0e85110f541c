"""Code suggestions learned from the researcher's own codings.

For a code with at least ``MIN_CODINGS`` coded spans, every passage (paragraph or turn, the
passages meaning search indexes) gets the probability that the researcher would code it with the
code, from a logistic regression over the passages' multilingual embeddings:

- positives: passages that a coding of the code covers (at least half of the passage or of the
  coding, whichever is shorter);
- negatives: passages of documents somebody has coded (so a coder has read them) that no coding of
  the code touches, and every suggestion a person rejected for the code (counted twice).

Candidates are the passages not yet coded with the code and not rejected for it; they are ranked by
probability. Nothing is coded here: ``accept_suggestion`` and ``coding.apply_preview`` on
``preview_suggestions`` are called on a person's click. Rejections are stored in
``suggestion_decisions`` (nlp-owned) and become negatives at the next refit, which takes
milliseconds to a few seconds (the vectors are cached; only the regression is refitted).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
import sqlite_utils

from coding import CodingScope, code_span, codings_frame, preview_rows, resolve_code
from corpus import get_segments, list_documents
from projectfile import now_iso, transaction, writes

from .encoders import DEFAULT_MODEL
from .errors import NlpError
from .vectors import passage_vectors

MIN_CODINGS = 5


class SuggestionDecision(StrEnum):
    """What a person decided about a suggested passage (``suggestion_decisions.decision``)."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"  # a negative at the next refit


PASSAGE_KINDS = ("paragraph", "turn", "table_row", "sentence")
SUGGESTION_COLUMNS = [
    "segment_id",
    "document_id",
    "document_title",
    "char_start",
    "char_end",
    "text",
    "score",
    "code_id",
    "code_path",
]


@dataclass
class Passages:
    """Every indexed passage: frame (segment_id, document_id, document_title, char_start,
    char_end, kind, text) row-aligned with the L2-normalised float32 matrix."""

    frame: pd.DataFrame
    matrix: np.ndarray


def load_passages(db: sqlite_utils.Database, model: str = DEFAULT_MODEL, progress=None) -> Passages:
    """Return the project's passages with their vectors (indexing new passages first)."""
    index, matrix = passage_vectors(db, model, progress=progress)
    docs = list_documents(db)
    titles = dict(zip(docs["id"].astype(int), docs["title"]))
    parts = []
    for doc_id in sorted({int(d) for d in index["document_id"]}):
        segs = get_segments(db, doc_id)
        parts.append(
            segs.assign(document_id=doc_id, document_title=titles.get(doc_id, str(doc_id)))[
                ["id", "document_id", "document_title", "char_start", "char_end", "kind", "text"]
            ].rename(columns={"id": "segment_id"})
        )
    if not parts:
        return Passages(pd.DataFrame(columns=[*SUGGESTION_COLUMNS[:6], "kind"]), matrix[:0])
    segs = pd.concat(parts, ignore_index=True)
    frame = index[["segment_id"]].merge(segs, on="segment_id", how="left")
    keep = frame["kind"].isin(PASSAGE_KINDS).to_numpy()
    frame = frame[keep].reset_index(drop=True)
    frame["segment_id"] = frame["segment_id"].astype("int64")
    frame["document_id"] = frame["document_id"].astype("int64")
    return Passages(frame, np.ascontiguousarray(matrix[keep], dtype=np.float32))


def _span_codings(db: sqlite_utils.Database) -> pd.DataFrame:
    df = codings_frame(db)
    df = df[df["document_id"].notna() & (df["scope"] == CodingScope.SPAN)].copy()
    df["document_id"] = df["document_id"].astype("int64")
    return df


def covered(passages: pd.DataFrame, spans: pd.DataFrame, share: float = 0.5) -> np.ndarray:
    """Return a boolean per passage: does one of ``spans`` (document_id, char_start, char_end)
    cover at least ``share`` of the passage or of the span, whichever is shorter?"""
    out = np.zeros(len(passages), dtype=bool)
    if passages.empty or spans.empty:
        return out
    pos = pd.Series(np.arange(len(passages)), index=passages.index)
    for doc_id, group in spans.groupby("document_id"):
        sel = passages["document_id"].to_numpy() == int(doc_id)
        if not sel.any():
            continue
        p = passages[sel]
        ps, pe = p["char_start"].to_numpy()[:, None], p["char_end"].to_numpy()[:, None]
        cs, ce = group["char_start"].to_numpy()[None, :], group["char_end"].to_numpy()[None, :]
        overlap = np.clip(np.minimum(pe, ce) - np.maximum(ps, cs), 0, None)
        shorter = np.maximum(np.minimum(pe - ps, ce - cs), 1)
        hit = (overlap >= share * shorter) & (overlap > 0)
        out[pos[p.index].to_numpy()[hit.any(axis=1)]] = True
    return out


def _fit(x, y, w, seed: int):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000, random_state=seed)
    return clf.fit(x, y, sample_weight=w)


def rank(
    matrix: np.ndarray,
    positive: np.ndarray,
    negative: np.ndarray,
    candidate: np.ndarray,
    negative_weight: np.ndarray | None = None,
    folds: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """Fit a logistic regression on the positive and negative rows of ``matrix`` and return the
    probability of every candidate row (NaN elsewhere).

    A candidate that is also a negative (an uncoded passage of a document coders have read) is
    scored by a model fitted without it (``folds``-fold cross-fitting), so being a training
    negative does not bury it.
    """
    scores = np.full(len(matrix), np.nan)
    neg = negative & ~positive
    if positive.sum() == 0 or neg.sum() == 0 or candidate.sum() == 0:
        return scores
    weight = negative_weight if negative_weight is not None else np.ones(len(matrix))
    train = positive | neg
    y_all = positive.astype(float)
    both = np.flatnonzero(candidate & neg)
    rest = candidate & ~neg
    fold_of = np.full(len(matrix), -1)
    if len(both):
        order = np.random.default_rng(seed).permutation(both)
        fold_of[order] = np.arange(len(order)) % max(1, min(folds, len(order)))
    if rest.any() or not len(both):
        clf = _fit(matrix[train], y_all[train], weight[train], seed)
        scores[rest] = clf.predict_proba(matrix[rest])[:, 1]
    for f in sorted(set(fold_of[both].tolist())):
        held = fold_of == f
        keep = train & ~held
        if (y_all[keep] == 0).sum() == 0:
            continue
        clf = _fit(matrix[keep], y_all[keep], weight[keep], seed)
        scores[held] = clf.predict_proba(matrix[held])[:, 1]
    return scores


def suggestable_codes(db: sqlite_utils.Database, min_codings: int = MIN_CODINGS) -> pd.DataFrame:
    """Return code_id, code_path, codings of the codes with at least ``min_codings`` span
    codings (most coded first)."""
    df = _span_codings(db)
    if df.empty:
        return pd.DataFrame(columns=["code_id", "code_path", "codings"])
    g = df.groupby(["code_id", "code_path"]).size().rename("codings").reset_index()
    g = g[g["codings"] >= min_codings]
    g = g.sort_values(["codings", "code_path"], ascending=[False, True])
    return g.reset_index(drop=True)


def decisions_frame(db: sqlite_utils.Database, code=None) -> pd.DataFrame:
    """Return the stored decisions: code_id, document_id, char_start, char_end, decision, coder,
    decided_at (of one code, or all)."""
    sql = (
        "SELECT code_id, document_id, char_start, char_end, decision, coder, decided_at"
        " FROM suggestion_decisions"
    )
    params: list = []
    if code is not None:
        sql += " WHERE code_id = ?"
        params.append(resolve_code(db, code))
    return pd.read_sql_query(sql + " ORDER BY decided_at, id", db.conn, params=params)


def suggest_passages(
    db: sqlite_utils.Database,
    code,
    limit: int = 20,
    model: str = DEFAULT_MODEL,
    passages: Passages | None = None,
    min_codings: int = MIN_CODINGS,
    progress=None,
) -> pd.DataFrame:
    """Return the ``limit`` uncoded passages the researcher would most likely code with ``code``.

    Columns: SUGGESTION_COLUMNS (score: probability, best first). Raises NlpError when the code
    has fewer than ``min_codings`` coded spans.
    """
    code_id = resolve_code(db, code)
    codings = _span_codings(db)
    mine = codings[codings["code_id"] == code_id]
    if len(mine) < min_codings:
        raise NlpError(
            f"code {code!r} has {len(mine)} coded passages; suggestions need at least"
            f" {min_codings}: code a few more by hand first"
        )
    passages = passages or load_passages(db, model, progress=progress)
    frame = passages.frame
    if frame.empty:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    positive = covered(frame, mine)
    seen = frame["document_id"].isin(set(codings["document_id"])).to_numpy()
    decisions = decisions_frame(db, code_id)
    rejected = covered(
        frame, decisions[decisions["decision"] == SuggestionDecision.REJECTED], share=0.99
    )
    touched = covered(frame, mine, share=1e-9)
    negative = (seen & ~touched) | rejected
    weight = np.where(rejected, 2.0, 1.0)
    candidate = ~touched & ~rejected
    scores = rank(passages.matrix, positive, negative, candidate, weight)
    out = frame.assign(score=scores)
    out = out[candidate & ~np.isnan(scores)].sort_values("score", ascending=False).head(limit)
    path = str(mine["code_path"].iloc[0])
    out = out.assign(code_id=int(code_id), code_path=path)
    return out[SUGGESTION_COLUMNS].reset_index(drop=True)


def _record(
    db: sqlite_utils.Database,
    code_id: int,
    rows: list[tuple[int, int, int]],
    decision: SuggestionDecision,
    coder,
) -> None:
    stamp = now_iso()
    with transaction(db):
        for doc_id, start, end in rows:
            db.execute(
                "INSERT INTO suggestion_decisions (code_id, document_id, char_start, char_end,"
                " decision, coder, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (code_id, document_id, char_start, char_end)"
                " DO UPDATE SET decision = excluded.decision, coder = excluded.coder,"
                " decided_at = excluded.decided_at",
                [int(code_id), int(doc_id), int(start), int(end), decision, coder, stamp],
            )


@writes("code")
def reject_suggestion(
    db: sqlite_utils.Database, code, document_id: int, char_start: int, char_end: int, coder: str
) -> None:
    """Store that ``coder`` rejected a suggested passage for ``code`` (a negative from now on)."""
    _record(
        db,
        resolve_code(db, code),
        [(document_id, char_start, char_end)],
        SuggestionDecision.REJECTED,
        coder,
    )


@writes("code")
def accept_suggestion(
    db: sqlite_utils.Database,
    code,
    document_id: int,
    char_start: int,
    char_end: int,
    coder: str,
    session: str | None = None,
) -> int:
    """Code a suggested passage with ``code`` for ``coder`` (one undoable coding); return its id."""
    code_id = resolve_code(db, code)
    coding_id = code_span(
        db, int(document_id), int(char_start), int(char_end), code_id, coder, session=session
    )
    _record(db, code_id, [(document_id, char_start, char_end)], SuggestionDecision.ACCEPTED, coder)
    return coding_id


def preview_suggestions(db: sqlite_utils.Database, suggestions: pd.DataFrame, code) -> pd.DataFrame:
    """Return the coding preview (coding.preview_rows shape) of a batch of suggestions; save it
    with ``coding.apply_preview`` after a person has looked at it."""
    code_id = resolve_code(db, code)
    rule = f"suggested passages ({len(suggestions)})"
    return preview_rows(db, suggestions, code_id, rule=rule)


@writes("code")
def record_batch(
    db: sqlite_utils.Database, code, suggestions: pd.DataFrame, decision: str, coder: str
) -> int:
    """Store one decision for every row of ``suggestions`` (after a batch was saved or
    dismissed); return how many."""
    try:
        decision = SuggestionDecision(decision)
    except ValueError:
        raise NlpError("decision must be accepted or rejected") from None
    rows = [
        (int(d), int(s), int(e))
        for d, s, e in zip(
            suggestions["document_id"], suggestions["char_start"], suggestions["char_end"]
        )
    ]
    _record(db, resolve_code(db, code), rows, decision, coder)
    return len(rows)
