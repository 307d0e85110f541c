"""The assistant's decisions: for each code, the units of the chosen documents it would code.

The same model as the suggestions (``nlp.suggest``: the code's grain, its units' features, the
logistic regression) decides at the code's calibrated ``likely`` threshold. To be compared with
the people who coded those documents, it must not have learned from their codings there: each
document is scored by a model fitted without that document (documents split into ``folds``
groups), so the agreement it reaches is what it would reach on a document nobody has coded yet.
Nothing is written here: ``workflows.run_assistant`` records the decisions as the assistant coder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlite_utils

from coding import code_path, resolve_code

from .calibrate import fit_model, group_folds
from .encoders import DEFAULT_MODEL
from .suggest import MIN_CODINGS, code_thresholds, code_units, load_passages, span_codings
from .units import code_grain

DECISION_COLUMNS = ["document_id", "char_start", "char_end", "code_id", "code_path", "score"]
CODE_COLUMNS = ["code_id", "code_path", "grain", "likely", "cv_kappa", "n_pos", "decided", "status"]


@dataclass
class AssistantDecisions:
    """The units the assistant codes (DECISION_COLUMNS) and one row per code asked for
    (CODE_COLUMNS; ``status`` 'ok' or why the code was skipped)."""

    decisions: pd.DataFrame
    codes: pd.DataFrame


def held_out_scores(
    features: np.ndarray,
    positive: np.ndarray,
    negative: np.ndarray,
    documents: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    folds: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """Return the probability of every ``target`` row from a model fitted without the row's
    document (documents of the targets in ``folds`` groups; NaN elsewhere or where a fold's
    training lacked a class)."""
    scores = np.full(len(features), np.nan)
    neg = negative & ~positive
    train_rows = positive | neg
    w = np.ones(len(features)) if weight is None else weight
    idx = np.flatnonzero(target)
    if not len(idx):
        return scores
    fold = group_folds(documents[idx], folds, seed)
    for f in np.unique(fold):
        rows = idx[fold == f]
        left_out = np.isin(documents, np.unique(documents[rows]))
        keep = train_rows & ~left_out
        y = positive[keep]
        if y.all() or not y.any():
            continue
        clf = fit_model(features[keep], y.astype(float), w[keep], seed)
        scores[rows] = clf.predict_proba(features[rows])[:, 1]
    return scores


def run_assistant_codes(
    db: sqlite_utils.Database,
    documents,
    codes,
    model: str = DEFAULT_MODEL,
    progress=None,
    min_codings: int = MIN_CODINGS,
) -> AssistantDecisions:
    """Return what the assistant would code in ``documents`` with each of ``codes`` (ids or
    paths): units at the code's grain whose held-out probability reaches the code's ``likely``
    threshold. A code with fewer than ``min_codings`` coded spans by people is skipped."""
    docs = np.array(sorted({int(d) for d in documents}), dtype=np.int64)
    codings = span_codings(db)
    passages = load_passages(db, model, progress=progress)
    decided, rows = [], []
    code_list = [resolve_code(db, c) for c in codes]
    for i, code_id in enumerate(code_list):
        if progress is not None:
            progress(i, len(code_list), "assistant")
        path = code_path(db, code_id)
        mine = codings[codings["code_id"] == code_id]
        if len(mine) < min_codings:
            rows.append([code_id, path, "", np.nan, np.nan, len(mine), 0, "too few codings"])
            continue
        units = code_units(db, code_id, codings, code_grain(db, code_id, mine), passages, model)
        t = code_thresholds(db, code_id, units, model)
        doc_of = units.frame["document_id"].to_numpy(np.int64)
        target = np.isin(doc_of, docs)
        scores = held_out_scores(
            units.features, units.positive, units.negative, doc_of, target, units.weight
        )
        hit = target & ~np.isnan(scores) & (scores >= t.likely)
        status = "ok" if (target & ~np.isnan(scores)).any() else "no other coded documents"
        found = units.frame[hit]
        decided.append(
            pd.DataFrame(
                {
                    "document_id": found["document_id"].astype("int64"),
                    "char_start": found["char_start"].astype("int64"),
                    "char_end": found["char_end"].astype("int64"),
                    "code_id": int(code_id),
                    "code_path": path,
                    "score": scores[hit],
                }
            )
        )
        n = int(hit.sum())
        rows.append([code_id, path, units.grain, t.likely, t.cv_kappa, t.n_pos, n, status])
    if progress is not None:
        progress(len(code_list), len(code_list), "assistant")
    out = pd.concat(decided, ignore_index=True) if decided else pd.DataFrame()
    out = out.reindex(columns=DECISION_COLUMNS)
    return AssistantDecisions(out, pd.DataFrame(rows, columns=CODE_COLUMNS))
