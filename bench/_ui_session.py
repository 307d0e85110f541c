"""bench/bench_ui.py's session part: a working day in headless Chromium on today's app and on
the app before issue 11 (a git worktree of ``--before``, run with the same .venv), in one run.

Measured, for each app: user actions (mouse clicks and drags, keys; typing a word counts one key
per character) and seconds for
  (a) reload to working state: after a reload on the Code page, get back to the project, the
      coder, the page and the passage in view and selected;
  (b) search hit to coded span: from the Code page, find a passage by search and code it.
The flows are scripted as a person does them; the waits are on the app's state, never sleeps.
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import browser_helpers
from browser_helpers import chromium_page, select_text, streamlit_server, wait_idle
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[1]
QUERY = "wolframite consortium"
PASSAGE = "council met again. The wolframite"  # dragged over (never at a highlight edge)
PLACE = "met again. The wolframite consortium"  # the working place (inside the coding above)
CODER = "ana"
BUILD = """
import sys
root, folder = sys.argv[1], sys.argv[2]
sys.path[:0] = [root, root + "/tests/ui"]
import coding
from projectfile import open_project
from ui_data import make_document

paras = [
    f"Paragraph {i}. The fictional council reviewed the regional programme in session {i}."
    for i in range(1, 151)
]
paras[119] = ("Paragraph 120. The council met again. The wolframite consortium asked for "
              "training money. Nobody objected.")
db = open_project(folder + "/study.qda.sqlite")
make_document(db, "Long report (fictional)", paras, pages=1)
coding.add_code(db, "Minerals", color="#e15759")
db.conn.close()
db = open_project(folder + "/inbox.qda.sqlite")
make_document(db, "Inbox note (fictional)", ["A fictional note waiting to be read."])
db.conn.close()
"""


class Actions:
    """Counts what a person does: clicks (and drags) and keys."""

    def __init__(self) -> None:
        self.clicks = 0
        self.keys = 0

    @property
    def total(self) -> int:
        return self.clicks + self.keys

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1

    def type(self, page, text: str) -> None:
        page.keyboard.type(text)
        self.keys += len(text)

    def press(self, page, key: str) -> None:
        page.keyboard.press(key)
        self.keys += 1

    def drag(self, page, needle: str) -> None:
        select_text(page, needle)  # scrolls to the text (one wheel action) and drags over it
        self.clicks += 2


@contextlib.contextmanager
def app_at(root: Path, folder: Path, log: Path):
    """Run the app from the tree at ``root`` on ``folder``/inbox.qda.sqlite; yield its URL."""
    saved = browser_helpers.ROOT
    browser_helpers.ROOT = root  # streamlit_server starts root/streamlit_app.py
    try:
        server = streamlit_server(folder / "inbox.qda.sqlite", log, env={"QDA_CODER": ""})
        url = server.__enter__()
    finally:
        browser_helpers.ROOT = saved
    try:
        yield url
    finally:
        server.__exit__(None, None, None)


@contextlib.contextmanager
def worktree(rev: str):
    """Yield a checkout of ``rev`` (a temporary git worktree, removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="qda-before-") as tmp:
        path = Path(tmp) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), rev],
            check=True,
            capture_output=True,
        )
        try:
            yield path
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
                capture_output=True,
            )


def sidebar_link(page, name: str):
    return page.locator("[data-testid='stSidebar']").get_by_role("link", name=name, exact=True)


def reader(page, text: str):
    return page.locator("[data-testid='qda-reader']").filter(has_text=text).first


def search(page, act: Actions) -> None:
    act.click(sidebar_link(page, "Search"))
    page.get_by_label("Search the documents").wait_for(timeout=60_000)
    wait_idle(page)
    act.click(page.get_by_label("Search the documents"))
    act.type(page, QUERY)
    act.press(page, "Enter")
    page.get_by_text("matching passages").wait_for(timeout=60_000)
    wait_idle(page)


def hit(page, ours: bool = True):
    """The search result holding the passage (a keyed container today; before: the one result)."""
    if not ours:
        return page.locator("[data-testid='stMain']")
    return page.locator("[class*='st-key-hit_']").filter(has_text="Paragraph 120").last


