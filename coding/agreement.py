"""Agreement between coders: percent agreement, Cohen's kappa, Krippendorff's alpha (nominal).

Each code is judged as a binary decision (coded / not coded) per unit.  Units are characters
(weighted runs of characters with the same pattern, so a 1000-character document costs a handful of
runs, not 1000 rows), sentences (a regex splitter), paragraphs or speaker turns (``corpus``
segments). A coder who coded nothing at all in a document counts as *missing* for that document
(alpha handles it; kappa and percent agreement use the units both coders judged).  ``overall`` pools
every (code, unit) decision; the statistics themselves are in ``agreement_stats``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlite_utils

from corpus import get_document, get_segments, get_text, trim_span

from .agreement_stats import pooled_stats
from .case_rule import span_cases
from .codes import code_paths
from .codings import code_ids, document_length
from .history import CodingError

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
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+|\n\s*")


# ---- units ---------------------------------------------------------------------------------------


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return [start, end) spans of the sentences of ``text`` (a simple regex splitter; whitespace
    trimmed)."""
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


@dataclass
class Decisions:
    """The coders' decisions on one code in one document: one row per unit (or run of characters).

    ``matrix`` is units x coders: 1 coded, 0 not coded, nan for a coder who coded nothing in the
    document; ``weights`` counts characters (unit 'char') or units.
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
) -> list[Decisions]:
    """Return the Decisions of every code in one document (none when it has no units)."""
    doc_len = document_length(db, doc_id)
    absent = np.ones(n_coders, bool)
    for c in codings.values():
        absent[c.coders] = False
    u_start = u_end = np.array([], dtype=np.int64)
    if unit != "char":
        us = document_units(db, doc_id, unit)
        if not us:
            return []
        u_start, u_end = np.array([a for a, _ in us]), np.array([b for _, b in us])
    out = []
    for code_id in all_codes:
        c = codings.get(int(code_id))
        if c is None:
            parts = _nobody_coded(doc_len, unit, len(u_start), n_coders)
        elif unit == "char":
            parts = _char_runs(doc_len, c, n_coders)
        else:
            parts = _unit_cover(u_start, u_end, c, n_coders)
        starts, ends, weights, mat = parts
        mat[:, absent] = np.nan
        out.append(Decisions(doc_id, int(code_id), starts, ends, weights, mat))
    return out


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


def _decisions(
    db, unit, coders, codes, children, documents, progress=None
) -> tuple[list[str], list[Decisions]]:
    """Return (coders, Decisions of each code in each coded document).

    A code nobody coded in a document contributes one all-zero row weighted by the document's units.
    """
    df, ids = _load(db, coders, codes, children, documents)
    coder_list = sorted(coders) if coders else sorted(df["coder"].unique())
    if df.empty or len(coder_list) < 2:
        return coder_list, []
    all_codes = ids if ids is not None else sorted(df["code_id"].unique())
    per_document = _by_document(df, coder_list)
    out: list[Decisions] = []
    for i, (doc_id, codings) in enumerate(per_document.items()):
        if progress is not None and i:
            progress(i, len(per_document), "agreement")
        out += _document_decisions(db, doc_id, unit, codings, all_codes, len(coder_list))
    if progress is not None:
        progress(len(per_document), len(per_document), "agreement")
    return coder_list, out


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
        raise CodingError(f"unknown unit '{unit}': use one of {', '.join(UNITS)}")
    coder_list, decisions = _decisions(db, unit, coders, codes, children, documents, progress)
    paths = code_paths(db, include_deleted=True)
    colors = dict(db.execute("SELECT id, color FROM codes").fetchall())
    by_code: dict[int, list] = defaultdict(list)
    for d in decisions:
        by_code[d.code_id].append((d.matrix, d.weights))
    rows = []
    for code_id in sorted(by_code, key=lambda c: paths.get(c, "")):
        units, pct, kappa, alpha = pooled_stats(
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
    units, pct, kappa, alpha = pooled_stats([m for m, _ in allm], [w for _, w in allm])
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
    """Return one row per stretch where coders disagree (DISAGREEMENT_COLUMNS): who coded it, who
    did not, the case the stretch belongs to (the case rule, ``span_cases``), the text."""
    coder_list, decisions = _decisions(db, unit, coders, codes, children, documents)
    paths = code_paths(db, include_deleted=True)
    rows, texts, titles = [], {}, {}
    for d in decisions:
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
    df = pd.DataFrame(out, columns=[c for c in DISAGREEMENT_COLUMNS if c != "case_name"])
    df.insert(2, "case_name", span_cases(db, df)["case_name"] if len(df) else None)
    return df[DISAGREEMENT_COLUMNS]
