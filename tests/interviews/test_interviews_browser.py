"""End to end in headless Chromium: upload a transcript on the Interviews page, preview, save, read it back."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.timeout(300)]
if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed at /usr/bin/chromium", allow_module_level=True)


@contextlib.contextmanager
def server(project: Path, log: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "QDA_PROJECT": str(project), "HF_HUB_OFFLINE": "1", "QDA_CODER": "tester"}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.port", str(port),
           "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
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


def idle(page) -> None:
    for _ in range(2):
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
        page.wait_for_timeout(200)


def test_browser_interviews_upload_preview_save_read(tmp_path, project_path):
    from playwright.sync_api import sync_playwright

    from interviews import transcripts_frame
    from corpus.project import open_project

    with server(project_path, tmp_path / "server.log") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/interviews")
            idle(page)
            page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(DATA / "teams.vtt"))
            idle(page)
            page.get_by_role("button", name="Preview").click()
            idle(page)
            assert page.get_by_text("Preview: teams.vtt").is_visible()
            assert page.get_by_text("Format: vtt-teams · 4 turns · 2 speakers").is_visible()
            page.get_by_role("button", name="Save to project").click()
            idle(page)
            try:
                page.get_by_text("Saved teams.vtt as document").wait_for(timeout=30_000)
            finally:
                page.screenshot(path=str(tmp_path / "after-save.png"), full_page=True)
            page.get_by_role("tab", name="Read").click()
            idle(page)
            body = page.locator("[data-testid='stMarkdownContainer']").all_inner_texts()
            joined = "\n".join(body)
            assert "Daniel Ortega [00:00:10] interviewee" in " ".join(joined.split())
            assert "& the firms" in joined
            page.screenshot(path=str(tmp_path / "interviews.png"))
        finally:
            browser.close()
    db = open_project(project_path)
    assert transcripts_frame(db)["format"].tolist() == ["vtt-teams"]
