"""Agreement between coders: percent agreement, Cohen's kappa, Krippendorff's alpha (nominal).

Each code is judged as a binary decision (coded / not coded) per unit.  Units are characters
(weighted runs of characters with the same pattern, so a 1000-character document costs a handful of
runs, not 1000 rows), sentences (a regex splitter), paragraphs or speaker turns (``corpus`` segments).
A coder who coded nothing at all in a document counts as *missing* for that document (alpha handles
it; kappa and percent agreement use the units both coders judged).  ``overall`` pools every
(code, unit) decision.  Cohen's kappa is the textbook one: chance agreement summed over categories,
over all units (so NVivo's example, 1000 chars, 50 both / 100 A only / 50 B only, gives 0.318).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import sqlite_utils

from corpus.model import trim_span

from .codes import code_paths
from .codings import code_ids

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
]
DISAGREEMENT_COLUMNS = [
    "document_id",
    "document_title",
    "code_id",
    "code_path",
    "char_start",
    "char_end",
    "coded_by",
    "not_coded_by",
    "instead",
    "text",
]
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+|\n\s*")


# ---- the statistics -------------------------------------------------------------------------------------------


def percent_agreement(a: Sequence, b: Sequence, weights: Sequence[float] | None = None) -> float:
    """Return the share of units (weighted) on which two coders gave the same value; missing (None) units skipped."""
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
    if pe == 1:
        return 1.0 if po == 1 else float("nan")
    return float((po - pe) / (1 - pe))


def krippendorff_alpha(units: Iterable[Sequence], weights: Sequence[float] | None = None) -> float:
    """Return nominal Krippendorff's alpha; ``units`` holds one value per coder per unit (None = missing)."""
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
    if expected == 0:
        return 1.0 if observed == 0 else float("nan")
    return float(1 - (n - 1) * observed / expected)


