"""Where a quote is in its recording: the seconds its first turn starts and its last turn ends.

The first turn is the case rule's (``coding.span_cases``): the turn holding the quote's start,
else the first turn starting inside it. The last turn is the last one starting before the quote's
end. Its end is its own ``t_end``, else the next turn's start (a format that only stamps starts),
else unknown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlite_utils

from interviews import turns_frame


def _seconds(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")


def span_times(db: sqlite_utils.Database, spans: pd.DataFrame) -> pd.DataFrame:
    """Return ``t_from``/``t_to`` (seconds or None) for each row of ``spans`` (document_id,
    char_start, char_end; same index)."""
    t_from = np.full(len(spans), np.nan)
    t_to = np.full(len(spans), np.nan)
    if not spans.empty:
        docs = spans["document_id"].astype("int64").to_numpy()
        turns = turns_frame(db, sorted(set(docs.tolist())))
        for doc_id, t in turns.groupby("document_id"):
            t = t.sort_values("char_start")
            starts = t["char_start"].to_numpy(dtype=np.int64)
            ends = t["char_end"].to_numpy(dtype=np.int64)
            begin = _seconds(t["t_start"])
            finish = _seconds(t["t_end"])
            finish = np.where(np.isnan(finish), np.append(begin[1:], np.nan), finish)
            rows = np.flatnonzero(docs == int(doc_id))
            s = spans["char_start"].to_numpy(dtype=np.int64)[rows]
            e = spans["char_end"].to_numpy(dtype=np.int64)[rows]
            holding = np.searchsorted(starts, s, side="right") - 1
            holds = (holding >= 0) & (s < ends[np.maximum(holding, 0)])
            first = np.where(holds, holding, np.searchsorted(starts, s, side="left"))
            last = np.searchsorted(starts, e, side="left") - 1
            ok = (first < len(starts)) & (last >= first)
            first, last = np.minimum(first, len(starts) - 1), np.maximum(last, 0)
            t_from[rows] = np.where(ok, begin[first], np.nan)
            t_to[rows] = np.where(ok, finish[last], np.nan)
    as_object = {
        name: pd.Series([None if np.isnan(v) else float(v) for v in values], dtype=object)
        for name, values in (("t_from", t_from), ("t_to", t_to))
    }
    return pd.DataFrame(as_object).set_axis(spans.index)
