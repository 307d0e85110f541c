"""Agreement between coders: percent agreement, Cohen's kappa, Krippendorff's alpha (nominal),
over one ``Scope``.

Each code is judged as a binary decision (coded / not coded) per unit.  Units are characters
(weighted runs of characters with the same pattern, so a 1000-character document costs a handful of
runs, not 1000 rows), sentences (a regex splitter), paragraphs or speaker turns (``corpus``
segments). Which codings count is the scope's answer (``scope_where``: current versions, nothing
deleted); which documents are compared is ``agreement_scope``'s: those every compared coder coded;
the others are left out and named. ``overall`` pools every (code, unit) decision; the statistics
and their statuses are in ``agreement_stats``.

AGREEMENT_COLUMNS, one row per code and a last '(overall)' row:

- ``code_id``, ``code_path``, ``color``; ``coders``: the coders compared, joined by ', ';
- ``units``: the units compared (characters for unit 'char', else sentences, paragraphs or turns)
  in the compared documents; ``documents``: how many documents were compared;
- ``percent_agreement``, ``kappa`` (two coders only), ``alpha``: floats, NaN where not defined;
- ``status``: an ``AgreementStatus`` value (a plain string): 'ok', 'not applied' (no compared
  coder applied the code in the compared documents: every figure NaN), 'undefined: no variation'
  (applied to every unit by everyone: kappa and alpha NaN, as their expected disagreement is
  zero), 'no documents compared';
- ``documents_compared``: the compared documents' titles joined by '; ' (the same on every row);
- ``documents_left_out``: the documents coded by only some of the coders, as 'title (A only)'
  joined by '; ': on a code's row those where that code was applied, on '(overall)' all of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlite_utils

from corpus import get_segments, get_text, sentence_spans

from .agreement_scope import Comparison, compare, scope_codings
from .agreement_stats import AgreementStatus, judged_stats
from .case_rule import span_cases
from .codes import code_ids, code_paths
from .codings import document_length
from .history import CodingError
from .scope import Scope

UNITS = ("char", "sentence", "paragraph", "turn")
AGREEMENT_COLUMNS = [
    "code_id",
    "code_path",
    "color",
    "units",
    "coders",
    "percent_agreement",
    "kappa",
    "alpha",
    "status",
    "documents",
    "documents_compared",
    "documents_left_out",
]
DISAGREEMENT_COLUMNS = [
    "document_id",
    "document_title",
    "case_name",
    "code_id",
    "code_path",
    "char_start",
    "char_end",
    "coded_by",
    "not_coded_by",
    "instead",
    "text",
]


# ---- units ---------------------------------------------------------------------------------------


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return [start, end) spans of the sentences of ``text`` (``corpus.sentence_spans``)."""
    return sentence_spans(text)


def document_units(db: sqlite_utils.Database, document_id: int, unit: str) -> list[tuple[int, int]]:
    """Return the [start, end) units of a document for ``unit`` sentence, paragraph or turn."""
    if unit == "sentence":
        return split_sentences(get_text(db, document_id))
    segs = get_segments(db, document_id)
    if unit == "turn":
        segs = segs[segs["kind"] == "turn"]
    elif unit == "paragraph":
        segs = segs[segs["kind"] != "turn"]
        if segs.empty:  # an interview: its paragraphs are its turns
            segs = get_segments(db, document_id)
    else:
        raise CodingError(f"unknown unit '{unit}': use one of {', '.join(UNITS)}")
    return [(int(s), int(e)) for s, e in zip(segs["char_start"], segs["char_end"]) if e > s]


# ---- from the project ----------------------------------------------------------------------------


@dataclass
class Decisions:
    """The coders' decisions on one code in one document: one row per unit (or run of characters).

    ``matrix`` is units x coders: 1 coded, 0 not coded; ``weights`` counts characters (unit 'char')
    or units.
    """

    document_id: int
    code_id: int
    starts: np.ndarray
    ends: np.ndarray
    weights: np.ndarray
    matrix: np.ndarray


