"""The units a code is suggested at: paragraphs, speaker turns, sentences or clauses.

People code sentences and clauses as often as whole paragraphs, so a suggestion is made at the
grain the researcher codes that code (``code_grain``: the grain whose median length is nearest the
median length of the code's codings; 'turn' when most codings are whole turns). Accepting a
suggestion then makes the coding a person would have made.

A sentence or clause unit is read with its paragraph: its feature is the unit's vector and its
paragraph's vector, each L2-normalised and scaled by 1/sqrt(2) (``unit_features``), so "the same
sentence in a paragraph about something else" is told apart. Unit vectors come from
``embed_texts`` (cached by text hash); they are not stored in ``passage_vectors``.

Sentence and clause spans: ``sentence_spans`` and ``clause_spans`` below stand in for
``corpus.sentence_spans`` / ``corpus.clause_spans`` (issue 24, not landed on this branch) with the
same signature: the sentence splitter is the one agreement uses (``coding.split_sentences``);
clauses split a sentence at ';' and ':' and before ', and/but/y/pero/aunque' when both sides keep
at least ``MIN_CLAUSE_WORDS`` words. Swap the imports when ``corpus/sentences.py`` lands.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import sqlite_utils

from coding import codings_frame, split_sentences
from corpus import get_segments, get_text

GRAINS = ("paragraph", "turn", "sentence", "clause")
PASSAGE_KINDS = ("paragraph", "turn", "table_row", "sentence")
UNIT_COLUMNS = ["document_id", "segment_id", "char_start", "char_end", "kind", "text"]
MIN_CLAUSE_WORDS = 4
WHOLE_TURN_SHARE = 0.7  # codings on whole turns at or above this share: the code's grain is 'turn'
_CLAUSE_BREAK = re.compile(r"[;:]\s+|,\s+(?=(?:and|but|y|pero|aunque)\b)", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def sentence_spans(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Return the [start, end) spans of the sentences of ``text`` (whitespace trimmed)."""
    del language  # the stand-in splitter is language-blind
    return split_sentences(text)


def clause_spans(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Return the [start, end) spans of the clauses of ``text``: each sentence split at ';', ':'
    and before ', and|but|y|pero|aunque' when both sides have at least MIN_CLAUSE_WORDS words."""
    out: list[tuple[int, int]] = []
    for s, e in sentence_spans(text, language):
        start = s
        for m in _CLAUSE_BREAK.finditer(text, s, e):
            left, right = text[start : m.start()], text[m.end() : e]
            if len(_WORD.findall(left)) >= MIN_CLAUSE_WORDS <= len(_WORD.findall(right)):
                out.append((start, m.start()))
                start = m.end()
        out.append((start, e))
    return [(s, e) for s, e in out if e > s]


def _passages(db: sqlite_utils.Database, document_id: int) -> pd.DataFrame:
    segs = get_segments(db, document_id)
    return segs[segs["kind"].isin(PASSAGE_KINDS) & (segs["char_end"] > segs["char_start"])]


def candidate_units(
    db: sqlite_utils.Database, documents, grain: str, progress=None
) -> pd.DataFrame:
    """Return the units of ``documents`` at ``grain`` (UNIT_COLUMNS): passages (paragraph or
    turn grain: the segments meaning search indexes) or the sentences or clauses of each passage,
    with the id of the passage they lie in (``segment_id``) and their exact text."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}: use one of {', '.join(GRAINS)}")
    split = {"sentence": sentence_spans, "clause": clause_spans}.get(grain)
    rows = []
    docs = [int(d) for d in documents]
    for i, doc_id in enumerate(docs):
        if progress is not None:
            progress(i, len(docs), f"{grain}s")
        segs = _passages(db, doc_id)
        if segs.empty:
            continue
        text = get_text(db, doc_id)
        for seg_id, kind, s, e, lang in zip(
            segs["id"], segs["kind"], segs["char_start"], segs["char_end"], segs["language"]
        ):
            s, e = int(s), int(e)
            if split is None:
                rows.append((doc_id, int(seg_id), s, e, kind, text[s:e]))
                continue
            lang = lang if isinstance(lang, str) else None
            for a, b in split(text[s:e], lang):
                rows.append((doc_id, int(seg_id), s + a, s + b, grain, text[s + a : s + b]))
    if progress is not None:
        progress(len(docs), len(docs), f"{grain}s")
    frame = pd.DataFrame(rows, columns=UNIT_COLUMNS)
    return frame.astype({"document_id": "int64", "segment_id": "int64"})


def _whole_turn_share(db: sqlite_utils.Database, codings: pd.DataFrame) -> float:
    """Return the share of ``codings`` that cover a whole speaker turn (and not much more)."""
    whole = 0
    for doc_id, group in codings.groupby("document_id"):
        turns = get_segments(db, int(doc_id), kind="turn")
        if turns.empty:
            continue
        ts, te = turns["char_start"].to_numpy(), turns["char_end"].to_numpy()
        for s, e in zip(group["char_start"], group["char_end"]):
            inside = (ts >= s - 2) & (te <= e + 2)
            whole += bool(inside.any() and (te[inside] - ts[inside]).sum() >= 0.9 * (e - s))
    return whole / max(len(codings), 1)


def code_grain(db: sqlite_utils.Database, code_id: int, codings: pd.DataFrame | None = None) -> str:
    """Return the grain a code is coded at: 'turn' when at least WHOLE_TURN_SHARE of its codings
    are whole turns, else the grain (paragraph, sentence, clause) whose median unit length in the
    coded documents is nearest the median length of the code's codings ('paragraph' when it has
    none). ``codings`` are the code's span codings when already loaded."""
    if codings is None:
        codings = codings_frame(db, codes=[int(code_id)])
        codings = codings[codings["document_id"].notna() & (codings["char_end"] > 0)]
    if codings.empty:
        return "paragraph"
    if _whole_turn_share(db, codings) >= WHOLE_TURN_SHARE:
        return "turn"
    coded_len = float(np.median(codings["char_end"] - codings["char_start"]))
    docs = sorted({int(d) for d in codings["document_id"]})
    best, gap = "paragraph", np.inf
    for grain in ("paragraph", "sentence", "clause"):
        units = candidate_units(db, docs, grain)
        if units.empty:
            continue
        lengths = units["char_end"] - units["char_start"]
        if grain == "paragraph":
            lengths = lengths[units["kind"] != "turn"]
            if lengths.empty:
                continue
        # compare on a log scale: 40 vs 80 characters is as far apart as 400 vs 800
        g = abs(np.log(coded_len) - np.log(float(np.median(lengths))))
        if g < gap - 1e-9:
            best, gap = grain, g
    return best


def unit_features(unit_vecs: np.ndarray, context_vecs: np.ndarray | None) -> np.ndarray:
    """Return the feature rows of units: the unit vector alone (paragraphs, turns) or the unit and
    its paragraph vector, each L2-normalised, side by side and scaled to unit length."""
    u = _normalise(unit_vecs)
    if context_vecs is None:
        return u
    return (np.hstack([u, _normalise(context_vecs)]) / np.sqrt(2.0)).astype(np.float32)


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms > 0, norms, 1.0)
