"""Benchmark: importing a survey CSV of ``--rows`` respondents, against pandas reading the file.

    python bench/bench_survey.py [--rows 10000] [--per question|answer] [--smoke]

The CSV is generated with seed 7: an id, five attribute columns (sector, institution type, age,
years of experience, a date) and three open-ended columns filled with real sentences drawn from
the shared interview transcripts (a fixed fallback text when ../shared is absent). Baseline:
``pandas.read_csv`` of the same file. Ours: ``read_table`` + ``plan_survey`` (plan), then
``store_survey`` (store: cases, attributes, documents, turns in one transaction) and the search
index sync (index), timed separately in this run; the ratio of our total to the baseline is
printed. Target on the project's machine: 10,000 rows in under 10 s in total.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)

FALLBACK = (
    "The consortium trained technicians for the suppliers. Funding came late every year. "
    "We lost engineers to Texas. The council met twice and nothing changed. Universities "
    "wanted partners for their students. Paperwork took months."
)
QUESTIONS = ["Why did you join?", "What held you back?", "What would you change?"]


def sentences(source: Path) -> list[str]:
    """Return the sentences of the shared interviews (or the fallback text)."""
    folder = source / "interviews"
    text = (
        " ".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.glob("*.txt"))
        if folder.is_dir()
        else FALLBACK
    )
    found = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 30 <= len(s.strip()) <= 300]
    return [re.sub(r"^\S+:\s*", "", s) for s in found] or [FALLBACK]


def make_csv(rows: int, pool: list[str]) -> bytes:
    """Return a survey CSV of ``rows`` respondents (seed 7)."""
    rng = random.Random(7)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["id", "Sector", "Institution", "Age", "Years", "Answered", *QUESTIONS])
    for i in range(1, rows + 1):
        w.writerow(
            [
                f"R{i:05d}",
                rng.choice(["Industry", "Academia", "Government"]),
                rng.choice(["University", "Firm", "Agency", "Cluster"]),
                rng.randint(22, 70),
                rng.randint(0, 40),
                f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                *(" ".join(rng.sample(pool, rng.randint(1, 3))) for _ in QUESTIONS),
            ]
        )
    return out.getvalue().encode("utf-8")


def _store_with_trigger(tmp: Path, plan, data: bytes) -> float:
    """Time ``store_survey`` in a fresh project with every segment indexed by the FTS trigger."""
    import corpus.store
    from corpus import sha256_bytes
    from interviews import store_survey
    from projectfile import open_project

    db = open_project(tmp / "trigger.qda.sqlite")
    saved, corpus.store.BULK_FTS_MIN = corpus.store.BULK_FTS_MIN, 10**12
    try:
        t0 = time.perf_counter()
        store_survey(db, plan, sha256_bytes(data))
        return time.perf_counter() - t0
    finally:
        corpus.store.BULK_FTS_MIN = saved
        db.conn.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--per", choices=("question", "answer"), default="question")
    ap.add_argument("--source", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--smoke", action="store_true", help="200 rows (CI)")
    ap.add_argument(
        "--compare-trigger",
        action="store_true",
        help="also store with the per-row FTS trigger (the path before the bulk one), same run",
    )
    args = ap.parse_args()
    if args.smoke:
        args.rows = 200
    import pandas as pd

    from corpus import sha256_bytes, sync_search_index
    from interviews import plan_survey, read_table, store_survey
    from projectfile import open_project

    data = make_csv(args.rows, sentences(Path(args.source)))
    t0 = time.perf_counter()
    frame = pd.read_csv(io.BytesIO(data))
    baseline = time.perf_counter() - t0
    assert len(frame) == args.rows
    attributes = {
        "Sector": "category",
        "Institution": "category",
        "Age": "number",
        "Years": "number",
        "Answered": "date",
    }
    with tempfile.TemporaryDirectory() as tmp:
        db = open_project(Path(tmp) / "bench.qda.sqlite")
        t0 = time.perf_counter()
        plan = plan_survey(read_table(data, "survey.csv"), "id", attributes, QUESTIONS, args.per)
        t_plan = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = store_survey(db, plan, sha256_bytes(data))
        t_store = time.perf_counter() - t0
        t0 = time.perf_counter()
        index_status = sync_search_index(db)
        t_index = time.perf_counter() - t0
        db.conn.close()
        t_trigger = _store_with_trigger(Path(tmp), plan, data) if args.compare_trigger else None
    total = t_plan + t_store + t_index
    print(f"rows {args.rows}, per {args.per}: {report.cases_new} cases, {report.values} values,")
    bad = len(report.bad_rows)
    print(f"  {len(report.documents)} documents, {report.answers} answers, bad rows {bad}")
    print(f"baseline pandas.read_csv   {baseline:8.3f} s")
    print(f"ours: plan                 {t_plan:8.3f} s")
    print(f"ours: store                {t_store:8.3f} s")
    print(f"ours: search index sync    {t_index:8.3f} s  ({index_status})")
    print(
        f"ours: total                {total:8.3f} s  (ratio {total / baseline:.1f}x the baseline)"
    )
    if t_trigger is not None:
        print(
            f"store, per-row FTS trigger {t_trigger:8.3f} s  (bulk FTS path:"
            f" {t_trigger / t_store:.1f}x faster)"
        )
    print(f"target: total < 10 s for 10,000 rows -> {'met' if total < 10 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
