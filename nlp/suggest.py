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

from coding import (
    CodingScope,
    change_counter,
    code_path,
    code_span,
    codes_frame,
    codings_frame,
    preview_rows,
    resolve_code,
)
from corpus import get_segments, list_documents
from projectfile import now_iso, transaction, writes

from .calibrate import Thresholds, calibrate, fit_model, store_thresholds, stored_thresholds
from .code_features import code_feature_matrix
from .embeddings import embed_texts
from .encoders import DEFAULT_MODEL
from .errors import NlpError
from .units import PASSAGE_KINDS, candidate_units, code_grain, unit_features
from .vectors import passage_vectors

MIN_CODINGS = 5


class SuggestionDecision(StrEnum):
    """What a person decided about a suggested passage (``suggestion_decisions.decision``)."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"  # a negative at the next refit


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
    "grain",
    "band",
    "why",
]
WHY_EXAMPLES = 3
# a new code's suggestions: cosine to its definition and examples at or above this is 'possible'
COLD_START_MIN_COSINE = 0.3


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


def span_codings(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return the span codings that count (``coding.codings_frame``'s default scope: people's,
    never the assistant's), with integer document ids."""
    df = codings_frame(db)
    df = df[df["document_id"].notna() & (df["scope"] == CodingScope.SPAN)].copy()
    df["document_id"] = df["document_id"].astype("int64")
    return df


def covered(
    passages: pd.DataFrame, spans: pd.DataFrame, share: float = 0.5, of_unit: bool = False
) -> np.ndarray:
    """Return a boolean per passage: does one of ``spans`` (document_id, char_start, char_end)
    cover at least ``share`` of the passage or of the span, whichever is shorter (of the passage
    itself when ``of_unit``)?"""
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
        shorter = np.maximum(pe - ps if of_unit else np.minimum(pe - ps, ce - cs), 1)
        hit = (overlap >= share * shorter) & (overlap > 0)
        out[pos[p.index].to_numpy()[hit.any(axis=1)]] = True
    return out


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
        clf = fit_model(matrix[train], y_all[train], weight[train], seed)
        scores[rest] = clf.predict_proba(matrix[rest])[:, 1]
    for f in sorted(set(fold_of[both].tolist())):
        held = fold_of == f
        keep = train & ~held
        if (y_all[keep] == 0).sum() == 0:
            continue
        clf = fit_model(matrix[keep], y_all[keep], weight[keep], seed)
        scores[held] = clf.predict_proba(matrix[held])[:, 1]
    return scores


def suggestable_codes(db: sqlite_utils.Database, min_codings: int = MIN_CODINGS) -> pd.DataFrame:
    """Return code_id, code_path, codings of the codes with at least ``min_codings`` span
    codings (most coded first)."""
    df = span_codings(db)
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


@dataclass
class CodeUnits:
    """One code's units at its grain: the unit frame (UNIT_COLUMNS + document_title), the
    features the model reads, the units' own vectors, and which units are positives (coded),
    negatives (uncoded in read documents, or rejected), candidates (neither touched nor rejected),
    with a training weight per unit (rejections count twice)."""

    grain: str
    frame: pd.DataFrame
    features: np.ndarray
    unit_vecs: np.ndarray
    positive: np.ndarray
    negative: np.ndarray
    candidate: np.ndarray
    weight: np.ndarray


def unit_vectors(
    db: sqlite_utils.Database, passages: Passages, grain: str, model: str, progress=None
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Return (units frame, features, unit vectors) of the passages' documents at ``grain``:
    the passages themselves for paragraph and turn, their sentences or clauses (read with their
    paragraph, ``units.unit_features``) otherwise."""
    if grain in ("paragraph", "turn"):
        frame = passages.frame.copy()
        return frame, passages.matrix, passages.matrix
    docs = sorted({int(d) for d in passages.frame["document_id"]})
    units = candidate_units(db, docs, grain)
    units = units[units["segment_id"].isin(set(passages.frame["segment_id"]))].reset_index(
        drop=True
    )
    row_of = pd.Series(np.arange(len(passages.frame)), index=passages.frame["segment_id"].values)
    context = passages.matrix[row_of.loc[units["segment_id"]].to_numpy()]
    vecs = embed_texts(db, units["text"].tolist(), model, progress=progress)
    titles = dict(zip(passages.frame["document_id"], passages.frame["document_title"]))
    units["document_title"] = units["document_id"].map(titles)
    return units, unit_features(vecs, context), vecs


def code_units(
    db: sqlite_utils.Database,
    code_id: int,
    codings: pd.DataFrame,
    grain: str,
    passages: Passages,
    model: str = DEFAULT_MODEL,
    progress=None,
) -> CodeUnits:
    """Return the code's CodeUnits at ``grain`` (``codings``: every span coding in scope); the
    features are ``code_features.code_feature_matrix``'s (both encoders, the code's words)."""
    frame, features, vecs = unit_vectors(db, passages, grain, model, progress)
    context = None
    if grain not in ("paragraph", "turn"):
        text_of = dict(zip(passages.frame["segment_id"], passages.frame["text"].fillna("")))
        context = [text_of[int(s)] for s in frame["segment_id"]]
    features = code_feature_matrix(db, code_id, frame, features, vecs, context, model)
    mine = codings[codings["code_id"] == code_id]
    positive = covered(frame, mine)
    seen = frame["document_id"].isin(set(codings["document_id"])).to_numpy()
    decisions = decisions_frame(db, code_id)
    rejected_spans = decisions[decisions["decision"] == SuggestionDecision.REJECTED]
    # a rejection at one grain counts for the units it mostly covers at another
    rejected = covered(frame, rejected_spans, share=0.5, of_unit=True)
    touched = covered(frame, mine, share=1e-9)
    negative = (seen & ~touched) | rejected
    weight = np.where(rejected, 2.0, 1.0)
    candidate = ~touched & ~covered(frame, rejected_spans, share=0.5)
    return CodeUnits(grain, frame, features, vecs, positive, negative, candidate, weight)


def code_thresholds(
    db: sqlite_utils.Database, code_id: int, units: CodeUnits, model: str = DEFAULT_MODEL
) -> Thresholds:
    """Return the code's calibrated Thresholds at its grain (stored; refitted when the codings
    or the code's decisions changed since)."""
    n_decisions = db.execute(
        "SELECT COUNT(*) FROM suggestion_decisions WHERE code_id = ?", [int(code_id)]
    ).fetchone()[0]
    stamp = f"{change_counter(db)}:{n_decisions}"
    found = stored_thresholds(db, code_id, model, units.grain, stamp)
    if found is not None:
        return found
    groups = units.frame["segment_id"].to_numpy()
    t = calibrate(
        units.features, units.positive, units.negative, groups=groups, weight=units.weight
    )
    store_thresholds(db, code_id, model, units.grain, stamp, t)
    return t


