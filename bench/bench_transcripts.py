"""Benchmark: transcript import (parse + store) vs a naive line-by-line regex parse of the same
files.

Prints turns per second of the baseline and ours (parse only, and parse + store into a project), the
ratio, peak memory, and the per-word cost of importing one transcript at 1x and 10x size
(linearity).

    python bench/bench_transcripts.py            # 20 transcripts x 10,000 words (a minute or two)
    python bench/bench_transcripts.py --full     # 200 transcripts x 10,000 words, as the issue asks
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from interviews import import_transcripts, parse_transcript
from projectfile import open_project

EN = (
    "the consortium council funding training suppliers aerospace machining certification "
    "university research policy government federal state industry transfer technology engineers "
    "technicians budget agreement binational program partners laboratory metrology export quality "
    "rules origin steering committee"
).split()
ES = (
    "el consorcio consejo fondos capacitación proveedores aeroespacial certificación universidad "
    "investigación política gobierno federal estado industria transferencia tecnología ingenieros "
    "técnicos presupuesto convenio binacional programa socios laboratorio exportación calidad "
    "reglas origen comité directivo"
).split()
NAIVE = re.compile(r"^\s*(?:\[[\d:]+\]\s*)?([A-Z][\w .'-]{0,40}?)\s*:\s*(.*)$")


def make_transcript(path: Path, words: int, seed: int) -> int:
    """Write a labelled transcript of about ``words`` words; return its number of labelled
    paragraphs."""
    rng = random.Random(seed)
    vocab = ES if seed % 3 == 0 else EN
    speakers = ["Interviewer", f"Expert {seed % 50 + 1}"]
    out, n, t, turns = [], 0, 0, 0
    while n < words:
        who = speakers[turns % 2]
        length = rng.randint(8, 30) if who == "Interviewer" else rng.randint(40, 220)
        lines, line = [], []
        for _i in range(length):
            line.append(rng.choice(vocab))
            if len(line) >= 14:
                lines.append(" ".join(line))
                line = []
        if line:
            lines.append(" ".join(line))
        body = "\n".join(lines).capitalize() + ("?" if who == "Interviewer" else ".")
        out.append(f"[{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}] {who}: {body}")
        n += length
        t += length // 2
        turns += 1
    path.write_text("\n\n".join(out) + "\n", encoding="utf-8")
    return turns


def naive_parse(path: Path) -> int:
    """The baseline: read line by line, a regex per line, count labelled lines as turns."""
    turns = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if NAIVE.match(line):
                turns += 1
    return turns


def per_word_import(tmp: Path, words: int, repeats: int = 3) -> float:
    """Return the best seconds per word of importing one transcript of ``words`` words into a fresh
    project."""
    best = float("inf")
    for r in range(repeats):
        f = tmp / f"size-{words}-{r}.txt"
        make_transcript(f, words, seed=1000 + r)
        db = open_project(tmp / f"size-{words}-{r}.qda.sqlite")
        t0 = time.perf_counter()
        outcomes = import_transcripts([str(f)], db)
        best = min(best, time.perf_counter() - t0)
        assert outcomes[0].status == "ok", outcomes[0].reason
        db.conn.close()
    return best / words


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--words", type=int, default=10_000)
    ap.add_argument("--full", action="store_true", help="200 files x 10,000 words")
    ap.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="tiny sizes, seconds not minutes (CI runs this; also BENCH_SMOKE=1)",
    )
    args = ap.parse_args()
    if args.smoke:
        args.files, args.words, args.full = 2, 1_000, False
    if args.full:
        args.files, args.words = 200, 10_000
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        files = []
        for i in range(args.files):
            f = tmp / f"t{i:04d}.txt"
            make_transcript(f, args.words, seed=i)
            files.append(f)
        total_words = args.files * args.words
        print(f"{args.files} transcripts x {args.words:,} words ({total_words:,} words)")

        t0 = time.perf_counter()
        naive_turns = sum(naive_parse(f) for f in files)
        naive_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        parsed_turns = sum(len(parse_transcript(f).turns) for f in files)
        parse_s = time.perf_counter() - t0

        from corpus import detect_language

        t0 = time.perf_counter()
        detect_language(" ".join(EN * 2))  # over 25 words: loads the statistical model
        print(
            f"(language model loaded once in {time.perf_counter() - t0:.2f} s, not counted below)"
        )
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        db = open_project(tmp / "bench.qda.sqlite")
        t0 = time.perf_counter()
        outcomes = import_transcripts([str(f) for f in files], db)
        import_s = time.perf_counter() - t0
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        assert all(o.status == "ok" for o in outcomes)
        stored = db.execute("SELECT COUNT(*) FROM turns").fetchone()[0]
        db.conn.close()

        tracemalloc.start()
        parse_transcript(files[0])
        _, peak_one = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        print(
            f"baseline (naive line regex, count only): {naive_turns:,} labelled lines in "
            f"{naive_s:.2f} s = {naive_turns / naive_s:,.0f} turns/s"
        )
        print(
            f"ours, parse only:   {parsed_turns:,} turns in {parse_s:.2f} s = "
            f"{parsed_turns / parse_s:,.0f} turns/s (ratio ours/baseline "
            f"{(parsed_turns / parse_s) / (naive_turns / naive_s):.2f})"
        )
        print(
            "ours, parse + store (text, segments, FTS, turns, speakers, cases, language per "
            f"turn): {stored:,} turns in {import_s:.2f} s = {stored / import_s:,.0f} turns/s "
            f"(ratio ours/baseline {(stored / import_s) / (naive_turns / naive_s):.3f})"
        )
        print(
            f"peak memory: process max RSS {rss_after / 1024:.0f} MB (grew "
            f"{(rss_after - rss_before) / 1024:.0f} MB during import); parsing one "
            f"{args.words:,}-word file peaks at {peak_one / 1e6:.1f} MB of Python allocations"
        )

        small = args.words
        one_x = per_word_import(tmp, small)
        ten_x = per_word_import(tmp, small * 10, repeats=2)
        print(
            f"linearity: import cost per word at 1x ({small:,} words) {one_x * 1e6:.2f} us, at 10x "
            f"({small * 10:,} words) {ten_x * 1e6:.2f} us (ratio 10x/1x {ten_x / one_x:.2f}; 1.0 = "
            "linear)"
        )


if __name__ == "__main__":
    main()
