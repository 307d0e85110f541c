"""Retake the README screenshots on the demo project, in headless Chromium at 1280 x 800.

    python docs/screenshots/retake.py [--demo demo/build/demo.qda.sqlite]

Builds the demo into a temporary folder unless ``--demo`` names a built one (it is copied, so the
shots never write into it). Each page is opened as a person would and shot when the app is idle;
the Search shot searches the demo, picks a code and shows the code bar; the Code shots open a search
hit (scrolled, highlighted, selected).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "ui")]
PAGES = ["project", "corpus", "codebook", "analysis", "export"]
QUERY = "supplier"


def settle(page) -> None:
    """Wait until the app is idle and its tables and charts have drawn."""
    from browser_helpers import wait_idle

    wait_idle(page, timeout=120_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stSkeleton]')", timeout=60_000
    )
    wait_idle(page, timeout=120_000)


def search_and_open(page, url: str, code: bool) -> None:
    from browser_helpers import open_page

    open_page(page, url, "search")
    box = page.get_by_label("Search the documents")
    box.fill(QUERY)
    box.press("Enter")
    page.get_by_text("matching passages").wait_for(timeout=120_000)
    settle(page)
    if code:
        bar = page.locator(".st-key-search_code_bar")
        bar.locator("[data-testid='stSelectbox']").click()
        page.get_by_role("option").first.click()
        settle(page)
        return
    hit = page.locator("[class*='st-key-hit_']").first
    hit.get_by_role("button", name="Open", exact=True).click()
    page.locator("[data-testid='qda-reader'] mark.qda-focus").first.wait_for(timeout=120_000)
    settle(page)
    page.wait_for_timeout(3500)  # the reader's scroll settles (it retries for 3 s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--demo", help="a built demo project to copy (default: build one)")
    args = ap.parse_args()
    from browser_helpers import chromium_page, open_page, streamlit_server

    with tempfile.TemporaryDirectory(prefix="qda-shots-") as tmp:
        project = Path(tmp) / "demo.qda.sqlite"
        if args.demo:
            shutil.copy(args.demo, project)
        else:
            from demo.build import build

            build(project)
        with streamlit_server(project, Path(tmp) / "server.log") as url:
            for dark in (False, True):
                with chromium_page(width=1280, height=800, dark=dark) as page:
                    if dark:
                        search_and_open(page, url, code=False)
                        page.screenshot(path=str(HERE / "code-dark.png"))
                        continue
                    for name in PAGES:
                        open_page(page, url, name)
                        settle(page)
                        page.screenshot(path=str(HERE / f"{name}.png"))
                    search_and_open(page, url, code=True)
                    page.screenshot(path=str(HERE / "search.png"))
                    search_and_open(page, url, code=False)
                    page.screenshot(path=str(HERE / "code.png"))
    print(f"screenshots written to {HERE}")


if __name__ == "__main__":
    main()
