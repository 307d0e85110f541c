"""Benchmark: memory and time of hostile and large inputs, per input MB (issue 15).

    python bench/bench_limits.py [--quick]

Inputs come from the generators in tests/reliability/hostile_inputs.py.  Each file is ingested
with ``--workers 1`` semantics (one limited worker process) and the peak RSS of the parsing
process is polled with psutil; imports run in a fresh child process whose own peak RSS
(``ru_maxrss``) is read.  Printed: input size, outcome, seconds, peak RSS, and RSS per input MB
(the slope between two sizes of the same input, so the baseline process is not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)

sys.path.insert(0, str(ROOT / "tests"))  # raw_pdf, which hostile_inputs writes PDFs with
sys.path.insert(0, str(ROOT / "tests" / "reliability"))

MB = 1024 * 1024


def ingest_probe(path: Path, project: Path) -> dict:
    from hostile_inputs import PeakRSS

    from corpus.ingest import ingest
    from projectfile import open_project

    db = open_project(project)
    start = time.perf_counter()
    with PeakRSS() as peak:
        (out,) = ingest([str(path)], db, workers=1, backup=False)
    db.conn.close()
    return {
        "status": out.status,
        "reason": out.reason[:90],
        "seconds": time.perf_counter() - start,
        "peak_mb": peak.peak_children / MB,
        "caller_mb": peak.peak_self / MB,
    }


IMPORT = """
import json, resource, sys, time


def _hwm_mb():  # this process image only (ru_maxrss keeps the forking parent's peak)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


sys.path.insert(0, {root!r})
from exports import import_qdpx, ImportFileError
t = time.perf_counter()
try:
    rep = import_qdpx(sys.argv[1], sys.argv[2]); status, reason = "ok", ""
except ImportFileError as exc:
    status, reason = "refused", str(exc)[:90]
print(json.dumps({{"status": status, "reason": reason, "seconds": time.perf_counter() - t,
                  "peak_mb": _hwm_mb()}}))
"""


def import_probe(path: Path, project: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", IMPORT.format(root=str(ROOT)), str(path), str(project)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def row(label: str, size_mb: float, r: dict) -> dict:
    r = {"input": label, "input_mb": size_mb, **r}
    print(
        f"{label:38} {size_mb:8.1f} MB  {r['status']:8} {r['seconds']:7.1f} s"
        f"  peak {r['peak_mb']:7.0f} MB  {r.get('reason', '')}"
    )
    return r


def slope(a: dict, b: dict) -> float:
    return (b["peak_mb"] - a["peak_mb"]) / max(1e-9, b["input_mb"] - a["input_mb"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="small sizes only (a minute)")
    ap.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="tiny sizes, seconds not minutes (CI runs this; also BENCH_SMOKE=1)",
    )
    args = ap.parse_args(argv)
    from hostile_inputs import (
        docx_markup_bomb,
        one_line_text,
        pdf_bomb,
        qdpx_many_codes,
        qdpx_text_bomb,
    )

    quick = args.quick or args.smoke
    text_sizes = (1, 3) if args.smoke else (5, 20) if args.quick else (10, 40)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-limits-") as tmp:
        t = Path(tmp)

        def proj(name: str) -> Path:
            return t / f"{name}.qda.sqlite"

        txt = []
        for mb in text_sizes:
            f = one_line_text(t / f"line{mb}.txt", mb)
            txt.append(row(f"one-line TXT ({mb} MB)", mb, ingest_probe(f, proj(f"t{mb}"))))
        results += txt
        if not args.smoke:
            f = one_line_text(t / "line100.txt", 100)
            results += [row("one-line TXT (100 MB)", 100, ingest_probe(f, proj("t100")))]
        print(f"  -> one-line TXT: ratio {slope(*txt):.1f} MB of RSS per input MB (linear)")
        stream = 2 if args.smoke else 20 if quick else 200
        f = pdf_bomb(t / "bomb.pdf", stream)
        size = f.stat().st_size / MB
        results.append(
            row(f"PDF, stream inflating to {stream} MB", size, ingest_probe(f, proj("p")))
        )
        docx = []
        for mb in (1, 2) if args.smoke else (5, 10) if quick else (10, 40):
            f = docx_markup_bomb(t / f"markup{mb}.docx", mb)
            size = f.stat().st_size / MB
            docx.append(row(f"DOCX with {mb} MB of XML", size, ingest_probe(f, proj(f"d{mb}"))))
        results += docx
        qd = []
        for mb in (1, 2) if args.smoke else (2, 4) if quick else (4, 12):
            f = qdpx_text_bomb(t / f"text{mb}.qdpx", mb)
            size = f.stat().st_size / MB
            qd.append(row(f"QDPX, one source of {mb} MB", mb, import_probe(f, proj(f"q{mb}"))))
        print(f"  -> QDPX import: ratio {slope(*qd):.1f} MB of RSS per MB of source text")
        results += qd
        if not args.smoke:
            f = qdpx_text_bomb(t / "text480.qdpx", 20, sources=1)
            results.append(
                row("QDPX, one source of 20 MB (over cap)", 20, import_probe(f, proj("qb")))
            )
        for n in (200,) if args.smoke else (1000, 2000) if quick else (1000, 2000, 4000):
            f = qdpx_many_codes(t / f"codes{n}.qdpx", n)
            results.append(
                row(f"QDPX with {n} codes", f.stat().st_size / MB, import_probe(f, proj(f"c{n}")))
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
