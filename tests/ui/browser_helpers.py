"""Run the app in a real Streamlit server and drive it with headless Chromium (used by tests and
bench/bench_ui.py)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"


def require_chromium() -> None:
    """Skip a browser module on a machine without Chromium; on CI (which installs it) fail."""
    import pytest

    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing on CI: .ci/run installs it (apt-get chromium)")
    pytest.skip(f"chromium is not installed at {CHROMIUM}", allow_module_level=True)


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Installed in every page before the app's scripts: counts what goes over the app's socket.
WATCH_SOCKET = """
(() => {
  if (window.__qdaWs) return;
  const w = (window.__qdaWs = { lastSend: 0, lastRecv: 0, sent: 0, recv: 0, http: 0, lastHttp: 0 });
  // HTTP requests too: a file upload is a PUT, and its rerun is only asked for once it is done
  const began = () => { w.http += 1; w.lastHttp = performance.now(); };
  const ended = () => { w.http -= 1; w.lastHttp = performance.now(); };
  const nativeFetch = window.fetch;
  window.fetch = function (...args) {
    began();
    return nativeFetch.apply(this, args).finally(ended);
  };
  const xhrSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    began();
    this.addEventListener('loadend', ended, { once: true });
    return xhrSend.apply(this, args);
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    w.lastSend = performance.now();
    w.sent += 1;
    return send.call(this, data);
  };
  const Native = window.WebSocket;
  window.WebSocket = new Proxy(Native, {
    construct(target, args) {
      const ws = new target(...args);
      ws.addEventListener('message', () => { w.lastRecv = performance.now(); w.recv += 1; });
      return ws;
    },
  });
})();
"""

# Idle: the script is not running, no element is waiting for its code, every message sent was
# answered (a request unanswered for 10 s, such as a git-info query, no longer counts), no HTTP
# request is under way (an upload) and nothing has moved for a while.
_IDLE_JS = """(quiet) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  // an element whose code is still loading shows a placeholder (React Suspense) until it arrives
  if (document.querySelector("[data-testid='stSkeleton']")) return false;
  const w = window.__qdaWs;
  if (!w) return true;
  const now = performance.now();
  if (w.lastSend > w.lastRecv && now - w.lastSend < 10000) return false;
  if (w.http > 0 && now - w.lastHttp < 60000) return false;
  return now - Math.max(w.lastSend, w.lastRecv, w.lastHttp) >= quiet;
}"""


def free_port() -> int:
    """Return a free TCP port on localhost."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(project: Path, log: Path, env: dict | None = None):
    """Start ``streamlit run streamlit_app.py`` on a free port for ``project``; yield its URL."""
    port = free_port()
    full_env = {
        **os.environ,
        "QDA_PROJECT": str(project),
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "QDA_CODER": "tester",
        # live updates poll every few seconds, and each poll is a message on the socket the
        # waits below watch: off unless a test asks for it (tests/ui/test_team_browser.py)
        "QDA_LIVE_SECONDS": "0",
        **(env or {}),
    }
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "streamlit_app.py"),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


CONSOLE_LOG = ROOT / "test-artifacts" / "ui" / "browser-console.log"


def _console(text: str) -> None:
    """Keep the browser's errors and warnings (test data only, fictional) for a failing test."""
    CONSOLE_LOG.parent.mkdir(parents=True, exist_ok=True)
    test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
    with CONSOLE_LOG.open("a", encoding="utf-8") as fh:
        fh.write(f"{time.strftime('%H:%M:%S')} {test} {text[:2000]}\n")


@contextlib.contextmanager
def chromium_browser():
    """Yield a headless Chromium (Playwright Browser); each ``new_app_page`` is a separate
    context, as a separate person's browser is (own cookies, own app session)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_app_page(browser, width: int = 1400, height: int = 1000, dark: bool = False):
    """Return a page in a new context of ``browser`` that watches the app's socket."""
    ctx = browser.new_context(
        viewport={"width": width, "height": height},
        color_scheme="dark" if dark else "light",
    )
    ctx.add_init_script(WATCH_SOCKET)
    page = ctx.new_page()
    page.on("console", lambda m: m.type in ("error", "warning") and _console(m.text))
    page.on("pageerror", lambda e: _console(f"page error: {e}"))
    return page


