"""Benchmark of entity extraction: ours (NER-only pipeline, ``nlp.pipe`` batches, optional
processes) against a naive per-paragraph ``nlp(text)`` loop with the full English pipeline, on
the same fictional text.

    python bench/bench_entities.py  # 1,500 paragraphs (~50,000 words), 1 process
    python bench/bench_entities.py --paragraphs 10000 --n-process 2

Prints words/s of the baseline and ours, the ratio, and whether both found exactly the same entities
(character offsets and labels).  Also times the full project path (``extract_entities`` into a
temporary project file, with the gazetteer) and an incremental re-run.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)

PEOPLE = [
    "María González",
    "John Miller",
    "Roberto Salinas",
    "Sarah Johnson",
    "Ana Ruiz",
    "David Chen",
    "Lucía Hernández",
]
ORGS = [
    "General Electric",
    "Siemens",
    "the University of Texas",
    "Honeywell",
    "Bosch",
    "the World Bank",
    "Intel",
    "CONACYT",
]
PLACES = [
    "Monterrey",
    "Querétaro",
    "Texas",
    "Mexico City",
    "Chihuahua",
    "California",
    "Guadalajara",
    "Washington",
]
TEMPLATES = [
    "{p} met officials from {o} in {l} to discuss the advanced manufacturing consortium.",
    "In {y}, {o} opened a design centre in {l} with support from the state government.",
    "According to {p}, the binational innovation council approved {n} new projects last year.",
    "The consortium trained {n} technicians in {l}, and {o} hired most of them.",
    "Under NAFTA, exports from {l} grew by {n} percent, {p} said in the interview.",
    "Funding from {o} arrived late, so the laboratory in {l} waited until {y}.",
]


def make_paragraphs(n: int, seed: int = 11) -> list[str]:
    """Return ``n`` deterministic fictional paragraphs of three to five sentences."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        out.append(
            " ".join(
                rng.choice(TEMPLATES).format(
                    p=rng.choice(PEOPLE),
                    o=rng.choice(ORGS),
                    l=rng.choice(PLACES),
                    y=rng.randint(1994, 2024),
                    n=rng.randint(2, 90),
                )
                for _ in range(rng.randint(3, 5))
            )
        )
    return out


def ents(doc) -> list[tuple[int, int, str]]:
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def quality() -> int:
    """Print entity quality before/after the bundled places on the hand-annotated sets."""
    from nlp.evaluation import GOLD_DIR, gazetteer_effect, load_gold

    for lang in ("en", "es"):
        n = len(load_gold(GOLD_DIR / f"{lang}.jsonl"))
        print(f"\n{lang}: {n} sentences (bench/ner_gold/{lang}.jsonl), model alone vs + places")
        print(gazetteer_effect(lang).to_string(index=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--paragraphs", type=int, default=1500)
    ap.add_argument("--n-process", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument(
        "--rounds", type=int, default=5, help="baseline and ours alternate over this many slices"
    )
    ap.add_argument(
        "--quality",
        action="store_true",
        help="print P/R/F1 per label on bench/ner_gold/{en,es}.jsonl without and with the bundled"
        " places gazetteer, then stop",
    )
    ap.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="tiny sizes, seconds not minutes (CI runs this; also BENCH_SMOKE=1)",
    )
    args = ap.parse_args(argv)
    if args.smoke:
        args.paragraphs, args.rounds = 40, 2
    if args.quality:
        return quality()

    from nlp.pipelines import full_pipeline, ner_pipeline

    paras = make_paragraphs(args.paragraphs)
    words = sum(len(re.findall(r"\w+", p)) for p in paras)
    full, fast = full_pipeline("en"), ner_pipeline("en", places=False)
    full("warm up"), fast("warm up")
    print(
        f"{len(paras)} paragraphs, {words} words; full pipeline {full.pipe_names}; ours "
        f"{fast.pipe_names}"
    )

    # Interleave baseline and ours over rounds so load from other processes falls on both alike.
    kwargs = {"batch_size": args.batch_size}
    if args.n_process > 1:
        kwargs["n_process"] = args.n_process
    naive, ours, t_naive, t_ours = [], [], 0.0, 0.0
    step = max(1, len(paras) // args.rounds)
    for lo in range(0, len(paras), step):
        part = paras[lo : lo + step]
        t = time.perf_counter()
        naive += [ents(full(p)) for p in part]
        t_naive += time.perf_counter() - t
        t = time.perf_counter()
        ours += [ents(d) for d in fast.pipe(part, **kwargs)]
        t_ours += time.perf_counter() - t

    same = naive == ours
    print(
        f"baseline (full pipeline, nlp(text) per paragraph): {words / t_naive:10.0f} words/s  "
        f"({t_naive:.1f} s)"
    )
    print(
        f"ours (NER only, nlp.pipe batch {args.batch_size}, n_process {args.n_process}):    "
        f"{words / t_ours:10.0f} words/s  ({t_ours:.1f} s)"
    )
    print(
        f"ratio: {t_naive / t_ours:.2f}x   same entities: {same} ({sum(map(len, ours))} mentions)"
    )

    from corpus import Document, paragraphs_from_text, sha256_bytes, store_document
    from nlp import add_entries, extract_entities
    from projectfile import open_project

    with tempfile.TemporaryDirectory() as tmp:
        db = open_project(Path(tmp) / "bench.qda.sqlite")
        for i in range(0, len(paras), 50):
            text = "\n\n".join(paras[i : i + 50])
            store_document(
                db,
                Document(
                    text=text,
                    title=f"doc {i // 50}",
                    source_name=f"d{i}.txt",
                    language="en",
                    sha256=sha256_bytes(text.encode()),
                    segments=paragraphs_from_text(text),
                ),
            )
        add_entries(
            db, [{"pattern": "CONACYT", "label": "ORG"}, {"pattern": "NAFTA", "label": "AGREEMENT"}]
        )
        t = time.perf_counter()
        rep = extract_entities(db, n_process=args.n_process, batch_size=args.batch_size)
        t_proj = time.perf_counter() - t
        t = time.perf_counter()
        again = extract_entities(db)
        t_again = time.perf_counter() - t
        print(
            f"project extraction (with gazetteer, stored): {words / t_proj:10.0f} words/s "
            f"({t_proj:.1f} s, {rep.entities} mentions); incremental re-run {t_again:.2f} s "
            f"({again.processed} segments re-run)"
        )
        db.conn.close()
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