@dataclass
class _Codings:
    """The codings of one code in one document as arrays: starts, ends, coder column numbers."""

    starts: np.ndarray
    ends: np.ndarray
    coders: np.ndarray


def _nobody_coded(doc_len: int, unit: str, n_units: int, n_coders: int) -> tuple:
    """Return (starts, ends, weights, matrix) of a code nobody coded: one all-zero row."""
    weight = float(doc_len if unit == "char" else n_units)
    return np.array([0]), np.array([doc_len]), np.array([weight]), np.zeros((1, n_coders))


def _char_runs(doc_len: int, c: _Codings, n_coders: int) -> tuple:
    """Return (starts, ends, weights, matrix) over runs of characters with the same coverage."""
    bounds = np.unique(np.concatenate([[0, doc_len], c.starts, c.ends]))
    starts, ends = bounds[:-1], bounds[1:]
    weights = (ends - starts).astype(float)
    # coverage per coder with a difference array over the run boundaries
    mat = np.zeros((len(starts) + 1, n_coders))
    np.add.at(mat, (np.searchsorted(bounds, c.starts), c.coders), 1)
    np.add.at(mat, (np.searchsorted(bounds, c.ends), c.coders), -1)
    mat = (np.cumsum(mat, axis=0)[:-1] > 0).astype(float)
    return starts, ends, weights, mat


def _unit_cover(u_start: np.ndarray, u_end: np.ndarray, c: _Codings, n_coders: int) -> tuple:
    """Return (starts, ends, weights, matrix) over units: 1 where a coder's coding touches the
    unit."""
    mat = np.zeros((len(u_start), n_coders))
    for coder, s, e in zip(c.coders, c.starts, c.ends):
        mat[(u_start < e) & (u_end > s), coder] = 1
    return u_start, u_end, np.ones(len(u_start)), mat


def _document_decisions(
    db, doc_id: int, unit: str, codings: dict[int, _Codings], all_codes, n_coders: int
) -> tuple[float, list[Decisions]]:
    """Return (units, the Decisions of every code) of one compared document (no units: none)."""
    doc_len = document_length(db, doc_id)
    u_start = u_end = np.array([], dtype=np.int64)
    if unit != "char":
        us = document_units(db, doc_id, unit)
        if not us:
            return 0.0, []
        u_start, u_end = np.array([a for a, _ in us]), np.array([b for _, b in us])
    out = []
    for code_id in all_codes:
        c = codings.get(int(code_id))
        if c is None:
            parts = _nobody_coded(doc_len, unit, len(u_start), n_coders)
        elif unit == "char":
            # a coding past the end of the text (a damaged import) counts up to the end only
            clipped = _Codings(np.clip(c.starts, 0, doc_len), np.clip(c.ends, 0, doc_len), c.coders)
            parts = _char_runs(doc_len, clipped, n_coders)
        else:
            parts = _unit_cover(u_start, u_end, c, n_coders)
        starts, ends, weights, mat = parts
        out.append(Decisions(doc_id, int(code_id), starts, ends, weights, mat))
    return float(doc_len if unit == "char" else len(u_start)), out


def _by_document(df: pd.DataFrame, coder_list: list[str]) -> dict[int, dict[int, _Codings]]:
    """Return {document_id: {code_id: _Codings}} from the loaded codings (sorted by document,
    code)."""
    col = {c: j for j, c in enumerate(coder_list)}
    out: dict[int, dict[int, _Codings]] = {}
    keys = ["document_id", "code_id"]
    for (doc_id, code_id), g in df.groupby(keys, sort=False):
        out.setdefault(int(doc_id), {})[int(code_id)] = _Codings(
            g["char_start"].to_numpy(np.int64),
            g["char_end"].to_numpy(np.int64),
            g["coder"].map(col).to_numpy(np.int64),
        )
    return out


