"""Listening while coding, in headless Chromium: the Teams interview (tests/interviews/data/
teams.vtt, 4 turns: 3.12-9.90, 10.25-19.70, 20.10-22.30, 22.90-29.40 s) with a recording whose
speech sits where the cues say. A click on a turn's time plays from there and the reader follows
the playing turn without losing the coder's selection; a coding's play button plays its span and
stops; speed and the keys (Alt+K, Alt+J) work; a missing recording is said.

The tests wait on the media element's state (currentTime, paused) and the reader's
``data-playing-turn``, never on fixed sleeps. Screenshots go to test-artifacts/ui/media-*.png.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser_helpers import (
    app_on_new_project,
    recording_page,
    require_chromium,
    select_text,
    wait_idle,
    with_project,
)
from media_data import TEAMS_CUES, make_speech, require_ffmpeg
from playwright.sync_api import expect
from ui_data import ROOT

import interviews
from coding import add_code, code_span
from corpus import get_text

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
DATA = Path(__file__).parents[1] / "interviews" / "data"
AUDIO = "document.querySelector('.st-key-qda_media audio')"
WRAP = "[data-testid='qda-reader-wrap']"

require_chromium()
require_ffmpeg()


def _fill(folder: Path):
    def fill(db):
        shutil.copy(DATA / "teams.vtt", folder / "teams.vtt")
        doc = interviews.import_transcripts([str(folder / "teams.vtt")], db)[0].document_id
        speech = make_speech(folder / "call.wav", TEAMS_CUES, total=40)
        interviews.attach_media_file(db, doc, speech, by="ana")
        text = get_text(db, doc)
        add_code(db, "Funding", color="#2ca02c")
        start = text.index("Mostly CONACYT")
        code_span(db, doc, start, text.index("the firms.") + len("the firms."), "Funding", "ana")
        return {"doc": doc}

    return fill


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("media-browser")
    with app_on_new_project(
        folder / "call.qda.sqlite", _fill(folder), ARTIFACTS / "server-media.log"
    ) as app:
        yield app


@pytest.fixture
def page():
    with recording_page() as p:
        yield p


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"media-{name}.png"), full_page=True)


def open_code(page, url: str) -> None:
    page.goto(f"{url}/code")
    page.locator("[data-testid='qda-turn-play'][data-turn='4']").wait_for(timeout=60_000)
    page.wait_for_function(f"() => {AUDIO} && {AUDIO}.readyState >= 1", timeout=30_000)
    wait_idle(page)


def audio(page) -> dict:
    return page.evaluate(
        f"() => {{ const a = {AUDIO}; return {{t: a.currentTime, paused: a.paused,"
        " rate: a.playbackRate}; }"
    )


def test_a_turns_time_plays_from_there_and_the_reader_follows_keeping_the_selection(app, page):
    url, _, _ = app
    open_code(page, url)
    select_text(page, "aerospace suppliers")
    reader = page.locator("[data-testid='qda-reader']").first
    page.evaluate(
        f"() => {{ const a = {AUDIO}; window.__seeked = [];"
        " a.addEventListener('seeking', () => window.__seeked.push(a.currentTime)); }"
    )
    page.locator("[data-testid='qda-turn-play'][data-turn='2']").click()
    page.wait_for_function(f"() => window.__seeked.length > 0 && !{AUDIO}.paused")
    assert abs(page.evaluate("() => window.__seeked[0]") - 10.25) < 0.3
    wrap = page.locator(WRAP).first
    expect(wrap).to_have_attribute("data-playing-turn", "2")
    assert page.evaluate("() => CSS.highlights.has('qda-playing')")
    expect(page.locator("[data-testid='qda-turn-play'][data-turn='2']")).to_have_class(
        "qda-turn-play qda-playing"
    )
    # the coder's selection is still there while the reader follows
    held = reader.evaluate(
        "r => (r.getRootNode().getSelection ? r.getRootNode().getSelection()"
        " : document.getSelection()).toString()"
    )
    assert held == "aerospace suppliers"
    assert reader.evaluate("r => r.__qdaLast && r.__qdaLast.end - r.__qdaLast.start") == len(
        "aerospace suppliers"
    )
    shot(page, "following")
    # it moves on to the next turn as the recording goes on (turn 3 starts at 20.10 s)
    page.evaluate(f"() => {{ {AUDIO}.currentTime = 20.5; }}")
    expect(wrap).to_have_attribute("data-playing-turn", "3")
    page.evaluate(f"() => {AUDIO}.pause()")


def test_a_codings_span_plays_its_range_at_the_chosen_speed_and_stops(app, page):
    url, _, _ = app
    open_code(page, url)
    page.locator("[data-testid='qda-media-rate']").select_option("2")
    page.locator("[data-testid='qda-coding-play']").first.click()
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 22.5")
    assert audio(page)["rate"] == 2
    expect(page.locator(WRAP).first).to_have_attribute("data-playing-turn", "4")
    # the span is 22.90-29.40 s of a 40 s recording: playback stops at its end
    page.wait_for_function(f"() => {AUDIO}.paused && {AUDIO}.currentTime > 29", timeout=20_000)
    assert audio(page)["t"] < 30.2
    shot(page, "coding-played")


def test_keys_play_pause_and_go_back_five_seconds(app, page):
    url, _, _ = app
    open_code(page, url)
    page.locator("[data-testid='qda-turn-play'][data-turn='3']").click()
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 20.2")
    page.keyboard.press("Alt+KeyK")
    page.wait_for_function(f"() => {AUDIO}.paused")
    before = audio(page)["t"]
    page.keyboard.press("Alt+KeyJ")
    page.wait_for_function(f"t => Math.abs({AUDIO}.currentTime - (t - 5)) < 0.3", arg=before)
    page.keyboard.press("Alt+KeyK")
    page.wait_for_function(f"() => !{AUDIO}.paused")
    page.evaluate(f"() => {AUDIO}.pause()")


def test_the_interviews_page_reads_along_with_the_recording(app, page):
    url, _, _ = app
    page.goto(f"{url}/interviews")
    page.get_by_role("tab", name="Read").click()
    button = page.locator("[data-testid='qda-turn-play'][data-turn='3']")
    button.wait_for(timeout=60_000)
    page.wait_for_function(f"() => {AUDIO} && {AUDIO}.readyState >= 1", timeout=30_000)
    wait_idle(page)
    button.click()
    page.wait_for_function(f"() => !{AUDIO}.paused && Math.abs({AUDIO}.currentTime - 20.1) < 1")
    expect(page.locator(WRAP).first).to_have_attribute("data-playing-turn", "3")
    page.evaluate(f"() => {AUDIO}.pause()")
    page.get_by_text("Recording", exact=True).click()
    expect(page.get_by_text("status: ok")).to_be_visible()
    shot(page, "interviews")


def test_keys_work_while_typing_a_correction(app, page):
    url, _, _ = app
    page.goto(f"{url}/edit")
    box = page.get_by_label("Text")
    box.wait_for(timeout=60_000)
    page.wait_for_function(f"() => {AUDIO} && {AUDIO}.readyState >= 1", timeout=30_000)
    wait_idle(page)
    box.click()
    box.press("End")
    box.press("Alt+KeyK")
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.5")
    box.press("Alt+KeyK")
    page.wait_for_function(f"() => {AUDIO}.paused")
    before = audio(page)["t"]
    box.press("Alt+KeyJ")
    page.wait_for_function(
        f"t => Math.abs({AUDIO}.currentTime - Math.max(0, t - 5)) < 0.3", arg=before
    )
    box.type(" typed")  # the keys left the text alone, typing still types
    assert box.input_value().endswith(" typed") and "˚" not in box.input_value()
    shot(page, "edit")


def test_the_export_page_cites_the_time_range(app, page):
    url, _, _ = app
    page.goto(f"{url}/export")
    expect(page.get_by_text("Daniel Ortega, teams, turn 4, 00:00:22-00:00:29").first).to_be_visible(
        timeout=60_000
    )


def test_a_missing_recording_is_said(app, page):
    url, path, ids = app
    rec = with_project(path, lambda db: interviews.media_for(db, ids["doc"]))
    for f in {rec.path, rec.listening_path} - {None}:
        f.unlink()
    page.goto(f"{url}/code")
    expect(page.get_by_text("is missing from the project's media folder")).to_be_visible(
        timeout=60_000
    )
    # the reader is drawn, without play buttons
    expect(page.locator("[data-testid='qda-reader']").first).to_contain_text("Mostly CONACYT")
    wait_idle(page)
    expect(page.locator("[data-testid='qda-turn-play']")).to_have_count(0)
    shot(page, "missing")