# --- today's app -------------------------------------------------------------------------------
def ours_start(page, url: str) -> None:
    """Working in the study as ana, on the Code page (the URL names project and coder)."""
    page.goto(f"{url}/code?project=study.qda.sqlite&coder={CODER}")
    reader(page, "Paragraph 1.").wait_for(timeout=120_000)
    wait_idle(page)


def ours_find_and_code(page, url: str) -> tuple[Actions, float]:
    ours_start(page, url)
    act, t0 = Actions(), time.perf_counter()
    search(page, act)
    bar = page.locator(".st-key-search_code_bar")
    act.click(bar.locator("[data-testid='stSelectbox']"))
    act.click(page.get_by_role("option", name="Minerals", exact=True))
    wait_idle(page)
    act.click(hit(page).get_by_role("button", name="Code this hit"))
    bar.get_by_text("Coded “").wait_for(timeout=60_000)
    return act, time.perf_counter() - t0


def ours_reload(page, url: str) -> tuple[Actions, float]:
    """Open the hit from Search (the working place), then reload and wait for it to come back."""
    ours_start(page, url)
    search(page, Actions())
    hit(page).get_by_role("button", name="Open", exact=True).click()
    page.locator("[data-testid='qda-reader'] mark.qda-focus").first.wait_for(timeout=60_000)
    wait_idle(page)
    act, t0 = Actions(), time.perf_counter()
    page.reload()
    act.keys += 1  # F5
    page.locator("[data-testid='qda-reader'] mark.qda-focus").filter(
        has_text="Paragraph 120"
    ).first.wait_for(timeout=120_000)
    page.locator(".st-key-qda_project_box").filter(has_text="study").wait_for(timeout=60_000)
    coder = page.locator("[data-testid='stSidebar']").get_by_label("Coder", exact=True)
    expect(coder).to_have_value(CODER, timeout=60_000)
    _in_view(page)
    return act, time.perf_counter() - t0


def _in_view(page) -> None:
    focus = page.locator("[data-testid='qda-reader'] mark.qda-focus").first
    deadline = time.time() + 30
    while time.time() < deadline:
        box = focus.bounding_box()
        if box and 0 <= box["y"] <= page.viewport_size["height"]:
            return
        page.wait_for_timeout(50)
    raise AssertionError("the passage did not come into view")