def _band(scores: np.ndarray, t: Thresholds) -> np.ndarray:
    return np.where(
        scores >= t.likely, "likely", np.where(scores >= t.possible, "possible", "unlikely")
    )


def prototype_scores(
    unit_vecs: np.ndarray, definition_vec: np.ndarray | None, example_vecs: np.ndarray
) -> np.ndarray:
    """Return the cosine of each unit to the code's prototype: the normalised mean of its
    definition vector and its coded examples' vectors (embedding few-shot, for a code with too few
    codings to learn from)."""
    parts = [v for v in ([definition_vec] if definition_vec is not None else [])]
    parts += list(example_vecs)
    if not parts:
        return np.zeros(len(unit_vecs))
    proto = np.mean(np.vstack(parts), axis=0)
    proto = proto / max(float(np.linalg.norm(proto)), 1e-12)
    return unit_vecs @ proto.astype(np.float32)


def nearest_examples(
    unit_vecs: np.ndarray, example_vecs: np.ndarray, example_ids, k: int = WHY_EXAMPLES
) -> list[list[int]]:
    """Return, per unit, the ids of the ``k`` examples (coded passages) nearest to it, nearest
    first: the suggestion's "why"."""
    if len(example_vecs) == 0:
        return [[] for _ in range(len(unit_vecs))]
    sims = unit_vecs @ example_vecs.T
    k = min(k, sims.shape[1])
    top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    ids = np.asarray(list(example_ids))
    return [[int(i) for i in ids[row]] for row in top]


def _definition_text(db: sqlite_utils.Database, code_id: int) -> str:
    """Return the code's name with its definition, inclusion rule and example ('' without any)."""
    codes = codes_frame(db)
    row = codes[codes["id"] == int(code_id)].iloc[0]
    body = " ".join(
        str(row[k]).strip() for k in ("definition", "inclusion", "example") if str(row[k]).strip()
    )
    return f"{row['name']}: {body}" if body else ""


def suggest_passages(
    db: sqlite_utils.Database,
    code,
    limit: int = 20,
    model: str = DEFAULT_MODEL,
    passages: Passages | None = None,
    min_codings: int = MIN_CODINGS,
    progress=None,
    grain: str | None = None,
) -> pd.DataFrame:
    """Return the ``limit`` uncoded units the researcher would most likely code with ``code``.

    Units are at ``grain`` (default: the code's own, ``units.code_grain``). With at least
    ``min_codings`` coded spans the score is the regression's probability and ``band`` is 'likely'
    or 'possible' by the code's calibrated thresholds ('unlikely' below); with fewer (a new
    code) the score is the cosine to the code's definition and examples and the band is at most
    'possible'. ``why`` lists the ids of the 2-3 codings of the code nearest to each unit.
    Columns: SUGGESTION_COLUMNS (best first). Raises NlpError when the code has neither codings
    nor a definition.
    """
    code_id = resolve_code(db, code)
    codings = span_codings(db)
    mine = codings[codings["code_id"] == code_id]
    definition = _definition_text(db, code_id)
    if mine.empty and not definition:
        raise NlpError(
            f"code {code!r} has no coded passages and no definition: write its definition or"
            f" code a passage first (suggestions learn from at least {min_codings} codings)"
        )
    grain = grain or code_grain(db, code_id, mine)
    passages = passages or load_passages(db, model, progress=progress)
    if passages.frame.empty:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    units = code_units(db, code_id, codings, grain, passages, model, progress)
    example_vecs = embed_texts(db, mine["text"].tolist(), model) if len(mine) else np.zeros((0, 1))
    if len(mine) >= min_codings and units.positive.sum() >= 2:
        t = code_thresholds(db, code_id, units, model)
        scores = rank(units.features, units.positive, units.negative, units.candidate, units.weight)
        band = _band(scores, t)
    else:
        def_vec = embed_texts(db, [definition], model)[0] if definition else None
        scores = prototype_scores(units.unit_vecs, def_vec, example_vecs)
        band = np.where(scores >= COLD_START_MIN_COSINE, "possible", "unlikely")
    keep = units.candidate & ~np.isnan(scores)
    out = units.frame.assign(score=scores, band=band)[keep]
    out = out.sort_values("score", ascending=False, kind="stable").head(limit)
    rows = out.index.to_numpy()
    out = out.assign(
        code_id=int(code_id),
        code_path=code_path(db, code_id),
        grain=grain,
        why=nearest_examples(units.unit_vecs[rows], example_vecs, mine["coding_id"])
        if len(mine)
        else [[] for _ in rows],
    )
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
