"""Benchmark: meaning and hybrid search — retrieval quality on a judged set, latency at 100,000.

    python bench/bench_search_meaning.py [--passages 100000] [--queries 60] [--skip-quality]

1. Quality, on two judged sets in one run. Set 1: the demo project (fictional, English +
   Spanish) plus the real English interviews of ``../shared/corpus/interviews``, with the 73
   queries of ``bench/data/meaning_judged.json``; set 2: the public policy PDFs of
   ``../shared/corpus/pdf`` (nobody on the project wrote them) with the 52 queries of
   ``bench/data/policy_judged.json`` (English and Spanish). Per query class (same-language,
   cross-language, phrase, name, identifier): nDCG@10 and recall@10 of keyword (FTS5 as typed),
   meaning, RRF (equal-weight reciprocal rank fusion, the former default) and the default
   (``nlp.fusion.fuse``), and the default minus the better of keyword and meaning with a
   bootstrap 95 % interval (acceptance: >= -0.01 on every class).
2. Latency. A project of ``--passages`` segments (1,000 documents; paragraphs drawn from a pool
   of 5,000 distinct texts made of real sentences of the demo and the shared interviews, so only
   the pool is embedded), indexed; p50/p95 of keyword (baseline), meaning and hybrid search over
   ``--queries`` queries, the query's embedding included (each query is new to the process).
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
SHARED = ROOT.parent / "shared" / "corpus"
JUDGED = ROOT / "bench" / "data" / "meaning_judged.json"
POLICY = ROOT / "bench" / "data" / "policy_judged.json"


def judged_project(folder: Path):
    """Build the demo plus the shared English interviews into ``folder``; return the open db."""
    from demo.build import build
    from interviews import import_transcripts
    from nlp import index_passages
    from projectfile import open_project

    path = build(folder / "judged.qda.sqlite")
    db = open_project(path)
    files = sorted(glob.glob(str(SHARED / "interviews" / "interview-[345].txt")))
    if len(files) != 3:
        sys.exit(f"the judged set needs {SHARED}/interviews/interview-3,4,5.txt")
    import_transcripts(files, db)
    index_passages(db)
    return db


def policy_project(folder: Path):
    """Ingest the public policy PDFs of ``../shared/corpus`` into ``folder``; return the open db,
    or None when ../shared is absent."""
    from nlp import index_passages
    from projectfile import open_project
    from workflows import ingest_files

    files = [SHARED / f for f in json.loads(POLICY.read_text(encoding="utf-8"))["files"]]
    if not all(f.is_file() for f in files):
        return None
    db = open_project(folder / "policy.qda.sqlite")
    ingest_files(db, files, kind="policy")
    index_passages(db)
    return db


SETS = {"demo+interviews": (JUDGED, judged_project), "policy": (POLICY, policy_project)}


def resolve(db, queries: list[dict]) -> dict[str, list[tuple[int, str]]]:
    """Return {needle: [(segment_id, language), ...]}: the passages holding each needle (a needle
    in several passages names copies of the same text; one in none is an error)."""
    from corpus import get_segments, list_documents
    from nlp.vectors import indexable

    passages = []
    for doc in list_documents(db)["id"]:
        segs = get_segments(db, int(doc))
        passages += [
            (int(i), " ".join(t.split()), lang)
            for i, t, lang in zip(segs["id"], segs["text"], segs["language"])
            if indexable(t)
        ]
    out = {}
    for q in queries:
        for needle in q["relevant"]:
            found = [(i, lang) for i, t, lang in passages if needle in t]
            if not found:
                sys.exit(f"judged passage {needle!r} ({q['id']}) matches no passage")
            out[needle] = found
    return out


def ndcg(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, s in enumerate(ranked[:k]) if s in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def recall(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


SYSTEMS = ("keyword", "meaning", "rrf", "default")
CLASSES = ("same-language", "cross-language", "phrase", "name", "identifier")


def judgments(db, queries: list[dict]) -> list[tuple[str, dict, set[int]]]:
    """Return (class, query, relevant segment ids) per scored row: a natural-language query gives a
    same-language and a cross-language row (when it has relevant passages there), any other
    query one row of its class against all its relevant passages."""
    where = resolve(db, queries)
    rows = []
    for q in queries:
        found = [hit for n in q["relevant"] for hit in where[n]]
        if q.get("class", "natural") != "natural":
            rows.append((q["class"], q, {s for s, _ in found}))
            continue
        same = {s for s, lang in found if lang == q["language"]}
        cross = {s for s, lang in found if lang != q["language"]}
        rows += [(c, q, rel) for c, rel in (("same-language", same), ("cross-language", cross))]
    return [r for r in rows if r[2]]


def pools(db, queries: list[dict]) -> dict[str, dict]:
    """Return per query text what every system ranks: the fusion inputs, today's keyword pool
    (the query as typed, else its words with OR) and each system's top 10."""
    from corpus import SearchError, search
    from nlp import search_passages
    from nlp.encoders import DEFAULT_MODEL
    from nlp.fusion import fuse_rrf
    from nlp.hybrid_search import _or_query, fusion_inputs

    filters = dict(kinds=None, languages=None, date_from=None, date_to=None, document_ids=None)
    out = {}
    for q in {q["query"] for q in queries}:
        keyword, meaning, shape, evidence = fusion_inputs(db, q, DEFAULT_MODEL, filters)
        try:
            typed = [int(s) for s in search(db, q, limit=50)["segment_id"]]
        except SearchError:
            typed = []
        today = typed
        if not typed and (alt := _or_query(q)):
            today = [int(s) for s in search(db, alt, limit=50)["segment_id"]]
        ranked = {
            "keyword": typed[:10],
            "meaning": [int(h["segment_id"]) for h in meaning[:10]],
            "rrf": [
                int(h["segment_id"])
                for h in fuse_rrf([{"segment_id": s} for s in today], meaning)[:10]
            ],
            "default": [int(s) for s in search_passages(db, q, "hybrid", limit=10)["segment_id"]],
        }
        out[q] = dict(inputs=(keyword, meaning, shape, evidence), **ranked)
    return out


