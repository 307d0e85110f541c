"""When each turn was said: times that follow turns through edits, times set by hand, the time
range of a quote, the turn playing at a moment.

Exact times live in ``turns`` (``t_start``/``t_end`` in seconds, ``time_source`` where they came
from); the label in the text (``Ana [00:01:02]:``) shows whole seconds only. An edit re-parses the
text, so without ``carry_turn_times`` a turn would keep only its label's whole second and no end.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import sqlite_utils

from projectfile import NotFound, QdaError, transaction, writes

from .media import media_for


class TimingError(QdaError):
    """A turn time that cannot be set (out of order, negative, past the recording's end)."""


def turn_times(db: sqlite_utils.Database, document_id: int) -> pd.DataFrame:
    """Return turn_no, char_start, char_end, t_start, t_end, time_source of a document's turns."""
    return pd.read_sql_query(
        "SELECT turn_no, char_start, char_end, t_start, t_end, time_source FROM turns"
        " WHERE document_id = ? ORDER BY turn_no",
        db.conn,
        params=[int(document_id)],
    )


def _nan(v) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


@writes("documents")
def carry_turn_times(
    db: sqlite_utils.Database, old_id: int, new_id: int, map_offset: Callable[[int], int]
) -> int:
    """Give the turns of ``new_id`` (an edit of ``old_id``) the exact times of the old turns
    their words came from; return how many turns took times.

    A new turn takes the ``t_start``/``t_end``/``time_source`` of the old turn whose start maps
    (``map_offset``: old offset -> new offset) into it, unless its label now shows another
    second than the old time (the person changed the time: the label wins, ``time_source``
    'file', the old end kept when after it). Two old turns joined into one give the first's
    start and the last's end. A new turn no old turn maps into keeps its label's time. Call
    inside the edit's transaction.
    """
    old = turn_times(db, old_id)
    new = turn_times(db, new_id)
    if old.empty or new.empty:
        return 0
    starts = new["char_start"].tolist()
    ends = new["char_end"].tolist()
    taken: dict[int, list[tuple]] = {}
    for o in old.itertuples(index=False):
        pos = map_offset(int(o.char_start))
        for j, (s, e) in enumerate(zip(starts, ends)):
            if s <= pos <= e:
                taken.setdefault(j, []).append(o)
                break
    updates = []
    for j, olds in taken.items():
        timed = [o for o in olds if _nan(o.t_start) is not None]
        if not timed:
            continue
        first, last = timed[0], timed[-1]
        t_start, source = _nan(first.t_start), first.time_source or "file"
        t_end = _nan(last.t_end)
        label = _nan(new["t_start"].iloc[j])
        if label is not None and int(label) != int(t_start):
            t_start, source = label, "file"
            t_end = t_end if t_end is not None and t_end > t_start else None
        updates.append((t_start, t_end, source, int(new_id), int(new["turn_no"].iloc[j])))
    words = []
    for w in word_times(db, old_id).itertuples(index=False):
        a, b = map_offset(int(w.char_start)), map_offset(int(w.char_end))
        if b > a:
            words.append((a, b, float(w.t_start), _nan(w.t_end)))
    with transaction(db):
        db.conn.executemany(
            "UPDATE turns SET t_start = ?, t_end = ?, time_source = ?"
            " WHERE document_id = ? AND turn_no = ?",
            updates,
        )
        if words:
            store_word_times(db, new_id, words)
    return len(updates)


@dataclass(frozen=True)
class TurnTime:
    """A turn's times before and after ``set_turn_time`` (for the audit log and undo by hand)."""

    document_id: int
    turn_no: int
    before: tuple[float | None, float | None]
    after: tuple[float | None, float | None]
    previous_end_set: bool


@writes("documents")
def set_turn_time(
    db: sqlite_utils.Database,
    document_id: int,
    turn_no: int,
    t_start: float,
    duration_s: float | None = None,
) -> TurnTime:
    """ "This turn starts here": store ``t_start`` (seconds) as turn ``turn_no``'s start, like an
    imported time (``time_source`` 'manual'); the previous turn's end is set when it had none
    or ended later, this turn's end when it had none and the next turn is timed.

    TimingError for a negative time, one past ``duration_s`` (the recording's length), or one
    out of order with the nearest timed turns before and after; NotFound for no such turn."""
    t_start = round(float(t_start), 3)
    turns = turn_times(db, document_id)
    row = turns[turns["turn_no"] == int(turn_no)]
    if row.empty:
        raise NotFound(f"document {document_id} has no turn {turn_no}")
    if t_start < 0 or math.isnan(t_start):
        raise TimingError(f"turn {turn_no}: a time must be 0 or later, not {t_start}")
    if duration_s is not None and t_start > duration_s:
        raise TimingError(
            f"turn {turn_no}: {_hms(t_start)} is after the end of the recording"
            f" ({_hms(duration_s)})"
        )
    timed = turns.dropna(subset=["t_start"])
    before = timed[timed["turn_no"] < int(turn_no)]
    after = timed[timed["turn_no"] > int(turn_no)]
    if not before.empty and t_start < float(before["t_start"].iloc[-1]):
        n = int(before["turn_no"].iloc[-1])
        raise TimingError(
            f"turn {turn_no} cannot start at {_hms(t_start)}: turn {n} before it starts at"
            f" {_hms(float(before['t_start'].iloc[-1]))}; correct turn {n} first"
        )
    if not after.empty and t_start > float(after["t_start"].iloc[0]):
        n = int(after["turn_no"].iloc[0])
        raise TimingError(
            f"turn {turn_no} cannot start at {_hms(t_start)}: turn {n} after it starts at"
            f" {_hms(float(after['t_start'].iloc[0]))}; correct turn {n} first"
        )
    old_start, old_end = _nan(row["t_start"].iloc[0]), _nan(row["t_end"].iloc[0])
    t_end = old_end
    if t_end is not None and t_end <= t_start:
        t_end = None
    if t_end is None and not after.empty and int(after["turn_no"].iloc[0]) == int(turn_no) + 1:
        t_end = float(after["t_start"].iloc[0])
    prev = turns[turns["turn_no"] == int(turn_no) - 1]
    prev_end_set = False
    with transaction(db):
        db.execute(
            "UPDATE turns SET t_start = ?, t_end = ?, time_source = 'manual'"
            " WHERE document_id = ? AND turn_no = ?",
            [t_start, t_end, int(document_id), int(turn_no)],
        )
        if not prev.empty and _nan(prev["t_start"].iloc[0]) is not None:
            p_end = _nan(prev["t_end"].iloc[0])
            if p_end is None or p_end > t_start:
                db.execute(
                    "UPDATE turns SET t_end = ? WHERE document_id = ? AND turn_no = ?",
                    [t_start, int(document_id), int(turn_no) - 1],
                )
                prev_end_set = True
    return TurnTime(
        int(document_id), int(turn_no), (old_start, old_end), (t_start, t_end), prev_end_set
    )


def _hms(seconds: float) -> str:
    s = int(seconds)
    ms = int(round((seconds - s) * 1000))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" + (f".{ms:03d}" if ms else "")


def span_times(
    db: sqlite_utils.Database, spans: pd.DataFrame, duration_s: float | None = None
) -> pd.DataFrame:
    """Return ``t_from``, ``t_to`` (seconds, NaN when untimed) for each row of ``spans``
    (columns document_id, char_start, char_end), on the same index.

    Word times when the document has them for the span's first and last words; else the start
    of the quote's first turn and the end of its last turn (its ``t_end``, else the next turn's
    start, else ``duration_s`` or the attached recording's length)."""
    out = pd.DataFrame(index=spans.index, columns=["t_from", "t_to"], dtype=float)
    if spans.empty:
        return out
    cache: dict[int, tuple[pd.DataFrame, pd.DataFrame, float | None]] = {}
    for idx, doc, s, e in zip(
        spans.index, spans["document_id"], spans["char_start"], spans["char_end"]
    ):
        doc = int(doc)
        if doc not in cache:
            media = media_for(db, doc) if duration_s is None else None
            cache[doc] = (
                turn_times(db, doc),
                word_times(db, doc),
                duration_s if duration_s is not None else (media.duration_s if media else None),
            )
        turns, words, length = cache[doc]
        out.loc[idx] = _span_time(turns, words, int(s), int(e), length)
    return out


def _span_time(
    turns: pd.DataFrame, words: pd.DataFrame, s: int, e: int, length: float | None
) -> tuple[float, float]:
    nan = float("nan")
    if not words.empty:
        inside = words[(words["char_end"] > s) & (words["char_start"] < e)]
        if not inside.empty:
            t_to = inside["t_end"].iloc[-1]
            return float(inside["t_start"].iloc[0]), float(
                t_to if pd.notna(t_to) else inside["t_start"].iloc[-1]
            )
    if turns.empty:
        return nan, nan
    hit = turns[(turns["char_end"] > s) & (turns["char_start"] < max(e, s + 1))]
    if hit.empty:  # inside a label: the label belongs to the turn after it
        hit = turns[turns["char_start"] >= s].head(1)
    if hit.empty:
        return nan, nan
    first, last = hit.iloc[0], hit.iloc[-1]
    t_from = _nan(first["t_start"])
    if t_from is None:
        return nan, nan
    t_to = _nan(last["t_end"])
    if t_to is None:
        later = turns[turns["turn_no"] > last["turn_no"]].dropna(subset=["t_start"])
        t_to = float(later["t_start"].iloc[0]) if not later.empty else length
    return t_from, (t_to if t_to is not None else nan)


def word_times(db: sqlite_utils.Database, document_id: int) -> pd.DataFrame:
    """Return char_start, char_end, t_start, t_end of a document's timed words (often none)."""
    return pd.read_sql_query(
        "SELECT char_start, char_end, t_start, t_end FROM word_times WHERE document_id = ?"
        " ORDER BY char_start",
        db.conn,
        params=[int(document_id)],
    )


@writes("documents")
def store_word_times(
    db: sqlite_utils.Database, document_id: int, words: Sequence[tuple[int, int, float, float]]
) -> int:
    """Store (char_start, char_end, t_start, t_end) word times of a document; return how many."""
    with transaction(db):
        db.conn.executemany(
            "INSERT OR REPLACE INTO word_times (document_id, char_start, char_end, t_start, t_end)"
            " VALUES (?, ?, ?, ?, ?)",
            [(int(document_id), int(a), int(b), float(t0), _nan(t1)) for a, b, t0, t1 in words],
        )
    return len(words)


def turn_at(turns: Sequence[tuple[int, float | None, float | None]], seconds: float) -> int | None:
    """Return the number of the turn playing at ``seconds`` from ``(turn_no, t_start, t_end)``
    in order: the last turn started, while before its end (its ``t_end``, else the next timed
    turn's start); None before the first turn and in a pause between turns."""
    timed = [(n, s, e) for n, s, e in turns if s is not None and not math.isnan(s)]
    playing = None
    for i, (n, s, e) in enumerate(timed):
        if s > seconds:
            break
        end = e if e is not None and not math.isnan(e) else None
        if end is None and i + 1 < len(timed):
            end = timed[i + 1][1]
        playing = n if end is None or seconds < end else None
    return playing