# --- the app before ----------------------------------------------------------------------------
def before_switch(page, url: str, act: Actions) -> None:
    """Project page: open the study; type the coder name (the old app's only way)."""
    act.click(sidebar_link(page, "Project"))
    page.get_by_text("Open, create or switch project").wait_for(timeout=60_000)
    wait_idle(page)
    act.click(page.get_by_text("Open, create or switch project"))
    pick = page.locator(".st-key-proj_nearby [data-testid='stSelectbox']")
    pick.wait_for(timeout=60_000)
    wait_idle(page)
    for attempt in range(3):  # a late rerun can close the list as it opens
        pick.click()
        try:
            page.get_by_role("option", name="study.qda.sqlite").click(timeout=10_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            wait_idle(page)
    act.clicks += 2
    wait_idle(page)
    act.click(page.get_by_role("button", name="Switch"))
    wait_idle(page)
    coder = page.locator("[data-testid='stSidebar']").get_by_label("Coder", exact=True)
    act.click(coder)
    act.press(page, "Control+a")
    act.type(page, CODER)
    act.press(page, "Enter")
    wait_idle(page)


def before_to_passage(page, act: Actions) -> None:
    """Code page: pick the part holding the passage, scroll to it, select it with the mouse."""
    act.click(sidebar_link(page, "Code"))
    reader(page, "Paragraph 1.").wait_for(timeout=120_000)
    wait_idle(page)
    act.click(page.locator(".st-key-code_win_pick [data-testid='stSelectbox']"))
    act.click(page.get_by_role("option", name="Paragraphs 91–120"))
    reader(page, "Paragraph 120.").wait_for(timeout=60_000)
    wait_idle(page)
    act.drag(page, PLACE)
    page.get_by_text("Selection · characters").wait_for(timeout=60_000)
    wait_idle(page)


def before_start(page, url: str) -> None:
    page.goto(url)
    page.locator("[data-testid='stMain'] h1").wait_for(timeout=120_000)
    wait_idle(page)
    before_switch(page, url, Actions())
    sidebar_link(page, "Code").click()
    reader(page, "Paragraph 1.").wait_for(timeout=120_000)
    wait_idle(page)


def before_find_and_code(page, url: str) -> tuple[Actions, float]:
    before_start(page, url)
    act, t0 = Actions(), time.perf_counter()
    search(page, act)
    act.click(hit(page, ours=False).get_by_role("button", name="Open", exact=True))
    page.get_by_role("heading", name="Corpus").wait_for(timeout=60_000)
    wait_idle(page)
    act.click(sidebar_link(page, "Code"))  # the Corpus reader cannot code
    page.locator("[data-testid='qda-reader'] mark.qda-focus").first.wait_for(timeout=120_000)
    wait_idle(page)
    act.drag(page, PASSAGE)
    page.get_by_text("Selection · characters").wait_for(timeout=60_000)
    wait_idle(page)
    act.press(page, "1")  # its fastest way: quick key 1 (the most used code) on the selection
    page.get_by_text("Coded ").first.wait_for(timeout=60_000)
    return act, time.perf_counter() - t0


def before_reload(page, url: str) -> tuple[Actions, float]:
    before_start(page, url)
    before_to_passage(page, Actions())  # the working place
    act, t0 = Actions(), time.perf_counter()
    page.reload()
    act.keys += 1  # F5
    page.locator("[data-testid='stMain'] h1").wait_for(timeout=120_000)
    wait_idle(page)
    before_switch(page, url, act)  # the reload fell back to $QDA_PROJECT and coder "default"
    before_to_passage(page, act)
    return act, time.perf_counter() - t0


def run_session_bench(before: str, repeat: int = 1) -> None:
    """Run both flows on today's app and on ``before``; print actions and seconds side by side."""
    results: dict[str, list] = {}
    with (
        tempfile.TemporaryDirectory(prefix="qda-bench-session-") as tmp,
        worktree(before) as old_root,
    ):
        tmp = Path(tmp)
        for i in range(repeat):  # a fresh pair of projects and servers per round, side by side
            for name, root in (("ours", ROOT), ("before", old_root)):  # each app writes its own
                (tmp / f"{name}{i}").mkdir()
                subprocess.run(
                    [sys.executable, "-c", BUILD, str(root), str(tmp / f"{name}{i}")],
                    cwd=root,
                    check=True,
                )
            with (
                app_at(ROOT, tmp / f"ours{i}", tmp / f"ours{i}.log") as ours_url,
                app_at(old_root, tmp / f"before{i}", tmp / f"before{i}.log") as before_url,
            ):
                for label, fn, url in (
                    ("find+code ours", ours_find_and_code, ours_url),
                    ("find+code before", before_find_and_code, before_url),
                    ("reload ours", ours_reload, ours_url),
                    ("reload before", before_reload, before_url),
                ):
                    with chromium_page() as page:
                        results.setdefault(label, []).append(fn(page, url))
    print(f"Session flows, today's app vs the app at {before} (median of {repeat}):")
    for flow, title in (
        ("find+code", "Find a passage by search and code it"),
        ("reload", "Reload on the Code page -> back to project, coder, page, passage in view"),
    ):
        o, b = results[f"{flow} ours"], results[f"{flow} before"]
        oa = statistics.median(a.total for a, _ in o)
        ba = statistics.median(a.total for a, _ in b)
        os_, bs = statistics.median(s for _, s in o), statistics.median(s for _, s in b)
        oc = statistics.median(a.clicks for a, _ in o)
        bc = statistics.median(a.clicks for a, _ in b)
        typed = len(QUERY) if flow == "find+code" else 0
        print(f"  {title}{f' (typing the {typed}-letter query counts {typed})' if typed else ''}:")
        print(
            f"    before: {ba:5.0f} user actions ({bc:.0f} clicks/drags, {ba - bc:.0f} keys) "
            f"{bs:6.1f} s"
        )
        print(
            f"    ours:   {oa:5.0f} user actions ({oc:.0f} clicks/drags, {oa - oc:.0f} keys) "
            f"{os_:6.1f} s   actions ours/before {oa / ba:.2f}   time ours/before {os_ / bs:.2f}"
        )
