"""Benchmark: meaning and hybrid search — retrieval quality on a judged set, latency at 100,000.

    python bench/bench_search_meaning.py [--passages 100000] [--queries 60] [--skip-quality]

1. Quality. The demo project (fictional, English + Spanish) plus the real English interviews of
   ``../shared/corpus/interviews`` (imported as transcripts), indexed; the 42 judged queries of
   ``bench/data/meaning_judged.json`` (21 themes, each asked in English and in Spanish) run in
   keyword mode (today's FTS5 search, the baseline), meaning mode and hybrid mode. recall@10 and
   nDCG@10 are reported separately against the relevant passages in the query's own language
   (same-language) and in the other language (cross-lingual).
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
import statistics
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


def resolve(db, queries: list[dict]) -> dict[str, tuple[int, str]]:
    """Return {needle: (segment_id, language)}; each needle must name exactly one passage."""
    from corpus import get_segments, list_documents
    from nlp.vectors import indexable

    passages = []
    for doc in list_documents(db)["id"]:
        segs = get_segments(db, int(doc))
        passages += [
            (int(i), t, lang)
            for i, t, lang in zip(segs["id"], segs["text"], segs["language"])
            if indexable(t)
        ]
    out = {}
    for q in queries:
        for needle in q["relevant"]:
            found = [(i, lang) for i, t, lang in passages if needle in " ".join(t.split())]
            if len(found) != 1:
                sys.exit(f"judged passage {needle!r} matches {len(found)} passages, not 1")
            out[needle] = found[0]
    return out


def ndcg(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, s in enumerate(ranked[:k]) if s in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def recall(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def quality(folder: Path) -> dict:
    from corpus import SearchError, search
    from nlp import search_passages

    spec = json.loads(JUDGED.read_text(encoding="utf-8"))
    queries = spec["queries"]
    db = judged_project(folder)
    where = resolve(db, queries)

    def ranked(mode: str, query: str) -> list[int]:
        try:
            if mode == "keyword":  # the baseline: today's FTS5 search, as typed
                return [int(s) for s in search(db, query, limit=10)["segment_id"]]
            return [int(s) for s in search_passages(db, query, mode, limit=10)["segment_id"]]
        except SearchError:
            return []

    scores = {
        (mode, split): {"recall": [], "ndcg": []}
        for mode in ("keyword", "meaning", "hybrid")
        for split in ("same", "cross")
    }
    for q in queries:
        same = {where[n][0] for n in q["relevant"] if where[n][1] == q["language"]}
        cross = {where[n][0] for n in q["relevant"] if where[n][1] != q["language"]}
        for mode in ("keyword", "meaning", "hybrid"):
            got = ranked(mode, q["query"])
            for split, rel in (("same", same), ("cross", cross)):
                if rel:
                    scores[(mode, split)]["recall"].append(recall(got, rel))
                    scores[(mode, split)]["ndcg"].append(ndcg(got, rel))
    print(f"\njudged set: {len(queries)} queries, {len(where)} judged passages")
    print(f"{'split':<6} {'mode':<8} {'queries':>7} {'recall@10':>10} {'nDCG@10':>8}")
    out = {}
    for (mode, split), s in sorted(scores.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        r, n = statistics.fmean(s["recall"]), statistics.fmean(s["ndcg"])
        out[(mode, split)] = (r, n)
        print(f"{split:<6} {mode:<8} {len(s['recall']):>7} {r:>10.3f} {n:>8.3f}")
    for split in ("same", "cross"):
        kw, hy = out[("keyword", split)], out[("hybrid", split)]
        print(
            f"{split}: hybrid vs keyword nDCG@10 {hy[1]:.3f} vs {kw[1]:.3f}"
            f" ({'+' if hy[1] >= kw[1] else ''}{hy[1] - kw[1]:.3f})"
        )
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
    out = {}
    print(f"{'mode':<8} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for mode, ts in times.items():
        ts.sort()
        p50, p95 = ts[len(ts) // 2], ts[min(len(ts) - 1, int(len(ts) * 0.95))]
        out[mode] = (p50, p95)
        print(f"{mode:<8} {len(ts):>7} {p50:>8.1f} {p95:>8.1f}")
    for mode in ("meaning", "hybrid"):
        print(
            f"ratio {mode} p95 / keyword p95 = {out[mode][1] / out['keyword'][1]:.1f}x;"
            f" target p95 < 100 ms: {'met' if out[mode][1] < 100 else 'NOT met'}"
        )
    db.conn.close()
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
