"""UI speed in a real browser (headless Chromium): Code page first render and selection-to-highlight
round trip; reload to working state and search hit to coded span, against the app before this work.

Ours: the Code page paged by PDF page, on a document of --pages pages (default 100).  Baseline: the
same page showing the whole document on one screen (``?view=whole`` or the Project setting; what a
reader without paging does). Baseline for the round trip: the same selection and quick key on the
whole-document view. Targets: first render < 1.5 s, selection -> visible highlight < 500 ms.

Session part (``--part session``, see bench/_ui_session.py): the same person's working day run on
today's app and, from a git worktree of ``--before`` (default e730cb9, the app before issue 11),
the app as it was, in the same run: user actions (clicks + keys) and seconds to (a) get back to the
working state after a reload (project, coder, page, scroll position) and (b) find a passage by
search and code it.

    python bench/bench_ui.py [--part render|session|all] [--pages 100] [--chars-per-page 3000]
                       [--repeat 5] [--before e730cb9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ui"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_helpers import chromium_page, select_text, streamlit_server, wait_idle
from ui_data import make_document


def build_project(path: Path, pages: int, chars_per_page: int) -> None:
    """Write a project with one long fictional report of ``pages`` pages and one code."""
    import coding
    from projectfile import open_project

    sentence = (
        "The fictional US–Mexico consortium council discussed supplier development and training. "
    )
    per_page = max(1, chars_per_page // (len(sentence) * 3))
    paras = [f"[p{p + 1}.{i + 1}] " + sentence * 3 for p in range(pages) for i in range(per_page)]
    db = open_project(path)
    make_document(db, "Long report (fictional)", paras, pages=pages)
    code_id = coding.add_code(db, "Supplier development", color="#4e79a7")
    coding.pin_quick_key(db, "tester", 1, code_id)  # quick keys are pinned per coder
    db.conn.close()


def first_render(page, url: str, query: str = "") -> float:
    """Seconds from loading the app at the Code page to the reader showing its text (cold: new
    session)."""
    t0 = time.perf_counter()
    page.goto(f"{url}/code{query}")
    page.locator("[data-testid='qda-reader']").filter(has_text="[p1.1]").first.wait_for(
        timeout=120_000
    )
    took = time.perf_counter() - t0
    wait_idle(page, timeout=120_000)
    return took


def navigate_render(page, url: str, whole: bool) -> float:
    """Seconds from clicking 'Code' in the sidebar (app already loaded) to the reader showing its
    text."""
    page.goto(url)
    wait_idle(page)
    if whole:
        page.get_by_text("Settings", exact=True).click()
        page.get_by_text("Show whole documents on one screen").click()
        wait_idle(page)
    t0 = time.perf_counter()
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text="Code").first.click()
    page.locator("[data-testid='qda-reader']").filter(has_text="[p1.1]").first.wait_for(
        timeout=120_000
    )
    took = time.perf_counter() - t0
    wait_idle(page, timeout=120_000)
    return took


def round_trip(page, needle: str) -> float:
    """Seconds from the quick key on a mouse selection to the highlight being visible."""
    select_text(page, needle)
    wait_idle(page)
    t0 = time.perf_counter()
    page.keyboard.press("1")
    page.locator("[data-testid='qda-reader'] mark").filter(has_text=needle).first.wait_for(
        timeout=30_000
    )
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--chars-per-page", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--part", choices=["render", "session", "all"], default="all")
    ap.add_argument("--before", default="e730cb9", help="git revision of the app to compare with")
    ap.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="tiny sizes, seconds not minutes (CI runs this; also BENCH_SMOKE=1)",
    )
    args = ap.parse_args()
    if args.smoke:
        args.part, args.pages, args.chars_per_page, args.repeat = "render", 4, 800, 1
    if args.part in ("session", "all"):
        from _ui_session import run_session_bench

        run_session_bench(args.before, repeat=max(1, min(args.repeat, 3)))
    if args.part == "session":
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.qda.sqlite"
        build_project(path, args.pages, args.chars_per_page)
        with streamlit_server(path, Path(tmp) / "server.log") as url, chromium_page() as page:
            first_render(page, url)  # warm-up: imports, component registration
            ours, base, cold, cold_base = [], [], [], []
            for _ in range(args.repeat):  # interleaved, so load on the machine hits both alike
                ours.append(navigate_render(page, url, whole=False))
                base.append(navigate_render(page, url, whole=True))
                cold.append(first_render(page, url))
                cold_base.append(first_render(page, url, "?view=whole"))
            trips, reruns = [], []
            for i in range(args.repeat):
                first_render(page, url, "?view=whole")
                reruns.append(round_trip(page, f"[p2.{i + 1}]"))
                first_render(page, url)
                trips.append(round_trip(page, f"[p1.{i + 1}]"))
    o, b = statistics.median(ours), statistics.median(base)
    t, r = statistics.median(trips), statistics.median(reruns)
    c, cb = statistics.median(cold), statistics.median(cold_base)
    print(
        f"Code page first render, {args.pages}-page document, opened from the sidebar (median of "
        f"{args.repeat}):"
    )
    print(f"  baseline (whole document on one screen): {b * 1000:8.0f} ms")
    print(
        f"  ours (paged):                            {o * 1000:8.0f} ms   ratio ours/baseline "
        f"{o / b:.2f}   target < 1500 ms: {'ok' if o < 1.5 else 'MISSED'}"
    )
    print("Same, cold (new browser session loading the app at /code):")
    print(f"  baseline (whole document on one screen): {cb * 1000:8.0f} ms")
    print(
        f"  ours (paged):                            {c * 1000:8.0f} ms   ratio ours/baseline "
        f"{c / cb:.2f}"
    )
    print("Mouse selection + quick key -> visible highlight (median):")
    print(f"  baseline (whole document on one screen): {r * 1000:8.0f} ms")
    print(
        f"  ours (paged):                            {t * 1000:8.0f} ms   ratio ours/baseline "
        f"{t / r:.2f}   target < 500 ms: {'ok' if t < 0.5 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
