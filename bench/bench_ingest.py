"""Benchmark: pages per second ingesting a folder of PDFs, against a naive single-process pdfplumber
loop.

    python bench/bench_ingest.py [--pages 300] [--workers 2] [--source ../shared/corpus/pdf]

The shared public PDFs are copied into a temporary folder until there are at least ``--pages``
pages; each copy gets a byte appended so that its SHA-256 differs (otherwise ingest would skip
it as a duplicate).  Baseline: ``pdfplumber.open(f)`` + ``page.extract_text()`` over the same
files in one process.  Ours: ``corpus.ingest`` with ``--workers`` parsing processes, writing the
project file.  Both are timed in this run; then the kept text is checked against the baseline's
(letters and digits per document, after the header/footer lines we leave out on purpose).
OCR is off on both sides: the text layers are compared (with OCR on, our parser also reads the
Federal Register's figure page 8, which has no text layer but its header; bench_ocr.py measures
OCR).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SKIP = {"empty.pdf", "password-example.pdf"}


def make_folder(source: Path, target_pages: int, out: Path) -> tuple[list[Path], int]:
    """Copy the readable PDFs of ``source`` into ``out`` (distinct hashes) until ``target_pages``;
    return files, pages."""
    import pdfplumber

    originals = []
    for f in sorted(source.glob("*.pdf")):
        if f.name in SKIP or f.stat().st_size == 0:
            continue
        with pdfplumber.open(f) as pdf:
            originals.append((f, len(pdf.pages)))
    files, pages, copy = [], 0, 0
    while pages < target_pages:
        for f, n in originals:
            dest = out / f"{f.stem}-copy{copy:03}.pdf"
            shutil.copyfile(f, dest)
            with open(dest, "ab") as fh:
                fh.write(b"\n%" + str(copy).encode() + b"\n")
            files.append(dest)
            pages += n
        copy += 1
    return files, pages


def naive(files: list[Path]) -> tuple[float, dict[str, str]]:
    """Return (seconds, text per file name) of the naive single-process loop."""
    import pdfplumber

    texts = {}
    start, cpu = time.perf_counter(), time.process_time()
    for f in files:
        with pdfplumber.open(f) as pdf:
            texts[f.name] = "\n".join(page.extract_text() or "" for page in pdf.pages)
    naive.cpu = time.process_time() - cpu
    return time.perf_counter() - start, texts


def ours(folder: Path, project: Path, workers: int) -> tuple[float, list]:
    """Return (seconds, outcomes) of corpus.ingest on the folder with ``workers`` processes."""
    from corpus.ingest import ingest
    from projectfile import open_project

    db = open_project(project)
    start = time.perf_counter()
    outcomes = ingest([str(folder)], db, workers=workers, backup=False, ocr_languages=None)
    return time.perf_counter() - start, outcomes


def parse_cpu(files: list[Path]) -> float:
    """Return the CPU seconds our parser (corpus.parse.parse_path) needs for the files in this
    process."""
    from corpus.parse import ParseOptions, parse_path

    cpu = time.process_time()
    for f in files:
        parse_path(str(f), ParseOptions(ocr_languages=None))
    return time.process_time() - cpu


def _chars(text: str) -> Counter:
    return Counter(c.casefold() for c in text if c.isalnum())


def check_text(project: Path, reference: dict[str, str]) -> float:
    """Return the lowest per-document share of the baseline's characters that we keep or
    deliberately left out."""

    from corpus import get_document, get_text, list_documents
    from projectfile import open_project

    db = open_project(project)
    worst = 1.0
    for row in list_documents(db).itertuples():
        doc = get_document(db, int(row.id))
        ref = _chars(reference[row.source_name])
        kept = _chars(get_text(db, int(row.id)))
        for _page, line in doc["metadata"].get("removed_lines", []):
            kept.update(_chars(line))
        if ref:
            worst = min(worst, sum((kept & ref).values()) / sum(ref.values()))
    return worst


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=300, help="at least this many pages (default 300)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "corpus" / "pdf")
    ap.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="tiny sizes, seconds not minutes (CI runs this; also BENCH_SMOKE=1)",
    )
    args = ap.parse_args(argv)
    if args.smoke:
        args.pages = 6
    if not args.source.is_dir():
        print(f"no PDFs at {args.source}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        folder = Path(tmp) / "pdfs"
        folder.mkdir()
        files, pages = make_folder(args.source, args.pages, folder)
        print(f"{len(files)} PDFs, {pages} pages, {os.cpu_count()} cores, {args.workers} workers")
        base_s, reference = naive(files)
        our_s, outcomes = ours(folder, Path(tmp) / "bench.qda.sqlite", args.workers)
        failed = [o for o in outcomes if o.status != "ok"]
        agreement = check_text(Path(tmp) / "bench.qda.sqlite", reference)
        our_cpu = parse_cpu(files)
    base_rate, our_rate = pages / base_s, pages / our_s
    print(
        f"baseline (naive pdfplumber extract_text, 1 process): {base_s:7.1f} s  {base_rate:6.1f} "
        "pages/s"
    )
    print(
        f"ours (corpus.ingest, {args.workers} workers, stored + indexed): {our_s:7.1f} s  "
        f"{our_rate:6.1f} pages/s"
    )
    print(f"ratio: {our_rate / base_rate:.2f}x")
    print(
        "CPU seconds per page, one process (independent of other load on the machine): baseline "
        f"{naive.cpu / pages:.3f}, our parser {our_cpu / pages:.3f}, ratio "
        f"{naive.cpu / our_cpu:.2f}x"
    )
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"text kept: lowest per-document share of the baseline's characters = {agreement:.4f}; "
        f"files not ok: {len(failed)}"
    )
    return 0 if not failed and agreement >= 0.99 else 2


if __name__ == "__main__":
    sys.exit(main())