def table(name: str, rows, ranked_by: dict[str, dict[str, list[int]]], seed: int = 0) -> dict:
    """Print nDCG@10 and recall@10 per class and system, and the default's margin over the better
    of keyword and meaning with a 2,000-sample bootstrap 95 % interval; return the means."""
    import numpy as np

    print(f"\n== judged set {name}: {len({q['id'] for _, q, _ in rows})} queries, {len(rows)} rows")
    head = " ".join(f"{s:>15}" for s in SYSTEMS)
    print(f"{'class':<15} {'n':>3} {head}  {'default-best':>12} {'95% CI':>16}")
    print(f"{'':<15} {'':>3} " + " ".join(f"{'nDCG   R@10':>15}" for _ in SYSTEMS))
    rng = np.random.default_rng(seed)
    out = {}
    for cls in CLASSES:
        mine = [(q, rel) for c, q, rel in rows if c == cls]
        if not mine:
            continue
        n = {s: np.array([ndcg(ranked_by[s][q["query"]], rel) for q, rel in mine]) for s in SYSTEMS}
        r = {
            s: np.array([recall(ranked_by[s][q["query"]], rel) for q, rel in mine]) for s in SYSTEMS
        }
        margin = n["default"].mean() - max(n["keyword"].mean(), n["meaning"].mean())
        idx = rng.integers(0, len(mine), size=(2000, len(mine)))
        boot = n["default"][idx].mean(1) - np.maximum(
            n["keyword"][idx].mean(1), n["meaning"][idx].mean(1)
        )
        lo, hi = np.percentile(boot, [2.5, 97.5])
        cells = " ".join(f"{n[s].mean():>7.3f} {r[s].mean():>6.3f} " for s in SYSTEMS)
        verdict = "ok" if margin >= -0.01 else "LOSES"
        print(
            f"{cls:<15} {len(mine):>3} {cells} {margin:>+8.3f} {verdict:<5} [{lo:+.3f}, {hi:+.3f}]"
        )
        out[cls] = {s: (n[s].mean(), r[s].mean()) for s in SYSTEMS} | {"margin": margin}
    return out


def quality(folder: Path) -> dict:
    """Run every judged set present; print the per-class table of each."""
    out = {}
    for name, (spec_path, build) in SETS.items():
        queries = json.loads(spec_path.read_text(encoding="utf-8"))["queries"]
        sub = folder / name.replace("+", "-")
        sub.mkdir(parents=True, exist_ok=True)
        db = build(sub)
        if db is None:
            print(f"\n== judged set {name}: skipped ({SHARED} is absent)")
            continue
        rows = judgments(db, queries)
        got = pools(db, queries)
        ranked_by = {s: {q: p[s] for q, p in got.items()} for s in SYSTEMS}
        out[name] = table(name, rows, ranked_by)
        db.conn.close()
    return out


def sentence_pool() -> list[str]:
    """Real sentences: the demo's texts and the shared interviews (English, Spanish, French)."""
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "demo" / "texts").rglob("*.*")]
    texts += [
        p.read_text(encoding="utf-8")
        for p in (ROOT / "demo" / "transcripts").glob("*")
        if p.suffix in (".txt", ".vtt")
    ]
    texts += [
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted((SHARED / "interviews").glob("*.txt"))
    ]
    out = []
    for t in texts:
        for s in re.split(r"(?<=[.!?])\s+", " ".join(t.split())):
            if 30 <= len(s) <= 300:
                out.append(s)
    return sorted(set(out))


