"""The app on a computer without ffmpeg (PATH without it), in headless Chromium: what needs it says
so (install the Debian package `ffmpeg`) and its controls are off; a recording attached before
still plays, and transcripts import as before.

Waits are on the app's state, never fixed sleeps. Screenshots go to
test-artifacts/ui/media-no-ffmpeg-*.png.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser_helpers import (
    app_on_new_project,
    choose,
    click_for_rerun,
    recording_page,
    require_chromium,
    upload,
    wait_idle,
)
from media_data import TEAMS_CUES, make_speech, require_ffmpeg
from playwright.sync_api import expect
from ui_data import ROOT

import interviews

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
DATA = Path(__file__).parents[1] / "interviews" / "data"
AUDIO = "document.querySelector('.st-key-qda_media audio')"
NO_FFMPEG = "ffmpeg and ffprobe not installed (Debian package ffmpeg)"

require_chromium()
require_ffmpeg()  # to make the recording attached before ffmpeg is hidden


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("media-no-ffmpeg")
    empty = folder / "bin"
    empty.mkdir()

    def fill(db):
        shutil.copy(DATA / "teams.vtt", folder / "teams.vtt")
        doc = interviews.import_transcripts([str(folder / "teams.vtt")], db)[0].document_id
        interviews.attach_media_file(db, doc, make_speech(folder / "call.wav", TEAMS_CUES))
        return {"doc": doc}

    with app_on_new_project(
        folder / "plain.qda.sqlite", fill, ARTIFACTS / "server-media-no-ffmpeg.log",
        env={"PATH": str(empty)},
    ) as app:  # fmt: skip
        yield app


@pytest.fixture
def page():
    with recording_page() as p:
        yield p


def test_what_needs_ffmpeg_says_so_and_a_recording_attached_before_still_plays(app, page):
    url, _, _ = app
    page.goto(f"{url}/interviews")
    tab = page.get_by_role("tab", name="Read")
    tab.wait_for(timeout=120_000)
    wait_idle(page, timeout=120_000)
    tab.click(timeout=60_000)
    choose(page, "Transcript", "teams", exact_label=True)
    # the recording attached before plays: the listening copy is there
    page.wait_for_function(f"() => {AUDIO} && {AUDIO}.readyState >= 1", timeout=60_000)
    page.locator("[data-testid='qda-turn-play'][data-turn='2']").click()
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 10")
    page.evaluate(f"() => {AUDIO}.pause()")
    page.get_by_text("Recording", exact=True).click()
    expect(page.get_by_text(NO_FFMPEG).first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("status: ok")).to_be_visible()
    attach = page.locator("[data-testid='stFileUploader']").filter(has_text="Attach another")
    expect(attach.locator("input[type='file']")).to_be_disabled()
    expect(page.get_by_text("Transcribing cannot be done here: ffmpeg")).to_be_visible()
    expect(page.get_by_role("button", name="Transcribe recording")).to_be_disabled()
    page.screenshot(path=str(ARTIFACTS / "media-no-ffmpeg-recording.png"), full_page=True)


def test_a_transcript_imports_without_a_recording(app, page, tmp_path):
    url, path, _ = app
    page.goto(f"{url}/interviews")
    up = page.locator("[data-testid='stFileUploader']").filter(has_text="Transcript file")
    up.wait_for(timeout=120_000)
    wait_idle(page, timeout=120_000)
    file = tmp_path / "short.txt"
    file.write_text("Interviewer: Where were you?\n\nParticipant: At the market.\n", "utf-8")
    upload(page, up.locator("input[type='file']"), file)
    click_for_rerun(page, page.get_by_role("button", name="Preview"))
    save = page.get_by_role("button", name="Save to project")
    save.wait_for(timeout=30_000)
    expect(page.get_by_text(f"No recording can come with it: {NO_FFMPEG}")).to_be_visible()
    rec = page.locator("[data-testid='stFileUploader']").filter(has_text="Its recording")
    expect(rec.locator("input[type='file']")).to_be_disabled()
    page.screenshot(path=str(ARTIFACTS / "media-no-ffmpeg-import.png"), full_page=True)
    click_for_rerun(page, save)
    expect(page.get_by_text("Saved short.txt as document")).to_be_visible(timeout=60_000)