@dataclass
class _Judged:
    """What agreement compares: the Comparison, the codes judged, the codings of those codes by the
    compared coders (every document of the scope), the units compared and the Decisions."""

    comparison: Comparison
    codes: list[int]
    codings: pd.DataFrame
    units: float
    decisions: list[Decisions]


def _judge(db, unit: str, scope: Scope, progress=None) -> _Judged:
    """Return the codes judged and each code's Decisions in each compared document.

    The codes are the scope's, or every code the compared coders applied in the scope; a code
    nobody coded in a compared document contributes one all-zero row weighted by its units.
    """
    comparison = compare(db, scope)
    coders = comparison.coders
    if len(coders) < 2:
        return _Judged(comparison, [], pd.DataFrame(), 0.0, [])
    df = scope_codings(db, scope.replace(coders=tuple(coders)))
    ids = code_ids(db, scope.codes, scope.children)
    all_codes = ids if ids is not None else sorted(int(c) for c in df["code_id"].unique())
    per_document = _by_document(df[df["document_id"].isin(comparison.compared)], coders)
    units, out = 0.0, []
    total = len(comparison.compared)
    for i, doc_id in enumerate(comparison.compared):
        if progress is not None and i:
            progress(i, total, "agreement")
        n, decisions = _document_decisions(
            db, doc_id, unit, per_document.get(doc_id, {}), all_codes, len(coders)
        )
        units += n
        out += decisions
    if progress is not None and total:
        progress(total, total, "agreement")
    return _Judged(comparison, all_codes, df, units, out)


def _scope(scope: Scope | None, filters: dict) -> Scope:
    """Return the scope with the old keyword filters folded in (an empty coder list: all)."""
    if scope is not None and not isinstance(scope, Scope):
        raise TypeError(f"scope must be a Scope, not {type(scope).__name__} (give unit= by name)")
    if filters.get("coders") is not None and len(filters["coders"]) == 0:
        filters["coders"] = None
    return Scope.of(scope, **filters)


def agreement(
    db: sqlite_utils.Database,
    scope: Scope | None = None,
    /,
    unit: str = "char",
    progress=None,
    **filters,
) -> pd.DataFrame:
    """Return per-code rows and a final '(overall)' row with AGREEMENT_COLUMNS (see the module).

    ``filters`` are the scope's fields by keyword (``coders``, ``codes``, ``children``,
    ``documents``, ``cases``, ``attribute``, ``versions``), folded into ``scope``.
    """
    if unit not in UNITS:
        raise CodingError(f"unknown unit '{unit}': use one of {', '.join(UNITS)}")
    judged = _judge(db, unit, _scope(scope, filters), progress)
    comparison = judged.comparison
    paths = code_paths(db, include_deleted=True)
    colors = dict(db.execute("SELECT id, color FROM codes").fetchall())
    by_code: dict[int, list] = defaultdict(list)
    for d in judged.decisions:
        by_code[d.code_id].append((d.matrix, d.weights))
    applied_in = (
        judged.codings.groupby("code_id")["document_id"].agg(set) if len(judged.codings) else {}
    )
    coders, compared = ", ".join(comparison.coders), comparison.compared_titles()

    def row(code_id, path, color, pairs, left_out: str) -> list:
        pct, kappa, alpha, status = judged_stats([m for m, _ in pairs], [w for _, w in pairs])
        units = judged.units if status != AgreementStatus.NOTHING_COMPARED else 0
        docs = len(comparison.compared)
        stats = [pct, kappa, alpha, status.value, docs, compared, left_out]
        return [code_id, path, color, units, coders, *stats]

    rows = [
        row(
            code_id,
            paths.get(code_id, ""),
            colors.get(code_id),
            by_code[code_id],
            comparison.left_out_titles(applied_in.get(code_id, set())),
        )
        for code_id in sorted(judged.codes, key=lambda c: paths.get(c, ""))
    ]
    pooled = [x for v in by_code.values() for x in v]
    rows.append(row(None, "(overall)", None, pooled, comparison.left_out_titles()))
    df = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    return df.astype({"code_id": "Int64", "units": "int64", "documents": "int64"})


