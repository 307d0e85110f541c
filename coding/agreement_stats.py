"""Agreement statistics: percent agreement, Cohen's kappa and nominal Krippendorff's alpha, for
lists of coder values and for matrices of binary (coded / not coded) decisions.

Cohen's kappa is the textbook one: chance agreement summed over categories, over all units (so
NVivo's example, 1000 chars, 50 both / 100 A only / 50 B only, gives 0.318).

Where the expected disagreement is zero (every value the same: no variation) kappa and alpha are
undefined (NaN), as Krippendorff defines alpha, not 1. ``judged_stats`` says why a figure is
missing with a status (``agreement_text`` renders it for people).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from enum import StrEnum

import numpy as np


class AgreementStatus(StrEnum):
    """Why a code's figures are what they are (the ``status`` column of ``agreement``)."""

    OK = "ok"
    NOT_APPLIED = "not applied"  # no compared coder applied the code: every figure NaN
    NO_VARIATION = "undefined: no variation"  # applied everywhere by everyone: kappa, alpha NaN
    NOTHING_COMPARED = "no documents compared"  # no unit two coders judged: every figure NaN


STATUSES = tuple(AgreementStatus)
_NAN = float("nan")


def percent_agreement(a: Sequence, b: Sequence, weights: Sequence[float] | None = None) -> float:
    """Return the share of units (weighted) on which two coders gave the same value; missing (None)
    units skipped."""
    w = np.ones(len(a)) if weights is None else np.asarray(weights, float)
    keep = [i for i in range(len(a)) if a[i] is not None and b[i] is not None]
    total = w[keep].sum()
    if total == 0:
        return float("nan")
    return float(sum(w[i] for i in keep if a[i] == b[i]) / total)


def cohen_kappa(a: Sequence, b: Sequence, weights: Sequence[float] | None = None) -> float:
    """Return Cohen's kappa of two coders' values (chance agreement as a sum over categories)."""
    w = np.ones(len(a)) if weights is None else np.asarray(weights, float)
    keep = [i for i in range(len(a)) if a[i] is not None and b[i] is not None]
    n = w[keep].sum()
    if n == 0:
        return float("nan")
    cats = sorted({a[i] for i in keep} | {b[i] for i in keep}, key=str)
    po = sum(w[i] for i in keep if a[i] == b[i]) / n
    pa = {c: sum(w[i] for i in keep if a[i] == c) / n for c in cats}
    pb = {c: sum(w[i] for i in keep if b[i] == c) / n for c in cats}
    pe = sum(pa[c] * pb[c] for c in cats)
    if pe == 1:  # no variation: undefined
        return float("nan")
    return float((po - pe) / (1 - pe))


def krippendorff_alpha(units: Iterable[Sequence], weights: Sequence[float] | None = None) -> float:
    """Return nominal Krippendorff's alpha; ``units`` holds one value per coder per unit (None =
    missing)."""
    units = list(units)
    w = np.ones(len(units)) if weights is None else np.asarray(weights, float)
    coincid: dict[tuple, float] = defaultdict(float)
    for u, values in enumerate(units):
        vals = [v for v in values if v is not None]
        m = len(vals)
        if m < 2:
            continue
        counts: dict = defaultdict(int)
        for v in vals:
            counts[v] += 1
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nk - 1) if c == k else nc * nk
                coincid[(c, k)] += w[u] * pairs / (m - 1)
    return _alpha_from_coincidences(coincid)


def _alpha_from_coincidences(coincid: dict[tuple, float]) -> float:
    n_c: dict = defaultdict(float)
    for (c, _k), v in coincid.items():
        n_c[c] += v
    n = sum(n_c.values())
    if n <= 1:
        return float("nan")
    observed = sum(v for (c, k), v in coincid.items() if c != k)
    expected = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k)
    if expected == 0:  # no variation: undefined (Krippendorff)
        return float("nan")
    return float(1 - (n - 1) * observed / expected)


def binary_stats(mat: np.ndarray, w: np.ndarray) -> tuple[float, float, float, float]:
    """Return (units, percent agreement, kappa, alpha) for 0/1/nan decisions weighted by ``w``."""
    units = float(w.sum())
    known = ~np.isnan(mat)
    m = known.sum(axis=1)
    n1 = np.nansum(mat, axis=1)
    n0 = m - n1
    ok = m >= 2
    o01 = float((w[ok] * n0[ok] * n1[ok] / (m[ok] - 1)).sum())
    o00 = float((w[ok] * n0[ok] * (n0[ok] - 1) / (m[ok] - 1)).sum())
    o11 = float((w[ok] * n1[ok] * (n1[ok] - 1) / (m[ok] - 1)).sum())
    alpha = _alpha_from_coincidences({(0, 0): o00, (1, 1): o11, (0, 1): o01, (1, 0): o01})
    pcts, kappa = [], float("nan")
    k = mat.shape[1]
    for i in range(k):
        for j in range(i + 1, k):
            both = known[:, i] & known[:, j]
            total = w[both].sum()
            if total == 0:
                continue
            a, b, ww = mat[both, i], mat[both, j], w[both]
            po = ww[a == b].sum() / total
            pcts.append(po)
            if k == 2:
                pa, pb = (ww * a).sum() / total, (ww * b).sum() / total
                pe = pa * pb + (1 - pa) * (1 - pb)
                kappa = float((po - pe) / (1 - pe)) if pe < 1 else _NAN
    pct = float(np.mean(pcts)) if pcts else float("nan")
    return units, pct, kappa, alpha


def pooled_stats(
    mats: list[np.ndarray], weights: list[np.ndarray]
) -> tuple[float, float, float, float]:
    """Return (units, percent agreement, kappa, alpha) over several decision matrices pooled."""
    if not mats:
        return 0.0, float("nan"), float("nan"), float("nan")
    return binary_stats(np.vstack(mats), np.concatenate(weights).astype(float))


def judged_stats(
    mats: list[np.ndarray], weights: list[np.ndarray]
) -> tuple[float, float, float, AgreementStatus]:
    """Return (percent agreement, kappa, alpha, status) over decision matrices pooled.

    'no documents compared': no unit two coders judged (all NaN); 'not applied': nobody applied
    the code in those units (all NaN: agreeing on nothing is no evidence); 'undefined: no
    variation': everyone applied it everywhere (percent kept, kappa and alpha NaN)."""
    if not mats:
        return _NAN, _NAN, _NAN, AgreementStatus.NOTHING_COMPARED
    mat, w = np.vstack(mats), np.concatenate(weights).astype(float)
    known = ~np.isnan(mat)
    pairable = (known.sum(axis=1) >= 2) & (w > 0)
    if not pairable.any():
        return _NAN, _NAN, _NAN, AgreementStatus.NOTHING_COMPARED
    values = mat[pairable][known[pairable]]
    if not (values == 1).any():
        return _NAN, _NAN, _NAN, AgreementStatus.NOT_APPLIED
    _units, pct, kappa, alpha = binary_stats(mat, w)
    if not (values == 0).any():
        return pct, _NAN, _NAN, AgreementStatus.NO_VARIATION
    return pct, kappa, alpha, AgreementStatus.OK
