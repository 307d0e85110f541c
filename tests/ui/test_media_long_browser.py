"""A long transcript with its recording, in headless Chromium: a generated Teams-style VTT of 70
turns (3 s each, two speakers taking turns) with a generated tone recording. While the recording
plays past the last turn of the part shown, the reader moves on to the next part by itself: the
part's turns are drawn, the playing turn is followed there, and the same media element goes on
playing (the Code page shows 30 turns a part, the Interviews page 40).

Waits are on the app's and the media element's state, never fixed sleeps. Screenshots go to
test-artifacts/ui/media-long-*.png.
"""

from __future__ import annotations

import pytest
from browser_helpers import app_on_new_project, recording_page, require_chromium, wait_idle
from media_data import make_tone, require_ffmpeg
from playwright.sync_api import expect
from ui_data import ROOT

import interviews

pytestmark = [pytest.mark.browser, pytest.mark.timeout(400)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
AUDIO = "document.querySelector('.st-key-qda_media audio')"
WRAP = "[data-testid='qda-reader-wrap']"
TURNS = 70
STEP = 3.0  # seconds a turn

require_chromium()
require_ffmpeg()


def _clock(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def long_vtt(turns: int = TURNS) -> str:
    """A Teams-style WebVTT of ``turns`` cues, speakers alternating, turn n from (n-1)*STEP s."""
    cues = ["WEBVTT", ""]
    for i in range(turns):
        who = "Rosa Ibarra" if i % 2 == 0 else "Tomás Vidal"
        start, end = i * STEP, i * STEP + STEP - 0.2
        cues += [
            f"{_clock(start)} --> {_clock(end)}",
            f"<v {who}>Turn {i + 1}: about the harvest of year {2000 + i} and its prices.</v>",
            "",
        ]
    return "\n".join(cues)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("media-long")

    def fill(db):
        vtt = folder / "harvest.vtt"
        vtt.write_text(long_vtt(), encoding="utf-8")
        doc = interviews.import_transcripts([str(vtt)], db)[0].document_id
        assert len(interviews.turns_frame(db, [doc])) == TURNS
        tone = make_tone(folder / "harvest.m4a", TURNS * STEP + 5)
        interviews.attach_media_file(db, doc, tone, by="ana")
        return {"doc": doc}

    with app_on_new_project(
        folder / "long.qda.sqlite", fill, ARTIFACTS / "server-media-long.log"
    ) as app:
        yield app


@pytest.fixture
def page():
    with recording_page() as p:
        yield p


def _ready(page, last_turn: int) -> None:
    page.locator(f"[data-testid='qda-turn-play'][data-turn='{last_turn}']").wait_for(
        timeout=120_000
    )
    page.wait_for_function(f"() => {AUDIO} && {AUDIO}.readyState >= 1", timeout=60_000)
    wait_idle(page, timeout=60_000)


def _play_past(page, last_turn: int) -> None:
    """Play the last turn of the part shown (at 2x) and follow into the next part."""
    page.evaluate(f"() => {{ {AUDIO}.__qdaSame = 'same element'; }}")
    page.locator("[data-testid='qda-media-rate']").select_option("2")
    page.locator(f"[data-testid='qda-turn-play'][data-turn='{last_turn}']").click()
    expect(page.locator(WRAP).first).to_have_attribute("data-playing-turn", str(last_turn))
    # the recording goes on into the next turn, which is in the next part: the reader moves on
    nxt = last_turn + 1
    page.locator(f"[data-testid='qda-turn-play'][data-turn='{nxt}']").wait_for(timeout=60_000)
    reader = page.locator("[data-testid='qda-reader']").first
    expect(reader).to_contain_text(f"Turn {nxt}: about")
    expect(reader).not_to_contain_text(f"Turn {last_turn}: about")
    expect(page.locator(f"[data-testid='qda-turn-play'][data-turn='{last_turn}']")).to_have_count(0)
    expect(page.locator(WRAP).first).to_have_attribute(
        "data-playing-turn", str(nxt), timeout=30_000
    )
    state = page.evaluate(
        f"() => {{ const a = {AUDIO}; return {{same: a.__qdaSame, paused: a.paused,"
        " t: a.currentTime}; }"
    )
    assert state["same"] == "same element", state  # the player was not drawn again
    # the playing turn is shown, though the coder clicked a moment before
    expect(page.locator(f"[data-testid='qda-turn-play'][data-turn='{nxt}']")).to_be_in_viewport()
    assert not state["paused"] and state["t"] >= last_turn * STEP, state
    page.evaluate(f"() => {AUDIO}.pause()")


def test_the_code_page_moves_to_the_next_part_while_playing(app, page):
    url, _, _ = app
    page.goto(f"{url}/code")
    _ready(page, 30)
    expect(page.get_by_text("Turns 1–30").first).to_be_visible()
    _play_past(page, 30)
    expect(page.get_by_text("Turns 31–60").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "media-long-code.png"), full_page=True)


def test_the_interviews_page_moves_to_the_next_part_while_playing(app, page):
    url, _, _ = app
    page.goto(f"{url}/interviews")
    tab = page.get_by_role("tab", name="Read")
    tab.wait_for(timeout=120_000)
    wait_idle(page, timeout=120_000)
    tab.click(timeout=60_000)
    _ready(page, 40)
    _play_past(page, 40)
    page.screenshot(path=str(ARTIFACTS / "media-long-interviews.png"), full_page=True)
