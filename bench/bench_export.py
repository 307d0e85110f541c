"""Benchmark: evidence table of N codings to XLSX and DOCX, against ``DataFrame.to_excel`` of the
same rows.

    python bench/bench_export.py            # 10,000 codings (a minute or two)
    python bench/bench_export.py --full     # 100,000 codings, the size issue #6 names

Prints seconds and peak memory (resident-set growth, sampled every 10 ms) for: building the evidence
table, our XLSX writer, our DOCX writer, and the baseline ``df.to_excel(path, index=False)`` with
pandas' default settings, measured in the same run; then the ratios ours / baseline.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)

os.environ.setdefault("HF_HUB_OFFLINE", "1")


WORDS = (
    "consorcio innovación council technology transfer funding CONACYT NAFTA manufactura "
    "aeroespacial Querétaro Monterrey training técnicos universidades empresas política industrial "
    "clúster automotriz research patents binational agreement firms talent 🙂"
).split()


def measure(fn):
    """Run fn(); return (result, seconds, peak RSS growth in MB)."""
    proc = psutil.Process()
    base = proc.memory_info().rss
    peak = [base]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.01)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    stop.set()
    t.join()
    peak[0] = max(peak[0], proc.memory_info().rss)
    return result, seconds, (peak[0] - base) / 1e6


def build_project(path: Path, codings: int, seed: int = 7):
    """Make a project with 200 documents, a two-level codebook of 30 codes and ``codings`` codings
    by two coders."""
    from coding import add_code, apply_batch
    from corpus import Document, paragraphs_from_text, store_document
    from projectfile import open_project

    rng = random.Random(seed)
    db = open_project(path)
    docs = []
    for i in range(200):
        paras = [
            "Demo text (fictional). "
            + " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120)))
            for _ in range(30)
        ]
        text = "\n\n".join(paras)
        doc = Document(
            text=text,
            title=f"Document {i:03d}",
            source_name=f"doc{i}.txt",
            kind="policy",
            segments=paragraphs_from_text(text),
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            size=len(text.encode()),
        )
        docs.append((store_document(db, doc, segment_language=False), len(text)))
    paths = []
    for a in range(6):
        add_code(db, f"Theme {a}", definition=f"Definition of theme {a}")
        paths.append(f"Theme {a}")
        for b in range(4):
            add_code(db, f"Sub {b}", parent=f"Theme {a}")
            paths.append(f"Theme {a} > Sub {b}")
    for coder in ("ana", "ben"):
        rows = []
        for _ in range(codings // 2):
            doc_id, n = rng.choice(docs)
            s = rng.randrange(0, n - 400)
            rows.append(
                {
                    "document_id": doc_id,
                    "char_start": s,
                    "char_end": s + rng.randint(20, 400),
                    "code": rng.choice(paths),
                    "memo": "checked" if rng.random() < 0.1 else None,
                }
            )
        apply_batch(db, rows, rule="bench", coder=coder)
    return db


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--codings", type=int, default=10_000)
    ap.add_argument("--full", action="store_true", help="100,000 codings")
    ap.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="tiny sizes, seconds not minutes (CI runs this; also BENCH_SMOKE=1)",
    )
    args = ap.parse_args()
    if args.smoke:
        args.codings, args.full = 300, False
    n = 100_000 if args.full else args.codings

    from coding import codes_frame
    from exports import evidence_docx, evidence_table, evidence_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        db = build_project(tmp / "bench.qda.sqlite", n)
        print(
            f"project with {n:,} codings built in {time.perf_counter() - start:.1f} s (not timed "
            "below)"
        )
        df, t_table, m_table = measure(lambda: evidence_table(db))
        codebook = codes_frame(db)
        print(f"evidence table: {len(df):,} rows x {len(df.columns)} columns")
        _, t_base, m_base = measure(lambda: df.to_excel(tmp / "baseline.xlsx", index=False))
        _, t_xlsx, m_xlsx = measure(lambda: evidence_xlsx(df, tmp / "ours.xlsx", codebook=codebook))
        _, t_docx, m_docx = measure(lambda: evidence_docx(df, tmp / "ours.docx", codebook=codebook))
        size = {
            p: (tmp / p).stat().st_size / 1e6 for p in ("baseline.xlsx", "ours.xlsx", "ours.docx")
        }
        print(f"{'step':<38}{'seconds':>9}{'peak MB':>9}{'file MB':>9}")
        print(f"{'evidence_table (query)':<38}{t_table:>9.2f}{m_table:>9.1f}{'':>9}")
        print(
            f"{'baseline: DataFrame.to_excel default':<38}{t_base:>9.2f}{m_base:>9.1f}"
            f"{size['baseline.xlsx']:>9.1f}"
        )
        print(f"{'ours: evidence_xlsx':<38}{t_xlsx:>9.2f}{m_xlsx:>9.1f}{size['ours.xlsx']:>9.1f}")
        print(f"{'ours: evidence_docx':<38}{t_docx:>9.2f}{m_docx:>9.1f}{size['ours.docx']:>9.1f}")
        print(
            f"ratio xlsx ours/baseline: time {t_xlsx / t_base:.2f}x, memory "
            f"{m_xlsx / max(m_base, 0.1):.2f}x"
        )
        print(
            f"ratio docx ours/baseline: time {t_docx / t_base:.2f}x, memory "
            f"{m_docx / max(m_base, 0.1):.2f}x"
        )
        db.conn.close()


if __name__ == "__main__":
    main()
