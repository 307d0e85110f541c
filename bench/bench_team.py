"""A team on one server (issue 22 §4): several members signed in from separate browser contexts
code, search and page through one project at once while a CLI ingest runs; every coding a
session saw highlighted must be in the project exactly once (none lost, none doubled), no page
may show an error, and the times from a quick key to its highlight and from a search to its
results are measured.

Baseline: the same loop with one member alone on the server (same run, same machine); the
ratios are p95(team) / p95(alone). Targets (issue 22): p95 coding click -> highlight < 1 s and
search -> results < 2 s with 8 members.

The project: interview-3..5 from ../shared/corpus/interviews (fictional stand-ins when that
folder is absent) and 15 codes, members with password sign-ins (``[auth.users]`` in a temporary
HOME), the server exposed (``QDA_EXPOSED=1``) with live updates on (every 2 s). One Chromium,
one context per member (Playwright's async API), driven as a person does: a selection with a
mouse-up on the reader, a quick key, a search typed into the Search page, the next part of the
document. Waits are on the app's state and the ``<mark>``, never fixed sleeps.

    python bench/bench_team.py [--sessions 8] [--minutes 5] [--baseline-minutes 1] [--no-ingest]
    python bench/bench_team.py --smoke     # 2 members, 30 s, a small ingest (CI)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ui"))
sys.path.insert(0, str(ROOT))
from browser_helpers import (  # noqa: E402
    _IDLE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    WATCH_SOCKET,
    streamlit_server,
)

import workflows  # noqa: E402,F401 (every package: all tables registered before open_project)

INTERVIEWS = Path("/work/shared/corpus/interviews")
PDFS = Path("/work/shared/corpus/pdf")
CODES = [
    "Quality > Data",
    "Quality > Model",
    "Quality > Testing",
    "Quality > Deployment",
    "Process > Requirements",
    "Process > Tools",
    "Process > Team",
    "Process > Documentation",
    "Context > Domain",
    "Context > Organisation",
    "Context > Users",
    "Challenges > Time",
    "Challenges > Skills",
    "Challenges > Cost",
    "Other",
]
SEARCHES = ["data", "model", "testing", "team", "quality", "users", "deploy*", "requirements"]
PASSWORD = "bench-password"

# JS: select a random run of words in the reader's window, away from the spans given (window
# offsets), as the mouse would, and let the reader take it (its mouse-up handler). Returns the
# text selected, or null when no free place was found.
SELECT_JS = """([root, avoid, minWords, maxWords]) => {
  const cps = Array.from(root.textContent);
  const words = [];
  let i = 0;
  while (i < cps.length) {
    while (i < cps.length && !/[\\p{L}\\p{N}]/u.test(cps[i])) i++;
    const s = i;
    while (i < cps.length && /[\\p{L}\\p{N}'’-]/u.test(cps[i])) i++;
    if (i > s) words.push([s, i]);
  }
  if (words.length < maxWords + 1) return null;
  for (let tries = 0; tries < 40; tries++) {
    const n = minWords + Math.floor(Math.random() * (maxWords - minWords + 1));
    const w = Math.floor(Math.random() * (words.length - n));
    const s = words[w][0], e = words[w + n - 1][1];
    if (avoid.some(([a, b]) => s <= b + 1 && a <= e + 1)) continue;
    const locate = (off) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let pos = 0, last = null;
      while (walker.nextNode()) {
        const node = walker.currentNode, c = Array.from(node.data);
        if (pos + c.length >= off) return [node, c.slice(0, off - pos).join('').length];
        pos += c.length; last = node;
      }
      return [last, last.data.length];
    };
    const r = document.createRange();
    const [a, ao] = locate(s), [b, bo] = locate(e);
    r.setStart(a, ao); r.setEnd(b, bo);
    const sel = document.getSelection();
    sel.removeAllRanges(); sel.addRange(r);
    root.__qdaLast = null;
    root.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
    return { text: cps.slice(s, e).join(''), s, e };
  }
  return null;
}"""

ERROR_JS = """() => !!document.querySelector("[data-testid='stException']")
  || Array.from(document.querySelectorAll("[data-testid='stAlertContentError']"))
       .some((e) => /went wrong|Traceback|locked/i.test(e.textContent))"""


@dataclass
class Figures:
    """What one run measured."""

    code_s: list[float] = field(default_factory=list)
    search_s: list[float] = field(default_factory=list)
    window_s: list[float] = field(default_factory=list)
    logged: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # an error on the page, a failed ingest
    stalls: list[str] = field(default_factory=list)  # a wait that ran out (the member goes on)
    timeouts: int = 0
    server_runs: dict[str, list[tuple[float, float]]] = field(default_factory=dict)


def build_project(folder: Path, members: list[str]) -> Path:
    """The bench project: three interviews, 15 codes, members with quick keys 1-9."""
    import coding
    from projectfile import open_project

    path = folder / "team.qda.sqlite"
    db = open_project(path)
    sources = sorted(INTERVIEWS.glob("interview-[345].txt")) if INTERVIEWS.is_dir() else []
    if not sources:  # fictional stand-ins: the shared corpus is not on this machine
        for n in (3, 4, 5):
            p = folder / f"interview-{n}.txt"
            p.write_text(_fictional_interview(n), encoding="utf-8")
            sources.append(p)
    report = workflows.import_transcripts(db, [str(p) for p in sources])
    assert all(o.status == "ok" for o in report.outcomes), report.outcomes
    ids = [coding.ensure_code_path(db, path) for path in CODES]
    coding.add_member(db, "olga", "owner", by="olga")
    for m in members:
        coding.add_member(db, m, "coder", by="olga")
        coding.set_quick_keys(db, m, {k: ids[k - 1] for k in range(1, 10)})
    db.conn.close()
    return path


def _fictional_interview(n: int) -> str:
    rng = random.Random(n)
    words = (
        "data model testing team quality users deployment requirements tools documentation "
        "domain organisation time skills cost pipeline training review release monitoring"
    ).split()
    turns = []
    for t in range(120):
        who = "Interviewer" if t % 2 == 0 else f"Expert {n}"
        turns.append(f"{who}: " + " ".join(rng.choice(words) for _ in range(40)) + ".")
    return "\n\n".join(turns)


def write_secrets(home: Path, members: list[str]) -> None:
    from ui.auth import hash_password

    (home / ".streamlit").mkdir(parents=True, exist_ok=True)
    lines = [f'{m} = "{hash_password(PASSWORD, iterations=1000)}"' for m in ["olga", *members]]
    (home / ".streamlit" / "secrets.toml").write_text("[auth.users]\n" + "\n".join(lines) + "\n")


async def idle(page, timeout: float = 60_000) -> None:
    await page.wait_for_function(_IDLE_JS, arg=250, timeout=timeout, polling=50)


async def open_page(page, title: str) -> None:
    nav = page.locator("[data-testid='stSidebarNav']")
    link = nav.get_by_role("link", name=title, exact=True)
    if not await link.is_visible():
        more = nav.get_by_text("more", exact=False)
        if await more.count():
            await more.first.click()
    await link.click()
    await (
        page.locator("[data-testid='stMain'] h1")
        .filter(has_text=title)
        .first.wait_for(timeout=60_000)
    )
    await idle(page)


async def sign_in(page, url: str, member: str) -> None:
    await page.goto(url, timeout=180_000)
    await page.get_by_label("Name", exact=True).fill(member, timeout=120_000)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await (
        page.locator("[data-testid='stSidebar']")
        .get_by_label("Coder", exact=True)
        .wait_for(timeout=120_000)
    )
    await idle(page)
    await open_page(page, "Code")


async def code_once(page, member: str, used: dict, fig: Figures, key: int, code_id: int) -> None:
    """Select free words in the reader, press the quick key, time until its <mark> shows."""
    reader = page.locator("[data-testid='qda-reader']").first
    await reader.wait_for(timeout=60_000)
    handle = await reader.element_handle()
    base = int(await reader.get_attribute("data-base") or 0)
    doc = int(await reader.get_attribute("data-doc") or 0)
    avoid = [[s - base, e - base] for s, e in used.setdefault(doc, [])]
    picked = await page.evaluate(SELECT_JS, [handle, avoid, 2, 6])
    if picked is None:
        return
    await page.wait_for_function(
        "([r, n]) => !!r.__qdaLast && r.__qdaLast.end - r.__qdaLast.start === n",
        arg=[handle, len(picked["text"])],
        timeout=10_000,
    )
    last = await reader.evaluate("r => r.__qdaLast")
    await idle(page)
    t0 = time.perf_counter()
    await page.keyboard.press(str(key))
    mark = reader.locator("mark").filter(has_text=re.compile(f"^{re.escape(picked['text'])}$"))
    try:
        await mark.first.wait_for(timeout=30_000)
    except Exception:
        fig.timeouts += 1
        used[doc].append((int(last["start"]), int(last["end"])))
        return
    fig.code_s.append(time.perf_counter() - t0)
    used[doc].append((int(last["start"]), int(last["end"])))
    fig.logged.append((member, doc, int(last["start"]), int(last["end"]), code_id))
    await idle(page)


async def search_once(page, query: str, fig: Figures) -> None:
    """Open Search, type a query, time until its results show; back to the Code page."""
    await open_page(page, "Search")
    box = page.get_by_label("Search the documents")
    await box.fill(query)
    t0 = time.perf_counter()
    await box.press("Enter")
    done = page.get_by_text("matching passages").or_(page.get_by_text("No passages match."))
    await done.first.wait_for(timeout=60_000)
    fig.search_s.append(time.perf_counter() - t0)
    await idle(page)
    await open_page(page, "Code")


async def next_window(page, fig: Figures) -> None:
    """Page on to the next part of the document (or back to the first)."""
    from playwright.async_api import expect

    nxt = page.get_by_role("button", name="▶")
    if not await nxt.count():
        return
    before = await page.locator("[data-testid='qda-reader']").first.get_attribute("data-base")
    t0 = time.perf_counter()
    if await nxt.first.is_disabled():
        await page.get_by_role("button", name="◀").first.click()
    else:
        await nxt.first.click()
    await expect(page.locator("[data-testid='qda-reader']").first).not_to_have_attribute(
        "data-base", before or "", timeout=60_000
    )
    fig.window_s.append(time.perf_counter() - t0)
    await idle(page)


async def member_loop(
    browser, url: str, member: str, seconds: float, keys: dict, fig: Figures, gate
) -> None:
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await ctx.add_init_script(WATCH_SOCKET)
    page = await ctx.new_page()
    page.on("pageerror", lambda e: fig.errors.append(f"{member}: page error {e}"))
    rng = random.Random(member)
    used: dict[int, list[tuple[int, int]]] = {}
    try:
        async with gate:  # members sign in two at a time, then all work at once
            try:
                await _sign_in_retrying(page, url, member, fig)
            except Exception:
                fig.errors.append(f"{member}: could not sign in (3 tries)")
                return
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            n += 1
            try:
                if n % 6 == 0:
                    await search_once(page, rng.choice(SEARCHES), fig)
                elif n % 6 == 3:
                    await next_window(page, fig)
                else:
                    k = rng.randint(1, 9)
                    await code_once(page, member, used, fig, k, keys[k])
                if await page.evaluate(ERROR_JS):
                    fig.errors.append(f"{member}: the page shows an error")
                    await page.screenshot(path=str(Path(tempfile.gettempdir()) / f"{member}.png"))
            except Exception as exc:  # a wait that ran out: counted, the member starts again
                fig.stalls.append(f"{member}: {type(exc).__name__}: {str(exc)[:200]}")
                try:
                    await _sign_in_retrying(page, url, member, fig)
                except Exception:
                    fig.errors.append(f"{member}: could not sign in again (3 tries)")
                    return
    finally:
        await ctx.close()


async def _sign_in_retrying(page, url: str, member: str, fig: Figures, tries: int = 3) -> None:
    for attempt in range(tries):
        try:
            await sign_in(page, url, member)
            return
        except Exception as exc:
            fig.stalls.append(f"{member}: sign-in {type(exc).__name__}: {str(exc)[:200]}")
            if attempt == tries - 1:
                raise


async def run_members(url: str, members: list[str], seconds: float, keys: dict) -> Figures:
    from playwright.async_api import async_playwright

    fig = Figures()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            gate = asyncio.Semaphore(2)
            await asyncio.gather(
                *(member_loop(browser, url, m, seconds, keys, fig, gate) for m in members)
            )
        finally:
            await browser.close()
    return fig


def check_codings(path: Path, fig: Figures, members: list[str]) -> tuple[int, int, int]:
    """Return (lost, doubled, unlogged): logged codings missing from the project, codings stored
    twice, codings stored that no session saw highlighted (a timed-out wait)."""
    from collections import Counter

    import coding
    from projectfile import open_project

    db = open_project(path)
    try:
        df = coding.codings_frame(db, coders=members)
    finally:
        db.conn.close()
    stored = Counter(
        (r.coder, int(r.document_id), int(r.char_start), int(r.char_end), int(r.code_id))
        for r in df.itertuples()
    )
    logged = Counter(fig.logged)
    lost = sum((logged - stored).values())
    doubled = sum(n - 1 for n in stored.values() if n > 1)
    unlogged = sum((stored - logged).values())
    return lost, doubled, unlogged


def p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def one_run(
    folder: Path, members: list[str], seconds: float, ingest: list[str], server_first: bool = False
) -> tuple:
    """Serve a fresh project to ``members`` for ``seconds``; return (figures, checks, cpu).

    ``server_first``: the app server and the CLI ingest run at normal priority while this process
    and the browsers it starts run at nice 10, as if the members' browsers were on their own
    computers (the CPU goes to the server first)."""
    import psutil

    import coding
    from projectfile import open_project

    folder.mkdir(parents=True, exist_ok=True)
    path = build_project(folder, members)
    db = open_project(path)
    keys = {int(r.key): int(r.id) for r in coding.quick_keys(db, members[0]).itertuples()}
    db.conn.close()
    home = folder / "home"
    write_secrets(home, members)
    times = folder / "run_times.txt"  # the server's own time per run (bench/server_timing)
    env = {
        "HOME": str(home),
        "QDA_EXPOSED": "1",
        "QDA_LIVE_SECONDS": "2",
        "QDA_BENCH_RUN_TIMES": str(times),
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "bench" / "server_timing"), os.environ.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep),
    }
    with streamlit_server(path, folder / "server.log", env=env) as url:
        server = _server_process(url)
        if server_first and server:
            server.nice(0)  # root may lower a niceness again; this process stays at 10
        cpu0 = server.cpu_times() if server else None
        proc = None
        if ingest:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    str(ROOT / "cli.py"),
                    "ingest",
                    *ingest,
                    "--project",
                    str(path),
                    "--as",
                    "olga",
                    "--quiet",
                    "--workers",
                    "1",
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                preexec_fn=(lambda: os.nice(-10)) if server_first else None,
            )
        t0 = time.monotonic()
        fig = asyncio.run(run_members(url, members, seconds, keys))
        wall = time.monotonic() - t0
        ingest_ok = None
        if proc is not None:
            out, _ = proc.communicate(timeout=900)
            ingest_ok = proc.returncode in (0, 3)  # 3: some files refused, as designed
            if not ingest_ok:
                fig.errors.append(f"CLI ingest failed: {out[-500:]}")
        cpu = None
        if server and cpu0:
            cpu1 = server.cpu_times()
            cpu = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / wall
    checks = check_codings(path, fig, members)
    fig.server_runs = _server_runs(times)
    return fig, checks, cpu, ingest_ok, psutil.getloadavg()


def _server_runs(times: Path) -> dict[str, list[tuple[float, float]]]:
    """The server's runs by kind ('page', 'fragment'): (wait s, run s) each."""
    runs: dict[str, list[tuple[float, float]]] = {"page": [], "fragment": []}
    if times.exists():
        for line in times.read_text().splitlines():
            wait, run, kind = line.split()
            runs.setdefault(kind, []).append((float(wait), float(run)))
    return runs


def _server_process(url: str):
    import psutil

    port = int(url.rsplit(":", 1)[1])
    for c in psutil.net_connections(kind="tcp"):
        if c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN and c.pid:
            return psutil.Process(c.pid)
    return None


def report(name: str, fig: Figures, checks, cpu, ingest_ok, load) -> None:
    lost, doubled, unlogged = checks
    print(f"{name}:")
    for label, values in (
        ("quick key -> highlight", fig.code_s),
        ("search -> results", fig.search_s),
        ("next part -> shown", fig.window_s),
    ):
        print(
            f"  {label:24s} n={len(values):4d}  p50 {p(values, 0.5) * 1000:7.0f} ms"
            f"  p95 {p(values, 0.95) * 1000:7.0f} ms"
        )
    print(
        f"  codings seen {len(fig.logged)}, lost {lost}, doubled {doubled}, stored but not seen"
        f" {unlogged} (highlights not seen in 30 s: {fig.timeouts}); other waits that ran out"
        f" {len(fig.stalls)}; page errors {len(fig.errors)}"
    )
    for e in fig.stalls[:3]:
        print(f"    {e.splitlines()[0]}")
    for e in fig.errors[:5]:
        print(f"    {e}")
    for kind, runs in fig.server_runs.items():
        if not runs:
            print(f"  server, {kind} runs: none recorded")
            continue
        waits, spans = [w for w, _ in runs], [w + r for w, r in runs]
        print(
            f"  server, {kind} runs n={len(runs):4d}: request -> run ended p50"
            f" {p(spans, 0.5) * 1000:5.0f} ms  p95 {p(spans, 0.95) * 1000:5.0f} ms"
            f" (of which queued p95 {p(waits, 0.95) * 1000:4.0f} ms)"
        )
    extra = f"  server CPU {cpu * 100:.0f} % of one core" if cpu is not None else ""
    if ingest_ok is not None:
        extra += f"; CLI ingest {'ok' if ingest_ok else 'FAILED'}"
    print(extra + f"; load average {load[0]:.1f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--baseline-minutes", type=float, default=1.0)
    ap.add_argument("--no-ingest", action="store_true")
    ap.add_argument(
        "--server-first",
        action="store_true",
        help="run the browsers (this process) at nice 10 and the server and ingest at 0, as if"
        " the members' browsers were on their own computers (needs root to lower a niceness)",
    )
    ap.add_argument(
        "--smoke",
        action="store_true",
        default=os.environ.get("BENCH_SMOKE") == "1",
        help="2 members for 30 s, a small ingest (CI runs this; also BENCH_SMOKE=1)",
    )
    args = ap.parse_args()
    if args.smoke:
        args.sessions, args.minutes, args.baseline_minutes = 2, 0.5, 0.25
    members = [f"coder{i + 1}" for i in range(args.sessions)]
    with tempfile.TemporaryDirectory(prefix="bench-team-") as tmp:
        folder = Path(tmp)
        ingest: list[str] = []
        if not args.no_ingest:
            pdfs = sorted(PDFS.glob("*.pdf")) if PDFS.is_dir() else []
            if args.smoke or not pdfs:
                note = folder / "note.txt"
                note.write_text("A fictional note ingested while the team codes.\n")
                ingest = [str(note)]
            else:
                ingest = [str(x) for x in pdfs]
        if args.server_first:
            os.nice(10)  # the browsers this process starts inherit it
        first = args.server_first
        base = one_run(folder / "alone", members[:1], args.baseline_minutes * 60, [], first)
        team = one_run(folder / "team", members, args.minutes * 60, ingest, first)
    print(
        f"Team on one server: {args.sessions} members for {args.minutes:g} min"
        f" ({'with' if ingest else 'without'} a CLI ingest of {len(ingest)} files) against one"
        f" member alone for {args.baseline_minutes:g} min (baseline), same run"
        + ("; browsers at nice 10, the server and the ingest at 0" if args.server_first else "")
    )
    report("baseline (1 member)", *base)
    report(f"team ({args.sessions} members)", *team)
    bf, tf = base[0], team[0]
    for label, b, t, target in (
        ("quick key -> highlight", bf.code_s, tf.code_s, 1.0),
        ("search -> results", bf.search_s, tf.search_s, 2.0),
    ):
        ratio = p(t, 0.95) / p(b, 0.95) if b and t else float("nan")
        met = "ok" if t and p(t, 0.95) < target else "MISSED"
        print(
            f"  p95 {label}: ratio team/baseline {ratio:.2f}"
            f"  target < {target:g} s with the team: {met}"
        )
    lost, doubled, _ = team[1]
    bad = lost or doubled or tf.errors or base[1][0] or base[1][1] or bf.errors
    if bad:
        print("FAILED: lost or doubled codings, or page errors (see above)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
