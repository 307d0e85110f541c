"""Benchmark of code suggestions (nlp.suggest) against a keyword baseline, on a coded project.

    python bench/bench_suggest.py  # the demo project (built by `make demo`)
    python bench/bench_suggest.py --project my.qda.sqlite  # any project file (a copy)
    python bench/bench_suggest.py --qdpx coded.qdpx  # a REFI-QDA project, imported

For every code with at least 5 coded spans: the code's coded passages (paragraphs or turns covered
by a coding) are split at random, 80 % kept as the researcher's codings and 20 % held out as if not
yet coded (every coding touching a held-out passage is removed, whoever made it). Both rankers
then order the same candidates (every passage the kept codings do not touch):

- ours: nlp.suggest.rank, the logistic regression over the multilingual passage vectors that the
  Code page uses (negatives: uncoded passages of read documents, cross-fitted);
- baseline: BM25 over the passage texts with the code's name, its parents' names and its
  definition as the query (what a researcher would type into keyword search).

Prints per code precision@10 and recall@50 of both (mean over ``--splits`` random splits), the
macro means, their ratio, and the time of one refit. P@10 is hits in the top 10 divided by 10, so
with few held-out passages its ceiling is n_held/10: the ceiling is printed too.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)
from nlp.code_features import bm25_tokens as bm25  # noqa: E402 (the product's BM25, one copy)

DEMO = ROOT / "demo" / "build" / "demo.qda.sqlite"


def _fold(word: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c)
    )


def _stop() -> set[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.es.stop_words import STOP_WORDS as ES

    return {_fold(w) for w in EN | ES}


def tokens(text: str, stop: set[str]) -> list[str]:
    """Return folded word tokens of ``text`` without stop words and one-letter words."""
    return [w for w in (_fold(t) for t in re.findall(r"\w+", text)) if len(w) > 1 and w not in stop]


def top_hits(scores: np.ndarray, candidate: np.ndarray, relevant: np.ndarray, k: int) -> int:
    """Return how many of the ``k`` best-scored candidates are relevant (ties: passage order)."""
    idx = np.flatnonzero(candidate)
    order = idx[np.argsort(-scores[idx], kind="stable")]
    return int(relevant[order[:k]].sum())


def smoke_project(path: Path) -> None:
    """Write a small generated project (two codes on fictional paragraphs) for ``--smoke``."""
    from coding import add_code, code_span
    from corpus import Document, paragraphs_from_text, sha256_bytes, store_document
    from projectfile import open_project

    rng = random.Random(0)
    themes = {
        "Funding": "The council paid for the training budget with a state grant of {n} pesos.",
        "Training": "Technicians learned machining in a dual education course for {n} weeks.",
    }
    other = "The meeting on day {n} discussed the weather, parking and the lunch menu."
    db = open_project(path)
    for code in themes:
        add_code(db, code)
    for d in range(3):
        paras = [(None, other.format(n=i)) for i in range(20)]
        paras += [(c, t.format(n=i)) for c, t in themes.items() for i in range(8)]
        rng.shuffle(paras)
        text = "\n\n".join(t for _c, t in paras)
        doc = Document(
            text=text,
            title=f"smoke {d}",
            source_name=f"smoke{d}.txt",
            language="en",
            sha256=sha256_bytes(text.encode()),
            segments=paragraphs_from_text(text),
        )
        doc_id = store_document(db, doc, segment_language=False)
        pos = 0
        for code, t in paras:
            start = text.index(t, pos)
            pos = start + len(t)
            if code:
                code_span(db, doc_id, start, pos, code, coder="bench")
    db.conn.close()


def open_copy(args, folder: Path):
    from projectfile import open_project

    path = folder / "bench.qda.sqlite"
    if args.qdpx:
        from exports import import_qdpx

        import_qdpx(args.qdpx, path)
        return open_project(path), f"{args.qdpx} (imported)"
    src = Path(args.project) if args.project else DEMO
    if not src.exists() and args.smoke:
        smoke_project(path)
        return open_project(path), "generated smoke project"
    if not src.exists():
        raise SystemExit(f"{src} does not exist: run `make demo` or pass --project/--qdpx")
    shutil.copy(src, path)
    return open_project(path), str(src)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--project")
    ap.add_argument("--qdpx")
    ap.add_argument("--splits", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-codings", type=int, default=5)
    ap.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="tiny sizes, seconds not minutes (CI runs this; also BENCH_SMOKE=1)",
    )
    ap.add_argument(
        "--sets",
        nargs="*",
        default=None,
        help="outside-coded sets (bench/coded_sets.py SETS; default: all) read from --sets-dir",
    )
    ap.add_argument(
        "--sets-dir", default=None, help="folder holding one folder per set ($QDA_CODED_SETS)"
    )
    ap.add_argument("--sets-cache", default=None, help="keep loaded sets here (reruns: seconds)")
    args = ap.parse_args(argv)
    if args.smoke:
        args.splits = 2
    if args.sets is not None:
        from suggest_sets import run_sets

        return run_sets(args.sets, args.sets_dir, args.min_codings, args.sets_cache)

    from coding import codes_frame
    from nlp.suggest import covered, load_passages, rank, span_codings, suggestable_codes

    with tempfile.TemporaryDirectory(prefix="qda-bench-suggest-") as tmp:
        db, name = open_copy(args, Path(tmp))
        t = time.perf_counter()
        passages = load_passages(db)
        t_index = time.perf_counter() - t
        frame, matrix = passages.frame, passages.matrix
        codings = span_codings(db)
        codes = suggestable_codes(db, args.min_codings)
        info = codes_frame(db).set_index("id")
        stop = _stop()
        docs_tok = [tokens(t, stop) for t in frame["text"].fillna("")]
        seen = frame["document_id"].isin(set(codings["document_id"])).to_numpy()
        print(
            f"{name}: {len(frame)} passages with vectors (indexed in {t_index:.1f} s), "
            f"{len(codings)} span codings, {len(codes)} codes with >= {args.min_codings}"
        )
        rng = np.random.default_rng(args.seed)
        rows, fit_times = [], []
        for code_id, path in zip(codes["code_id"], codes["code_path"]):
            mine = codings[codings["code_id"] == code_id]
            positive_all = covered(frame, mine)
            pos_idx = np.flatnonzero(positive_all)
            if len(pos_idx) < 2:
                continue
            n_held = max(1, round(0.2 * len(pos_idx)))
            definition = str(info.loc[int(code_id), "definition"] or "")
            query = tokens(path.replace(">", " ") + " " + definition, stop)
            stats = {"ours_p10": [], "ours_r50": [], "kw_p10": [], "kw_r50": []}
            n_cand = 0
            for _ in range(args.splits):
                held = np.zeros(len(frame), dtype=bool)
                held[rng.choice(pos_idx, n_held, replace=False)] = True
                keep = mine[~_touches(mine, frame[held])]
                positive = covered(frame, keep)
                touched = covered(frame, keep, share=1e-9)
                relevant = held & ~touched
                candidate = ~touched
                if relevant.sum() == 0:
                    continue
                n_cand = int(candidate.sum())
                t = time.perf_counter()
                ours = rank(matrix, positive, seen & ~touched, candidate)
                fit_times.append(time.perf_counter() - t)
                kw = bm25(docs_tok, query)
                ours = np.nan_to_num(ours, nan=-1.0)
                n_rel = int(relevant.sum())
                stats["ours_p10"].append(top_hits(ours, candidate, relevant, 10) / 10)
                stats["ours_r50"].append(top_hits(ours, candidate, relevant, 50) / n_rel)
                stats["kw_p10"].append(top_hits(kw, candidate, relevant, 10) / 10)
                stats["kw_r50"].append(top_hits(kw, candidate, relevant, 50) / n_rel)
            if not stats["ours_p10"]:
                continue
            rows.append(
                {
                    "code": path,
                    "coded_passages": len(pos_idx),
                    "held_out": n_held,
                    "candidates": n_cand,
                    "p10_ceiling": min(n_held, 10) / 10,
                    **{k: float(np.mean(v)) for k, v in stats.items()},
                }
            )
        db.conn.close()
    import pandas as pd

    df = pd.DataFrame(rows)
    if df.empty:
        print("no code with enough coded passages")
        return 1
    pd.set_option("display.width", 160)
    print(df.round(3).to_string(index=False))
    mean = df[["ours_p10", "kw_p10", "ours_r50", "kw_r50", "p10_ceiling"]].mean()
    print(
        f"\nmacro mean over {len(df)} codes, {args.splits} random 80/20 splits each:\n"
        f"  precision@10  ours {mean['ours_p10']:.3f}  keyword {mean['kw_p10']:.3f}"
        f"  ratio {mean['ours_p10'] / max(mean['kw_p10'], 1e-9):.2f}"
        f"  (ceiling {mean['p10_ceiling']:.3f})\n"
        f"  recall@50     ours {mean['ours_r50']:.3f}  keyword {mean['kw_r50']:.3f}"
        f"  ratio {mean['ours_r50'] / max(mean['kw_r50'], 1e-9):.2f}\n"
        f"  one refit (cross-fitted): median {np.median(fit_times) * 1000:.0f} ms,"
        f" max {max(fit_times) * 1000:.0f} ms"
    )
    return 0


def _touches(codings, held_passages) -> np.ndarray:
    """Return a boolean per coding: does it overlap one of ``held_passages``?"""
    out = np.zeros(len(codings), dtype=bool)
    for i, (d, s, e) in enumerate(
        zip(codings["document_id"], codings["char_start"], codings["char_end"])
    ):
        p = held_passages[held_passages["document_id"] == d]
        out[i] = bool(((p["char_start"] < e) & (s < p["char_end"])).any())
    return out


if __name__ == "__main__":
    raise SystemExit(main())