@contextlib.contextmanager
def chromium_page(width: int = 1400, height: int = 1000, dark: bool = False):
    """Yield a Playwright page in headless Chromium."""
    with chromium_browser() as browser:
        yield new_app_page(browser, width, height, dark)


def sign_in(page, url: str, name: str, password: str, go_to: str = "") -> None:
    """Sign in as ``name`` on the app's password form (``[auth.users]``), wait until the
    sidebar's coder is that name and the app is idle; then open the page titled ``go_to`` from
    the sidebar (a new address would be a new session, signed out)."""
    from playwright.sync_api import expect

    page.goto(url)
    page.get_by_label("Name", exact=True).fill(name, timeout=60_000)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    coder = page.locator("[data-testid='stSidebar']").get_by_label("Coder", exact=True)
    expect(coder).to_have_value(name, timeout=60_000)
    wait_idle(page)
    if go_to:
        open_from_sidebar(page, go_to)


def open_from_sidebar(page, title: str) -> None:
    """Open the app page ``title`` with its sidebar link (in the same session) and wait until it
    has rendered."""
    from playwright.sync_api import expect

    nav = page.locator("[data-testid='stSidebarNav']")
    link = nav.get_by_role("link", name=title, exact=True)
    more = nav.get_by_text("View", exact=False).filter(has_text="more")
    if not link.is_visible() and more.count():
        more.first.click()
    link.click()
    expect(page.locator("[data-testid='stMain'] h1").first).to_have_text(title, timeout=60_000)
    wait_idle(page)


def wait_idle(page, timeout: float = 30_000, quiet_ms: int = 250) -> None:
    """Wait until the app has answered everything the browser sent it and its script is idle.

    Streamlit's own ``data-test-script-state`` stays 'notRunning' between a click and the moment
    the server starts the rerun it asked for, so on a busy machine a wait on that attribute alone
    returns before the click's rerun has even begun. The page's socket is watched too
    (``WATCH_SOCKET``): idle means every message sent has had an answer, nothing has moved on the
    socket for ``quiet_ms`` (a component reporting its state after a render sends one more), and
    the script is not running.
    """
    page.wait_for_function(_IDLE_JS, arg=quiet_ms, timeout=timeout, polling=50)


def open_page(page, url: str, name: str) -> None:
    """Open the app page ``name`` (e.g. 'code') and wait until it has rendered."""
    page.goto(f"{url}/{name}" if name != "project" else url)
    # the app reports 'notRunning' before its first run starts, so wait for the page's title first
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=60_000)
    wait_idle(page)


