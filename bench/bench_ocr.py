"""Benchmark: OCR of scanned pages through ingest, pages per second with 1 and 2 workers, and the
character error rate against the text the pages were made from.

    python bench/bench_ocr.py [--pages 6]

The pages are the reproducible scans of the OCR tests (``tests/corpus/scan_fixtures.py``):
text we wrote in Spanish and English, drawn at 200 dpi, skewed 0.8 degrees, blurred and
speckled, one image-only PDF per page.  Baselines measured in the same run on the same pages:

- tesseract alone: the ``tesseract`` command on each page image already rendered (no PDF, no
  ingest, no storage): the engine's own speed, the ceiling for ours;
- pytesseract: ``pytesseract.image_to_data`` on the same images, the wrapper we did not pick
  (it writes each page image and its text to files in the shared temporary folder).

Ours is ``corpus.ingest`` of the folder (render with pypdfium2, tesseract per page in the
worker, layout, language, store and index) with 1 and 2 worker processes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)

sys.path.insert(0, str(ROOT / "tests" / "corpus"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def make_pages(folder: Path, count: int) -> dict[str, str]:
    """Write ``count`` one-page scanned PDFs into ``folder``; return {file name: known text}."""
    from scan_fixtures import ENGLISH, SPANISH, make_scanned_pdf

    known = {}
    for i in range(count):
        lines = SPANISH if i % 2 == 0 else ENGLISH
        name = f"scan-{i:02}-{'es' if i % 2 == 0 else 'en'}.pdf"
        # a page number line makes each file's bytes (and hash) differ
        make_scanned_pdf(folder / name, [[*lines, f"Página {i + 1}"]])
        known[name] = "\n".join([*lines, f"Página {i + 1}"])
    return known


def cpu() -> float:
    """Return CPU seconds used by this process and its finished children (workers, tesseract)."""
    import resource

    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def tesseract_alone(folder: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    """Return (seconds, CPU seconds) of the tesseract command and of pytesseract on the images."""
    import pypdfium2

    from corpus.pdf.ocr import OCR_DPI, render_page

    images = []
    for f in sorted(folder.glob("*.pdf")):
        pdf = pypdfium2.PdfDocument(str(f))
        images.append(render_page(pdf, 0, OCR_DPI))
        pdf.close()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory(prefix="bench-ocr-img-") as tmp:
        paths = []
        for i, img in enumerate(images):
            paths.append(Path(tmp) / f"{i}.png")
            img.save(paths[-1])
        start, used = time.perf_counter(), cpu()
        for p in paths:
            subprocess.run(
                ["tesseract", str(p), "stdout", "-l", "eng+spa", "--psm", "3", "tsv"],
                capture_output=True,
                check=True,
                env=env,
            )
        cli = (time.perf_counter() - start, cpu() - used)
    wrapped = (float("nan"), float("nan"))
    try:
        import pytesseract

        os.environ["OMP_THREAD_LIMIT"] = "1"
        start, used = time.perf_counter(), cpu()
        for img in images:
            pytesseract.image_to_data(img, lang="eng+spa", config="--psm 3")
        wrapped = (time.perf_counter() - start, cpu() - used)
    except ImportError:
        pass
    return cli, wrapped


def ours(folder: Path, workers: int, known: dict[str, str]) -> tuple[float, float, list[float]]:
    """Return (seconds, CPU seconds, character error rate per page) of corpus.ingest with
    ``workers``."""
    from scan_fixtures import cer

    from corpus import get_pages, get_text, list_documents
    from corpus.ingest import ingest
    from projectfile import open_project

    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        db = open_project(Path(tmp) / "bench.qda.sqlite")
        start, used = time.perf_counter(), cpu()
        outcomes = ingest([str(folder)], db, workers=workers, backup=False)
        seconds, cpu_s = time.perf_counter() - start, cpu() - used
        bad = [o for o in outcomes if o.status != "ok"]
        if bad:
            raise SystemExit(f"ingest failed: {bad}")
        rates = []
        for row in list_documents(db).itertuples():
            pages = get_pages(db, int(row.id))
            assert list(pages.source) == ["ocr"], row.source_name
            text = get_text(db, int(row.id))
            rates.append(cer(known[row.source_name], text))
        db.conn.close()
    return seconds, cpu_s, rates


def parse_cpu(folder: Path) -> float:
    """Return the CPU seconds our parser needs for the files in this process, tesseract included
    (render, OCR, layout, languages; what one worker spends per file)."""
    from corpus.parse import parse_path

    used = cpu()
    for f in sorted(folder.glob("*.pdf")):
        parse_path(str(f))
    return cpu() - used


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=6, help="scanned pages (default 6)")
    ap.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="tiny sizes, seconds not minutes (CI runs this; also BENCH_SMOKE=1)",
    )
    args = ap.parse_args(argv)
    if args.smoke:
        args.pages = 1
    from corpus import tesseract_languages

    if not {"eng", "spa"} <= tesseract_languages():
        print("tesseract with eng and spa is not installed: install tesseract-ocr", file=sys.stderr)
        return 1
    folder = Path(tempfile.mkdtemp(prefix="bench-ocr-pdfs-"))
    try:
        known = make_pages(folder, args.pages)
        n = len(known)
        print(f"{n} scanned pages (200 dpi, skew, blur, speckle), {os.cpu_count()} cores")
        cli, wrapped = tesseract_alone(folder)
        rows = [("tesseract command alone (baseline), 1 process", *cli, "")]
        rows.append(("pytesseract (not used), 1 process", *wrapped, ""))
        ours_cpu = parse_cpu(folder)
        for workers in (1, 2):
            seconds, _, rates = ours(folder, workers, known)
            note = f"CER mean {sum(rates) / len(rates):.4f} max {max(rates):.4f}"
            rows.append((f"ours: corpus.ingest, {workers} worker(s)", seconds, ours_cpu, note))
        print(
            "wall pages/s depend on the machine's load; CPU s/page do not (much). Ours: CPU of"
            " parse_path in this process (workers run under a forkserver, outside our rusage)"
        )
        for label, seconds, cpu_s, note in rows:
            print(
                f"{label:48} {n / seconds:5.2f} pages/s  {cpu_s / n:5.2f} CPU s/page"
                f"  (CPU ratio vs baseline {cli[1] / cpu_s:4.2f}x)  {note}"
            )
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
