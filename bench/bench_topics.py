"""Benchmark of topic fitting: the first fit (embeds every segment with all-MiniLM-L6-v2 and caches
the vectors) against a refit with other parameters (reads the cached vectors; never re-embeds),
on fictional segments.

    python bench/bench_topics.py                      # 1,000 segments
    python bench/bench_topics.py --segments 10000     # the issue's size

UMAP/numba compilation is warmed up on a tiny fit first, so neither timing includes it.
Prints both times, the ratio, and the number of topics of each fit.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)

THEMES = {
    "funding": (
        "CONACYT funding grants budget federal programme call "
        "financing money investment fund public private"
    ),
    "training": (
        "training students technicians dual education courses "
        "engineers skills apprentices school teachers"
    ),
    "trade": (
        "NAFTA tariffs exports trade agreement border customs USMCA rules origin imports suppliers"
    ),
    "governance": (
        "council committee meeting steering governance members "
        "decisions binational partners vote board"
    ),
    "research": (
        "laboratory research prototype materials additive manufacturing "
        "patents university centre design"
    ),
}
FILLER = (
    "the consortium said that we also had many in this year with our partners and it was".split()
)


def make_segments(n: int, seed: int = 5) -> list[str]:
    """Return ``n`` deterministic fictional segments, each mostly about one theme."""
    rng = random.Random(seed)
    keys = list(THEMES)
    out = []
    for i in range(n):
        words = THEMES[keys[i % len(keys)]].split()
        other = THEMES[rng.choice(keys)].split()
        toks = [rng.choice(words) for _ in range(rng.randint(10, 22))] + [
            rng.choice(other) for _ in range(3)
        ]
        toks += [rng.choice(FILLER) for _ in range(rng.randint(8, 16))]
        rng.shuffle(toks)
        out.append(" ".join(toks).capitalize() + f" ({i}).")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--segments", type=int, default=1000)
    ap.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="tiny sizes, seconds not minutes (CI runs this; also BENCH_SMOKE=1)",
    )
    args = ap.parse_args(argv)
    if args.smoke:
        args.segments = 80

    from corpus import Document, paragraphs_from_text, sha256_bytes, store_document
    from nlp import fit_topics
    from nlp.embeddings import cache_size, sentence_model
    from projectfile import open_project

    segs = make_segments(args.segments)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_project(Path(tmp) / "bench.qda.sqlite")
        for i in range(0, len(segs), 100):
            text = "\n\n".join(segs[i : i + 100])
            store_document(
                db,
                Document(
                    text=text,
                    title=f"doc {i // 100}",
                    source_name=f"d{i}.txt",
                    language="en",
                    sha256=sha256_bytes(text.encode()),
                    segments=paragraphs_from_text(text),
                ),
                segment_language=False,
            )
        warm = open_project(Path(tmp) / "warm.qda.sqlite")
        text = "\n\n".join(make_segments(40, seed=1))
        store_document(
            warm,
            Document(
                text=text,
                title="warm",
                source_name="w.txt",
                sha256=sha256_bytes(text.encode()),
                segments=paragraphs_from_text(text),
            ),
            segment_language=False,
        )
        fit_topics(warm, backend="tfidf")  # numba/UMAP compilation, outside the timings
        sentence_model()  # model load, outside the timings
        print(f"{len(segs)} segments")

        t = time.perf_counter()
        first = fit_topics(db, min_topic_size=20)
        t_first = time.perf_counter() - t
        cached = cache_size(db)
        t = time.perf_counter()
        refit = fit_topics(db, min_topic_size=40, reduce_outliers=True)
        t_refit = time.perf_counter() - t
        print(
            f"first fit (embed {cached} segments + UMAP + HDBSCAN): {t_first:8.1f} s  "
            f"({first.topics} topics, {first.outliers} outliers)"
        )
        print(
            f"refit, other parameters (cached embeddings):       {t_refit:8.1f} s  ({refit.topics} "
            f"topics, {refit.outliers} outliers)"
        )
        print(
            f"ratio: {t_first / t_refit:.2f}x   (cache holds {cache_size(db)} vectors; refit "
            f"embedded nothing new: {cache_size(db) == cached})"
        )
        db.conn.close()
        warm.conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