def agreement_with(
    db: sqlite_utils.Database,
    scope: Scope | None,
    coder: str,
    others,
    unit: str = "char",
    progress=None,
) -> pd.DataFrame:
    """Return ``coder`` (e.g. the assistant) against each of ``others`` by the same statistics as
    between people: one ``agreement`` per pair over the scope with its coders set to the pair,
    stacked, with a first column ``versus`` (the other coder)."""
    scope = _scope(scope, {})
    parts = []
    for other in others:
        if other == coder:
            continue
        pair = agreement(db, scope.replace(coders=(coder, other)), unit=unit, progress=progress)
        parts.append(pair.assign(versus=other))
    if not parts:
        return pd.DataFrame(columns=["versus", *AGREEMENT_COLUMNS])
    out = pd.concat(parts, ignore_index=True)
    return out[["versus", *AGREEMENT_COLUMNS]]


def disagreements(
    db: sqlite_utils.Database,
    scope: Scope | None = None,
    /,
    unit: str = "char",
    max_text: int = 300,
    **filters,
) -> pd.DataFrame:
    """Return one row per stretch where coders disagree (DISAGREEMENT_COLUMNS): who coded it, who
    did not, the case the stretch belongs to (the case rule, ``span_cases``), the text; in the
    compared documents only (see ``agreement``)."""
    scope = _scope(scope, filters)
    judged = _judge(db, unit, scope)
    coder_list = judged.comparison.coders
    paths = code_paths(db, include_deleted=True)
    rows, texts = [], {}
    for d in judged.decisions:
        doc_id, code_id = d.document_id, d.code_id
        prev = None
        for s, e, row in zip(d.starts, d.ends, d.matrix):
            known = ~np.isnan(row)
            if known.sum() < 2 or len(set(row[known])) < 2:
                prev = None
                continue
            yes = ", ".join(c for c, v in zip(coder_list, row) if v == 1)
            no = ", ".join(c for c, v in zip(coder_list, row) if v == 0)
            if prev is not None and prev[4] == int(s) and prev[5] == yes and prev[6] == no:
                prev[4] = int(e)
                continue
            prev = [doc_id, code_id, int(s), None, int(e), yes, no]
            rows.append(prev)
    out = []
    if rows:
        docs = tuple(sorted({r[0] for r in rows}))
        wide = scope.replace(coders=tuple(coder_list), documents=docs)
        loaded = scope_codings(db, wide, every_code=True)
    titles = judged.comparison.titles
    for doc_id, code_id, s, _, e, yes, no in rows:
        if doc_id not in texts:
            texts[doc_id] = get_text(db, doc_id)
        snippet = texts[doc_id][s:e]
        # what the coders who did not apply this code put on the same stretch instead
        near = loaded[
            (loaded["document_id"] == doc_id)
            & (loaded["char_start"] < e)
            & (loaded["char_end"] > s)
            & loaded["coder"].isin(no.split(", "))
            & (loaded["code_id"] != code_id)
        ]
        instead = "; ".join(
            sorted({f"{c}: {paths.get(k, k)}" for c, k in zip(near["coder"], near["code_id"])})
        )
        out.append(
            [
                doc_id,
                titles.get(doc_id, ""),
                code_id,
                paths.get(code_id, ""),
                s,
                e,
                yes,
                no,
                instead,
                snippet if len(snippet) <= max_text else snippet[: max_text - 1] + "…",
            ]
        )
    df = pd.DataFrame(out, columns=[c for c in DISAGREEMENT_COLUMNS if c != "case_name"])
    df.insert(2, "case_name", span_cases(db, df)["case_name"] if len(df) else None)
    return df[DISAGREEMENT_COLUMNS]
