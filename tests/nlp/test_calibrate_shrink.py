"""The 'likely' threshold is pulled toward 0.5 when a code has few coded units."""

from __future__ import annotations

import numpy as np

from nlp.calibrate import SHRINK_K, shrink_threshold, thresholds_from_scores


def test_shrink_weight_follows_positive_count():
    assert shrink_threshold(0.9, 0) == 0.5
    assert abs(shrink_threshold(0.9, SHRINK_K) - 0.7) < 1e-12
    assert 0.89 < shrink_threshold(0.9, 1000) < 0.9


def test_likely_threshold_pulled_toward_half_with_few_positives():
    rng = np.random.default_rng(0)
    y = np.zeros(60, bool)
    y[:4] = True
    scores = np.where(y, 0.95, rng.uniform(0.0, 0.9, 60))
    raw = thresholds_from_scores(scores, y, shrink=False)
    pulled = thresholds_from_scores(scores, y)
    assert raw.likely == 0.95
    assert abs(pulled.likely - (4 * 0.95 + SHRINK_K * 0.5) / (4 + SHRINK_K)) < 1e-9
    assert pulled.possible <= pulled.likely
