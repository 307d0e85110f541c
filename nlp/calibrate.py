"""Decision thresholds per code, from cross-validation on the project's own codings.

A probability of 0.5 from a class-balanced regression is not a decision a researcher would make:
the rate of a code differs from code to code. ``calibrate`` scores every training unit with a model
that did not see it (``folds``-fold, folds by group: a sentence's paragraph, so the context half of
its feature does not leak) and picks two thresholds on those out-of-fold probabilities:

- ``likely``: the threshold whose decision agrees best with the project's codings (Cohen's kappa),
  pulled toward the model's own 0.5 by ``n_pos / (n_pos + SHRINK_K)``: with few coded units the
  out-of-fold optimum is mostly noise (on outside coding the raw optimum agreed with people less
  than plain 0.5 did, ``bench_suggest.py --sets``);
- ``possible``: the highest threshold still finding 80 % of the coded units (never above
  ``likely``).

``cv_kappa`` and ``cv_ap`` (average precision) say how far to trust the code's suggestions; the UI
shows a suggestion as "likely" or "possible" by these thresholds. Thresholds are stored per code,
model and grain (``suggestion_thresholds``) with the codings' change stamp they were fitted on, and
refitted when the stamp moves.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import sqlite_utils

from projectfile import now_iso, transaction, writes

POSSIBLE_RECALL = 0.8
SHRINK_K = 10  # pseudo-count of the pull toward 0.5 (set a priori, not tuned)


@dataclass(frozen=True)
class Thresholds:
    """A code's decision thresholds and how well they did out of fold."""

    likely: float
    possible: float
    cv_kappa: float
    cv_ap: float
    n_pos: int


def fit_model(x: np.ndarray, y: np.ndarray, w: np.ndarray | None = None, seed: int = 0):
    """Return the suggestion model (balanced logistic regression, C=1) fitted on rows ``x``."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000, random_state=seed)
    return clf.fit(x, y, sample_weight=w)


def group_folds(groups: np.ndarray, folds: int, seed: int = 0) -> np.ndarray:
    """Return a fold number per row: whole groups to a fold, groups shuffled with ``seed``."""
    uniq = np.unique(groups)
    order = np.random.default_rng(seed).permutation(len(uniq))
    fold_of_group = np.empty(len(uniq), dtype=np.int64)
    fold_of_group[order] = np.arange(len(uniq)) % max(1, min(folds, len(uniq)))
    return fold_of_group[np.searchsorted(uniq, groups)]


def out_of_fold(
    matrix: np.ndarray,
    positive: np.ndarray,
    negative: np.ndarray,
    groups: np.ndarray | None = None,
    weight: np.ndarray | None = None,
    folds: int = 5,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (rows, probabilities): every training row (positive or negative) scored by a model
    fitted on the other folds (NaN where a fold left one class out)."""
    neg = negative & ~positive
    rows = np.flatnonzero(positive | neg)
    y = positive[rows].astype(float)
    g = rows if groups is None else np.asarray(groups)[rows]
    fold = group_folds(g, folds, seed)
    w = np.ones(len(matrix)) if weight is None else weight
    out = np.full(len(rows), np.nan)
    for f in np.unique(fold):
        test = fold == f
        train = ~test
        if y[train].min(initial=1) == y[train].max(initial=0) or not train.any():
            continue
        clf = fit_model(matrix[rows[train]], y[train], w[rows[train]], seed)
        out[test] = clf.predict_proba(matrix[rows[test]])[:, 1]
    return rows, out


