"""Benchmark of coding queries: ours (SQL interval joins on indexes) against a naive pandas
baseline.

    python bench/bench_coding.py                   # 100 documents, 500 codes, 100,000 codings
    python bench/bench_coding.py --codings 20000   # smaller, quicker

Prints p50/p95 of retrieval with children, a boolean AND query, the co-occurrence matrix and the
code x case matrix, the naive baseline (load all codings into pandas, compare every pair) for each,
the ratio, and the time of one ``code_span`` write.  Cases: every document is a synthetic interview
parsed and stored by ``interviews``: an interviewer and one interviewee whose case is the
document's case, so the code x case matrix reads real cases, as in a project.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)

WORDS = (
    "consortium council funding innovation talent training transfer technology policy industry "
    "cluster university firm state federal binational agreement research development manufacturing "
    "export"
).split()


def build(
    path: Path, n_docs: int, n_codes: int, n_codings: int, paragraphs: int = 120, seed: int = 7
) -> None:
    """Create a project with synthetic interviews (one case each), a two-level codebook and random
    codings by two coders."""
    import coding
    from interviews import parse_transcript, store_transcript
    from projectfile import open_project

    rng = random.Random(seed)
    db = open_project(path)
    doc_ids = []
    for i in range(n_docs):
        data = "\n\n".join(
            ("Interviewer: " if k % 2 else "Interviewee: ")
            + " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 60)))
            + "."
            for k in range(paragraphs)
        ).encode()
        doc_id = store_transcript(
            db,
            parse_transcript(f"doc{i}.txt", data=data),
            data,
            title=f"Doc {i:03d}",
            roles={"Interviewer": "interviewer", "Interviewee": "interviewee"},
            cases={"Interviewer": None, "Interviewee": f"Case {i:03d}"},
        )
        n = db.execute(
            "SELECT length(text) FROM document_texts WHERE document_id = ?", [doc_id]
        ).fetchone()[0]
        doc_ids.append((doc_id, n))
    tops = max(1, n_codes // 10)
    paths = []
    for t in range(tops):
        coding.add_code(db, f"Theme {t}")
        paths.append(f"Theme {t}")
        for c in range(n_codes // tops - 1):
            coding.add_code(db, f"Sub {c}", parent=f"Theme {t}")
            paths.append(f"Theme {t} > Sub {c}")
    per_coder = {"ana": [], "ben": []}
    for k in range(n_codings):
        doc, n = doc_ids[k % n_docs]
        s = rng.randrange(0, n - 500)
        per_coder["ana" if k % 2 else "ben"].append(
            {
                "document_id": doc,
                "char_start": s,
                "char_end": s + rng.randint(20, 400),
                "code": rng.choice(paths),
            }
        )
    for coder, rows in per_coder.items():
        coding.apply_batch(db, rows, rule="bench", coder=coder)
    db.conn.execute("ANALYZE")
    db.conn.close()


def timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, result


# ---- naive baselines: load every coding, compare pairs in pandas/numpy
# ------------------------------------------


def load_all(db) -> pd.DataFrame:
    return pd.read_sql_query(
        "SELECT c.id, c.document_id, c.char_start, c.char_end, c.code_id, k.parent_id FROM codings "
        "c JOIN codes k ON k.id = c.code_id WHERE c.deleted_at IS NULL",
        db.conn,
    )


def naive_retrieve(db, code_id: int) -> pd.DataFrame:
    df = load_all(db)
    texts = dict(db.execute("SELECT document_id, text FROM document_texts").fetchall())
    sel = df[(df["code_id"] == code_id) | (df["parent_id"] == code_id)].copy()
    sel["text"] = [
        texts[d][s:e] for d, s, e in zip(sel["document_id"], sel["char_start"], sel["char_end"])
    ]
    return sel


def naive_and(db, a: int, b: int) -> int:
    df = load_all(db)
    pairs = df[df["code_id"] == a].merge(df[df["code_id"] == b], on="document_id")
    return int(
        (
            (pairs["char_start_y"] < pairs["char_end_x"])
            & (pairs["char_end_y"] > pairs["char_start_x"])
        ).sum()
    )


def naive_cooccurrence(db) -> pd.DataFrame:
    df = load_all(db)
    codes = sorted(df["code_id"].unique())
    index = {c: i for i, c in enumerate(codes)}
    m = np.zeros((len(codes), len(codes)), dtype=np.int64)
    for _, g in df.groupby("document_id"):
        s, e, c = (
            g["char_start"].to_numpy(),
            g["char_end"].to_numpy(),
            g["code_id"].map(index).to_numpy(),
        )
        ov = (s[:, None] < e[None, :]) & (e[:, None] > s[None, :])
        np.fill_diagonal(ov, False)
        ii, jj = np.nonzero(ov)
        keep = c[ii] != c[jj]
        np.add.at(m, (c[ii][keep], c[jj][keep]), 1)
    return pd.DataFrame(m, index=codes, columns=codes)


def naive_code_case(db, cases: pd.DataFrame) -> pd.DataFrame:
    """The case rule done naively: each coding's case is the case of the turn holding its start
    (bisect per coding), else the document's cases; coded characters as a set per code and case."""
    import bisect

    from interviews import turns_frame

    turns = turns_frame(db)
    per_doc = {
        int(d): (g["char_start"].tolist(), g["char_end"].tolist(), g["case_id"].tolist())
        for d, g in turns.sort_values("char_start").groupby("document_id")
    }
    doc_cases = cases.groupby("document_id")["case_id"].apply(list).to_dict()
    rows = []
    for r in load_all(db).itertuples(index=False):
        starts, ends, ids = per_doc.get(int(r.document_id), ([], [], []))
        k = bisect.bisect_right(starts, r.char_start) - 1
        if k >= 0 and r.char_start < ends[k]:
            owners = [ids[k]]
        elif k + 1 < len(starts) and starts[k + 1] < r.char_end:
            owners = [ids[k + 1]]
        else:
            owners = doc_cases.get(int(r.document_id), [])
        rows += [(r.code_id, c, r.char_start, r.char_end) for c in owners if pd.notna(c)]
    df = pd.DataFrame(rows, columns=["code_id", "case_id", "char_start", "char_end"])
    out = []
    for (code, case), g in df.groupby(["code_id", "case_id"]):
        covered = set()
        for s, e in zip(g["char_start"], g["char_end"]):
            covered.update(range(s, e))
        out.append((code, case, len(g), len(covered)))
    return pd.DataFrame(out, columns=["code_id", "case_id", "codings", "coded_chars"])


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--documents", type=int, default=100)
    ap.add_argument("--codes", type=int, default=500)
    ap.add_argument("--codings", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--baseline-repeat", type=int, default=3)
    ap.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="tiny sizes, seconds not minutes (CI runs this; also BENCH_SMOKE=1)",
    )
    args = ap.parse_args()
    if args.smoke:
        args.documents, args.codes, args.codings = 8, 40, 1_000
        args.repeat, args.baseline_repeat = 2, 1
    if args.codes < 40:
        ap.error("--codes must be at least 40 (the queries use 'Theme 3 > Sub 2')")

    import coding
    import coding.matrices as matrices
    from coding import query_and, retrieve
    from coding.matrices import code_case_frame, cooccurrence
    from interviews import document_cases
    from projectfile import open_project

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.qda.sqlite"
        t = time.perf_counter()
        build(path, args.documents, args.codes, args.codings)
        print(
            f"built {args.documents} documents, {args.codes} codes, {args.codings} codings in "
            f"{time.perf_counter() - t:.1f} s"
        )
        db = open_project(path)
        cases = document_cases(db)
        theme = coding.resolve_code(db, "Theme 1")
        a, b = (
            coding.resolve_code(db, "Theme 2 > Sub 1"),
            coding.resolve_code(db, "Theme 3 > Sub 2"),
        )
        checks = [
            (
                "retrieval with children",
                lambda: retrieve(db, theme, children=True),
                lambda: naive_retrieve(db, theme),
                lambda ours, base: len(ours) == len(base),
            ),
            (
                "boolean A AND B",
                lambda: query_and(db, a, b),
                lambda: naive_and(db, a, b),
                lambda ours, base: len(ours) == base,
            ),
            (
                "co-occurrence matrix",
                lambda: cooccurrence(db),
                lambda: naive_cooccurrence(db),
                lambda ours, base: int(ours.to_numpy().sum()) == int(base.to_numpy().sum()),
            ),
            (
                "code x case matrix",
                lambda: code_case_frame(db),
                lambda: naive_code_case(db, cases),
                lambda ours, base: int(ours["coded_chars"].sum()) == int(base["coded_chars"].sum()),
            ),
        ]
        print(
            "cold = every call reads the codings (matrix cache off); warm = page reruns with no "
            "write in between"
        )
        print(
            f"{'query':26} {'cold p50':>10} {'cold p95':>10} {'warm p95':>10} {'naive p50':>10} "
            f"{'ratio':>8}  same result"
        )
        for name, ours_fn, base_fn, same in checks:
            matrices.USE_CACHE = False
            o50, o95, ours = timed(ours_fn, args.repeat)
            matrices.USE_CACHE = True
            ours_fn()
            _w50, w95, _ = timed(ours_fn, args.repeat)
            b50, _b95, base = timed(base_fn, args.baseline_repeat)
            flag = "yes" if same(ours, base) else "NO"
            verdict = "ok" if o95 < 200 else "over 200 ms"
            print(
                f"{name:26} {o50:8.1f}ms {o95:8.1f}ms {w95:8.1f}ms {b50:8.1f}ms {b50 / o50:7.1f}x  "
                f"{flag}  ({verdict})"
            )
        doc = db.execute("SELECT id FROM documents LIMIT 1").fetchone()[0]
        counter = iter(range(10**6))
        w50, w95, _ = timed(
            lambda: coding.code_span(db, doc, next(counter), 600, "Theme 0", "cleo"), args.repeat
        )
        print(f"{'code_span write':26} {w50:8.1f}ms {w95:8.1f}ms")
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        db.conn.close()


if __name__ == "__main__":
    main()