# ---- units -----------------------------------------------------------------------------------------------------


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return [start, end) spans of the sentences of ``text`` (a simple regex splitter; whitespace trimmed)."""
    spans, pos = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((pos, m.end()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        s, e = trim_span(text, s, e)
        if e > s:
            out.append((s, e))
    return out


def document_units(db: sqlite_utils.Database, document_id: int, unit: str) -> list[tuple[int, int]]:
    """Return the [start, end) units of a document for ``unit`` sentence, paragraph or turn."""
    from corpus.store import get_segments, get_text

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
        raise ValueError(f"unknown unit '{unit}': use one of {', '.join(UNITS)}")
    return [(int(s), int(e)) for s, e in zip(segs["char_start"], segs["char_end"]) if e > s]


# ---- from the project ------------------------------------------------------------------------------------------


def _load(db, coders, codes, children, documents):
    where, params = ["c.deleted_at IS NULL", "k.deleted_at IS NULL", "c.scope != 'case'"], []
    ids = code_ids(db, codes, children)
    if ids is not None:
        where.append(f"c.code_id IN ({', '.join('?' * len(ids))})")
        params += ids
    if coders:
        where.append(f"r.name IN ({', '.join('?' * len(coders))})")
        params += list(coders)
    if documents is not None:
        where.append(f"c.document_id IN ({', '.join('?' * len(documents))})")
        params += [int(d) for d in documents]
    df = pd.read_sql_query(
        f"""SELECT c.document_id, c.code_id, r.name AS coder, c.char_start, c.char_end
            FROM codings c JOIN codes k ON k.id = c.code_id JOIN coders r ON r.id = c.coder_id
            WHERE {" AND ".join(where)} ORDER BY c.document_id, c.code_id""",
        db.conn,
        params=params,
    )
    return df, ids


def _decisions(db, unit, coders, codes, children, documents, progress=None):
    """Return (coders, [(document_id, code_id, starts, ends, weights, matrix[units x coders] of 1/0/nan)]).

    A code nobody coded in a document contributes one all-zero row weighted by the document's units.
    """
    df, ids = _load(db, coders, codes, children, documents)
    coder_list = sorted(coders) if coders else sorted(df["coder"].unique())
    if df.empty or len(coder_list) < 2:
        return coder_list, []
    all_codes = ids if ids is not None else sorted(df["code_id"].unique())
    col = {c: j for j, c in enumerate(coder_list)}
    docs = df["document_id"].to_numpy(np.int64)
    code_arr = df["code_id"].to_numpy(np.int64)
    coder_arr = df["coder"].map(col).to_numpy(np.int64)
    s_arr, e_arr = df["char_start"].to_numpy(np.int64), df["char_end"].to_numpy(np.int64)
    doc_bounds = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1], True])
    from .codings import _doc_length

    out = []
    n_docs = len(doc_bounds) - 1
    for i, (lo, hi) in enumerate(zip(doc_bounds[:-1], doc_bounds[1:])):
        if progress is not None and i:
            progress(i, n_docs, "agreement")
        doc_id = int(docs[lo])
        doc_len = _doc_length(db, doc_id)
        absent = np.ones(len(coder_list), bool)
        absent[np.unique(coder_arr[lo:hi])] = False
        if unit != "char":
            us = document_units(db, doc_id, unit)
            if not us:
                continue
            u_start = np.array([a for a, _ in us])
            u_end = np.array([b for _, b in us])
        dcodes = code_arr[lo:hi]
        code_bounds = np.flatnonzero(np.r_[True, dcodes[1:] != dcodes[:-1], True]) + lo
        groups = {int(code_arr[a]): (a, b) for a, b in zip(code_bounds[:-1], code_bounds[1:])}
        for code_id in all_codes:
            span = groups.get(int(code_id))
            if span is None:
                starts, ends = np.array([0]), np.array([doc_len])
                weights = np.array([float(doc_len if unit == "char" else len(u_start))])
                mat = np.zeros((1, len(coder_list)))
            else:
                a, b = span
                cs, ce, cc = s_arr[a:b], e_arr[a:b], coder_arr[a:b]
                if unit == "char":
                    bounds = np.unique(np.concatenate([[0, doc_len], cs, ce]))
                    starts, ends = bounds[:-1], bounds[1:]
                    weights = (ends - starts).astype(float)
                    # coverage per coder with a difference array over the run boundaries
                    mat = np.zeros((len(starts) + 1, len(coder_list)))
                    np.add.at(mat, (np.searchsorted(bounds, cs), cc), 1)
                    np.add.at(mat, (np.searchsorted(bounds, ce), cc), -1)
                    mat = (np.cumsum(mat, axis=0)[:-1] > 0).astype(float)
                else:
                    starts, ends = u_start, u_end
                    weights = np.ones(len(starts))
                    mat = np.zeros((len(starts), len(coder_list)))
                    for coder, s, e in zip(cc, cs, ce):
                        mat[(starts < e) & (ends > s), coder] = 1
            mat[:, absent] = np.nan
            out.append((doc_id, int(code_id), starts, ends, weights, mat))
    if progress is not None:
        progress(n_docs, n_docs, "agreement")
    return coder_list, out


def _binary_stats(mat: np.ndarray, w: np.ndarray) -> tuple[float, float, float, float]:
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
                kappa = (
                    float((po - pe) / (1 - pe)) if pe < 1 else (1.0 if po == 1 else float("nan"))
                )
    pct = float(np.mean(pcts)) if pcts else float("nan")
    return units, pct, kappa, alpha


def _stats(mats: list[np.ndarray], weights: list[np.ndarray]) -> tuple[float, float, float, float]:
    if not mats:
        return 0.0, float("nan"), float("nan"), float("nan")
    return _binary_stats(np.vstack(mats), np.concatenate(weights).astype(float))


def agreement(
    db: sqlite_utils.Database,
    unit: str = "char",
    coders: list[str] | None = None,
    codes=None,
    children: bool = False,
    documents: list[int] | None = None,
    progress=None,
) -> pd.DataFrame:
    """Return per-code rows and a final 'overall' row with AGREEMENT_COLUMNS.

    ``units`` is characters (unit='char') or units judged; ``kappa`` only with exactly two coders.
    """
    if unit not in UNITS:
        raise ValueError(f"unknown unit '{unit}': use one of {', '.join(UNITS)}")
    coder_list, decisions = _decisions(db, unit, coders, codes, children, documents, progress)
    paths = code_paths(db, include_deleted=True)
    colors = dict(db.execute("SELECT id, color FROM codes").fetchall())
    by_code: dict[int, list] = defaultdict(list)
    for _doc_id, code_id, _starts, _ends, weights, mat in decisions:
        by_code[code_id].append((mat, weights))
    rows = []
    for code_id in sorted(by_code, key=lambda c: paths.get(c, "")):
        units, pct, kappa, alpha = _stats(
            [m for m, _ in by_code[code_id]], [w for _, w in by_code[code_id]]
        )
        rows.append(
            [
                code_id,
                paths.get(code_id, ""),
                colors.get(code_id),
                units,
                ", ".join(coder_list),
                pct,
                kappa,
                alpha,
            ]
        )
    allm = [x for v in by_code.values() for x in v]
    units, pct, kappa, alpha = _stats([m for m, _ in allm], [w for _, w in allm])
    rows.append([None, "(overall)", None, units, ", ".join(coder_list), pct, kappa, alpha])
    df = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    return df.astype({"code_id": "Int64", "units": "int64"})


def disagreements(
    db: sqlite_utils.Database,
    unit: str = "char",
    coders: list[str] | None = None,
    codes=None,
    children: bool = False,
    documents: list[int] | None = None,
    max_text: int = 300,
) -> pd.DataFrame:
    """Return one row per stretch where coders disagree (DISAGREEMENT_COLUMNS): who coded it, who did not, the text."""
    from corpus.store import get_document, get_text

    coder_list, decisions = _decisions(db, unit, coders, codes, children, documents)
    paths = code_paths(db, include_deleted=True)
    rows, texts, titles = [], {}, {}
    for doc_id, code_id, starts, ends, _weights, mat in decisions:
        prev = None
        for s, e, row in zip(starts, ends, mat):
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
    loaded, _ids = _load(db, coder_list, None, False, sorted({r[0] for r in rows}) if rows else [])
    for doc_id, code_id, s, _, e, yes, no in rows:
        if doc_id not in texts:
            texts[doc_id] = get_text(db, doc_id)
            titles[doc_id] = get_document(db, doc_id)["title"]
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
                titles[doc_id],
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
    return pd.DataFrame(out, columns=DISAGREEMENT_COLUMNS)