def kappa_curve(scores: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (thresholds, Cohen's kappa of ``scores >= t`` against ``y``) for every distinct
    score as threshold (best first by score)."""
    order = np.argsort(-scores, kind="stable")
    s, yy = scores[order], y[order].astype(float)
    last = np.r_[s[1:] != s[:-1], True]  # a threshold takes every row with an equal score
    tp = np.cumsum(yy)[last]
    fp = np.cumsum(1 - yy)[last]
    p, n = yy.sum(), len(yy) - yy.sum()
    fn, tn = p - tp, n - fp
    denom = (tp + fp) * (fp + tn) + (tp + fn) * (fn + tn)
    kappa = np.where(denom > 0, 2 * (tp * tn - fn * fp) / np.where(denom > 0, denom, 1), 0.0)
    return s[last], kappa


def cohen_kappa(decision: np.ndarray, y: np.ndarray) -> float:
    """Return Cohen's kappa of two binary labelings (0.0 when undefined)."""
    a, b = np.asarray(decision, bool), np.asarray(y, bool)
    n = len(a)
    if n == 0:
        return 0.0
    po = float((a == b).mean())
    pe = float(a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean()))
    return 0.0 if pe >= 1 else (po - pe) / (1 - pe)


def average_precision(scores: np.ndarray, y: np.ndarray) -> float:
    """Return the average precision of ranking by ``scores`` (NaN without a positive)."""
    y = np.asarray(y, bool)
    if not y.any():
        return float("nan")
    order = np.argsort(-np.asarray(scores, float), kind="stable")
    hits = y[order]
    prec = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(prec[hits].mean())


def shrink_threshold(threshold: float, n_pos: int, k: int = SHRINK_K) -> float:
    """Return ``threshold`` pulled toward 0.5 by weight n_pos / (n_pos + k) (see module)."""
    w = n_pos / (n_pos + k)
    return w * threshold + (1 - w) * 0.5


def thresholds_from_scores(scores: np.ndarray, y: np.ndarray, shrink: bool = True) -> Thresholds:
    """Return the Thresholds that out-of-fold ``scores`` of labels ``y`` give (see module;
    ``shrink=False``: the raw out-of-fold optimum, for the bench's comparison)."""
    ok = ~np.isnan(scores)
    s, yy = scores[ok], np.asarray(y, bool)[ok]
    n_pos = int(yy.sum())
    if n_pos == 0 or n_pos == len(yy):
        return Thresholds(0.5, 0.5, 0.0, float("nan"), n_pos)
    ts, kappa = kappa_curve(s, yy)
    best = int(np.argmax(kappa))
    likely = shrink_threshold(float(ts[best]), n_pos) if shrink else float(ts[best])
    pos = np.sort(s[yy])[::-1]
    possible = float(pos[min(len(pos) - 1, int(np.ceil(POSSIBLE_RECALL * len(pos))) - 1)])
    return Thresholds(
        likely=likely,
        possible=min(possible, likely),
        cv_kappa=cohen_kappa(s >= likely, yy),
        cv_ap=average_precision(s, yy),
        n_pos=n_pos,
    )


def calibrate(
    matrix: np.ndarray,
    positive: np.ndarray,
    negative: np.ndarray,
    folds: int = 5,
    seed: int = 0,
    groups: np.ndarray | None = None,
    weight: np.ndarray | None = None,
) -> Thresholds:
    """Return the code's Thresholds from ``folds``-fold out-of-fold probabilities of its training
    rows (positives: coded units; negatives: uncoded units of read documents and rejections)."""
    rows, scores = out_of_fold(matrix, positive, negative, groups, weight, folds, seed)
    return thresholds_from_scores(scores, positive[rows])


# ---- storage -------------------------------------------------------------------------------------


def stored_thresholds(
    db: sqlite_utils.Database, code_id: int, model: str, grain: str, stamp: str
) -> Thresholds | None:
    """Return the stored Thresholds of a code fitted on the codings ``stamp`` (None: refit)."""
    row = db.execute(
        "SELECT likely, possible, cv_kappa, cv_ap, n_pos FROM suggestion_thresholds"
        " WHERE code_id = ? AND model = ? AND grain = ? AND stamp = ?",
        [int(code_id), model, grain, stamp],
    ).fetchone()
    if row is None:
        return None
    likely, possible, kappa, ap, n_pos = row
    return Thresholds(likely, possible, kappa, float("nan") if ap is None else ap, n_pos)


@writes("derived")
def store_thresholds(
    db: sqlite_utils.Database, code_id: int, model: str, grain: str, stamp: str, t: Thresholds
) -> None:
    """Store (replace) a code's Thresholds for ``model`` and ``grain``."""
    values = asdict(t)
    if values["cv_ap"] != values["cv_ap"]:
        values["cv_ap"] = None
    with transaction(db):
        db.execute(
            "INSERT INTO suggestion_thresholds (code_id, model, grain, stamp, fitted_at, n_pos,"
            " likely, possible, cv_kappa, cv_ap) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (code_id, model, grain) DO UPDATE SET stamp = excluded.stamp,"
            " fitted_at = excluded.fitted_at, n_pos = excluded.n_pos, likely = excluded.likely,"
            " possible = excluded.possible, cv_kappa = excluded.cv_kappa, cv_ap = excluded.cv_ap",
            [int(code_id), model, grain, stamp, now_iso()]
            + [values[k] for k in ("n_pos", "likely", "possible", "cv_kappa", "cv_ap")],
        )