def latency(folder: Path, n_passages: int, n_queries: int, workers: int) -> dict:
    from corpus import search
    from nlp import index_passages, search_passages
    from nlp.hybrid_search import query_vector
    from projectfile import open_project, transaction

    sys.path.insert(0, str(ROOT / "tests" / "nlp"))
    from nlp_docs import make_document

    rng = random.Random(7)
    sentences = sentence_pool()
    pool = list(
        dict.fromkeys(" ".join(rng.sample(sentences, rng.randint(2, 4))) for _ in range(5200))
    )[:5000]
    db = open_project(folder / "scale.qda.sqlite")
    from corpus import store_document

    per_doc = 100
    t0 = time.perf_counter()
    with transaction(db):
        for d in range(n_passages // per_doc):
            paras = [rng.choice(pool) for _ in range(per_doc)]
            store_document(db, make_document("\n\n".join(paras), f"doc-{d:05d}"))
    print(f"\nstored {n_passages} passages in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    res = index_passages(db, workers=workers)
    print(
        f"indexed {res.passages} passages ({res.embedded} distinct texts embedded,"
        f" {workers} workers) in {time.perf_counter() - t0:.0f} s"
    )
    words = sorted({w for s in sentences for w in re.findall(r"[^\W\d_]{5,}", s.lower())})
    queries = []
    for i in range(n_queries):
        ws = rng.sample(words, rng.randint(1, 4))
        queries.append(" ".join(ws) if i % 2 else rng.choice(sentences)[:80])
    search_passages(db, "warm up the index", "meaning")  # loads the matrix once
    times: dict[str, list[float]] = {"keyword": [], "meaning": [], "hybrid": []}
    for q in queries:
        for mode in times:
            query_vector.cache_clear()  # the query embedding is part of every timing
            t = time.perf_counter()
            try:
                if mode == "keyword":
                    search(db, q, limit=20)
                else:
                    search_passages(db, q, mode, limit=20)
            except Exception as exc:  # a generated query FTS5 cannot parse: skip it
                if type(exc).__name__ != "SearchError":
                    raise
                continue
            times[mode].append((time.perf_counter() - t) * 1000)
    parts = breakdown(db, queries)
    out = {}
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'mode':<8} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for mode, ts in times.items():
        ts.sort()
        p50, p95 = ts[len(ts) // 2], ts[min(len(ts) - 1, int(len(ts) * 0.95))]
        out[mode] = (p50, p95)
        print(f"{mode:<8} {len(ts):>7} {p50:>8.1f} {p95:>8.1f}")
    print("hybrid, part by part (each timed alone):")
    for part, ts in parts.items():
        ts.sort()
        p50, p95 = ts[len(ts) // 2], ts[min(len(ts) - 1, int(len(ts) * 0.95))]
        print(f"  {part:<22} {len(ts):>5} {p50:>8.1f} {p95:>8.1f}")
    for mode in ("meaning", "hybrid"):
        print(
            f"ratio {mode} p95 / keyword p95 = {out[mode][1] / out['keyword'][1]:.1f}x;"
            f" target p95 < 100 ms: {'met' if out[mode][1] < 100 else 'NOT met'}"
        )
    db.conn.close()
    return out


def breakdown(db, queries: list[str]) -> dict[str, list[float]]:
    """Return per-query milliseconds of each step of a hybrid search, each timed alone: the
    query's embedding, the meaning scan, the keyword pool, the cosines of the keyword hits, the
    fusion, and the page of 20 rows (snippets of meaning hits)."""
    from corpus import SearchError
    from nlp.encoders import DEFAULT_MODEL
    from nlp.fusion import classify_query, fuse
    from nlp.hybrid_search import (
        _cosines,
        _documents,
        _frame,
        _keyword_hits,
        _keyword_pool,
        _meaning,
        query_vector,
    )

    filters = dict(kinds=None, languages=None, date_from=None, date_to=None, document_ids=None)
    docs = _documents(db, None, None, None, None)
    names = ("embed", "meaning scan", "keyword pool", "keyword cosines", "fuse", "page of 20")
    out: dict[str, list[float]] = {name: [] for name in names}

    for q in queries:
        query_vector.cache_clear()
        t = [time.perf_counter()]

        def lap(name: str, t=t) -> None:
            now = time.perf_counter()
            out[name].append((now - t[0]) * 1000)
            t[0] = now

        query_vector(q, DEFAULT_MODEL)
        lap("embed")
        meaning = _meaning(db, q, DEFAULT_MODEL, docs, None)
        lap("meaning scan")
        shape = classify_query(q)
        try:
            hits, ev = _keyword_pool(db, q, shape, filters)
        except SearchError:
            continue
        lap("keyword pool")
        kw = _keyword_hits(hits, lambda r, b: -float(b))
        cos = _cosines(db, q, DEFAULT_MODEL, [int(h["segment_id"]) for h in kw])
        lap("keyword cosines")
        for h, c in zip(kw, cos):
            h["bm25"], h["cosine"], h["coverage"] = h["score"], c, 1.0
        fused = fuse(kw, meaning, shape, ev, limit=100)
        lap("fuse")
        _frame(db, fused[:20], DEFAULT_MODEL)
        lap("page of 20")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--skip-latency", action="store_true")
    ap.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="tiny sizes, seconds not minutes (CI runs this; also BENCH_SMOKE=1)",
    )
    args = ap.parse_args()
    if args.smoke:
        args.passages, args.queries, args.skip_quality = 200, 3, True
    folder = Path(tempfile.mkdtemp(prefix="bench-meaning-"))
    try:
        if not args.skip_quality:
            quality(folder)
        if not args.skip_latency:
            latency(folder, args.passages, args.queries, args.workers)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