def select_text(page, needle: str, occurrence: int = 0, tries: int = 3) -> None:
    """Select ``needle`` in the reader with a real mouse drag, as a person would.

    The reader draws after the run that chose its document has ended: the test waits until the
    reader holds ``needle`` (the app's state), not a fixed time.  A drag measured before a part
    of the page above the reader finished drawing lands beside the text; then the reader has not
    taken ``needle`` as its selection (``__qdaLast``, set on mouse-up) and the drag is made
    again, up to ``tries`` times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    reader = page.locator("[data-testid='qda-reader']").first
    expect(reader).to_contain_text(needle, timeout=30_000)
    for attempt in range(tries):
        before = page.evaluate(_CLEAR_SELECTION_JS)
        _drag_over(page, reader, needle, occurrence)
        try:
            page.wait_for_function(_SELECTED_JS, arg=[before, len(needle)], timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise AssertionError(
                    f"dragging over {needle!r} {tries} times never selected it in the reader"
                ) from None
            wait_idle(page)


# Forget the reader's last selection; answer the URL's selection (``at=doc:start-end``) before the
# drag.  A rerun may draw the reader anew, so every reader on the page is looked at.
_CLEAR_SELECTION_JS = """() => {
  for (const r of document.querySelectorAll("[data-testid='qda-reader']")) r.__qdaLast = null;
  return new URL(location.href).searchParams.get('at');
}"""

# The drag selected ``n`` characters: a reader holds them as its selection, or the app has them
# (the Code page writes the selection it received into the URL; a rerun that drew the reader anew
# after it leaves no ``__qdaLast`` behind).
_SELECTED_JS = """([before, n]) => {
  for (const r of document.querySelectorAll("[data-testid='qda-reader']")) {
    if (r.__qdaLast && r.__qdaLast.end - r.__qdaLast.start === n) return true;
  }
  const at = new URL(location.href).searchParams.get('at');
  const m = at && at !== before && /^\\d+:(\\d+)-(\\d+)$/.exec(at);
  return !!m && Number(m[2]) - Number(m[1]) === n;
}"""


def _drag_over(page, reader, needle: str, occurrence: int) -> None:
    """Drag the mouse from the first to the last character of ``needle`` in ``reader``."""
    box = reader.evaluate(
        """(root, args) => {
          const [needle, occ] = args;
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          let full = '', nodes = [];
          while (walker.nextNode()) {
            nodes.push([walker.currentNode, full.length]);
            full += walker.currentNode.data;
          }
          let at = -1; for (let i = 0; i <= occ; i++) at = full.indexOf(needle, at + 1);
          if (at < 0) return null;
          // a start at a <mark>'s edge is in the node after it, an end in the node before it
          const locate = (pos, isEnd) => {
            for (const [n, o] of nodes) {
              const inside = isEnd ? pos > o && pos <= o + n.data.length
                                   : pos >= o && pos < o + n.data.length;
              if (inside) return [n, pos - o];
            }
          };
          const r = document.createRange();
          const [sn, so] = locate(at, false); const [en, eo] = locate(at + needle.length, true);
          r.setStart(sn, so); r.setEnd(sn, so + 1); let a = r.getClientRects()[0];
          // scroll the app's scroll container to the text
          if (a.top < 80 || a.bottom > innerHeight - 40) {
            let el = root.getRootNode().host || root;
            const scrolls = (e) =>
              e.scrollHeight > e.clientHeight + 1 && getComputedStyle(e).overflowY !== 'visible';
            while (el && !scrolls(el)) el = el.parentElement;
            (el || document.scrollingElement).scrollBy(0, a.top - innerHeight / 2);
            a = r.getClientRects()[0];
          }
          r.setStart(en, eo - 1); r.setEnd(en, eo); const b = r.getClientRects()[0];
          return {
            x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2
          };
        }""",
        [needle, occurrence],
    )
    if box is None:
        raise AssertionError(f"text {needle!r} not found in the reader")
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, (box["y1"] + box["y2"]) / 2, steps=3)
    page.mouse.move(box["x2"], box["y2"], steps=3)
    page.mouse.up()


@contextlib.contextmanager
def app_on_new_project(project: Path, fill, log: Path, env: dict | None = None):
    """Make the project file ``project``, fill it with ``fill(db)`` (which returns the ids the
    tests need) and run the app on it; yield ``(url, project, ids)``."""
    from projectfile import open_project

    db = open_project(project)
    try:
        ids = fill(db)
    finally:
        db.conn.close()
    log.parent.mkdir(parents=True, exist_ok=True)
    with streamlit_server(project, log, env) as url:
        yield url, project, ids


@contextlib.contextmanager
def recording_page(**kw):
    """A fresh Chromium page that records the message of any JS dialog (alert) in ``.dialogs``."""
    with chromium_page(**kw) as page:
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        yield page


def with_project(path: Path, fn):
    """Open the project file ``path``, return ``fn(db)``, close it."""
    from projectfile import open_project

    db = open_project(path)
    try:
        return fn(db)
    finally:
        db.conn.close()


def open_list(page, box, option) -> None:
    """Click the selectbox ``box`` until its list shows ``option`` (a locator), then pick it.

    A click that lands while the page re-renders (an expander opening, a rerun's last elements)
    can miss the list: it is opened again, up to three times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    wait_idle(page)
    for _attempt in range(3):
        box.click()
        try:
            option.wait_for(state="visible", timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    else:  # say what the list held instead
        shown = page.get_by_role("option").all_text_contents()
        page.screenshot(path=str(ROOT / "test-artifacts" / "ui" / "open-list-failed.png"))
        raise AssertionError(f"the list never showed {option}; it showed {shown}")
    option.click()
    wait_idle(page)


def pick_option(page, combo, option: str, attempts: int = 3) -> None:
    """Pick ``option`` in the selectbox whose input is ``combo`` (a role=combobox locator) by
    typing it and pressing Enter; return once the widget shows it and the app is idle.

    No click on the open list: a rerun that re-renders the box, or a scroll, closes the list
    under the mouse (a Codebook quick-key pick failed in 2 of 7 module runs that way). Typing
    filters the list to matching options; Enter takes the highlighted one, or the exact option
    is clicked when several match. The pick is judged by the widget's value, awaited with
    ``expect``; a pick a rerun swallowed is made again."""
    import re

    from playwright.sync_api import expect

    shows = re.compile(re.escape(option))
    for attempt in range(attempts):
        wait_idle(page)
        combo.click()
        combo.press("Control+a")
        combo.press_sequentially(option)
        matching = page.get_by_role("option").filter(has_text=option)
        try:
            expect(matching.first).to_be_visible(timeout=10_000)
            exact = page.get_by_role("option", name=option, exact=True)
            if matching.count() > 1 and exact.count() == 1:
                exact.click()
            else:
                combo.press("Enter")
            wait_idle(page)
            expect(combo).to_have_value(shows, timeout=10_000)
            return
        except AssertionError:
            if attempt == attempts - 1:
                shown = page.get_by_role("option").all_text_contents()
                page.screenshot(path=str(ROOT / "test-artifacts" / "ui" / "pick-failed.png"))
                raise AssertionError(
                    f"the selectbox never took {option!r}: it shows {combo.input_value()!r},"
                    f" its list showed {shown}"
                ) from None
            page.keyboard.press("Escape")


def choose(page, label: str, option: str, exact_label: bool = False) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` and wait until the widget shows it.

    ``exact_label`` matches the label exactly (other widgets' labels may contain the word)."""
    if exact_label:
        box = page.locator("[data-testid='stSelectbox']").filter(
            has=page.locator("[data-testid='stWidgetLabel']").get_by_text(label, exact=True)
        )
    else:
        box = page.locator("[data-testid='stSelectbox']").filter(has_text=label)
    pick_option(page, box.first.get_by_role("combobox"), option)


def project_codings(path: Path, **kw):
    """The codings in the project file ``path`` (``coding.codings_frame`` with ``kw``)."""
    import coding

    return with_project(path, lambda db: coding.codings_frame(db, **kw))


def wait_uploaded(page) -> None:
    """Wait until the uploader lists the file, its upload has finished and the app is idle."""
    chip = page.locator("[data-testid='stFileChip']").first
    chip.wait_for(state="attached", timeout=30_000)
    page.locator("[data-testid='stFileChipIconSpinner']").first.wait_for(
        state="detached", timeout=60_000
    )
    wait_idle(page)
    if chip.get_attribute("aria-invalid") == "true":  # the upload failed: say why
        why = chip.evaluate(
            "c => (document.getElementById(c.getAttribute('aria-describedby') || '') || c)"
            ".textContent"
        )
        _console(f"upload failed: {why}")
        raise AssertionError(f"the upload failed in the browser: {why}")
    chip.wait_for(state="visible", timeout=30_000)


def upload(page, file_input, path) -> None:
    """Put the file ``path`` into ``file_input`` (a file uploader's input) and wait until it is
    uploaded; an upload the browser reports as failed is tried once more (with its reason kept in
    the console log), as a person would."""
    for attempt in range(2):
        file_input.set_input_files(str(path))
        try:
            wait_uploaded(page)
            return
        except AssertionError:
            if attempt:
                raise
            page.locator("[data-testid='stFileChip'] button").first.click()
            wait_idle(page)


def click_for_rerun(page, locator, tries: int = 3) -> None:
    """Click a button that asks the app to rerun, and wait for that rerun.

    A click that lands while the page still moves (an expander opening above the button) can
    reach nothing: seen as no message sent to the app. Then the button is clicked again, as a
    person would, up to ``tries`` times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(tries):
        sent = page.evaluate("() => (window.__qdaWs ? window.__qdaWs.sent : -1)")
        locator.click()
        try:
            page.wait_for_function(
                "n => !window.__qdaWs || window.__qdaWs.sent > n", arg=sent, timeout=5_000
            )
            break
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise AssertionError(
                    f"clicking {locator} {tries} times never reached the app"
                ) from None
    wait_idle(page)
