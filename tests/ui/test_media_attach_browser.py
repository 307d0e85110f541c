"""Recordings in the app, in headless Chromium: attach one with a transcript at import and later
(Recording section), a file that is not a recording refused with nothing stored, the waveform
drawn from the stored peaks (louder where the speech is) and clickable to go to a moment, "this
turn starts here" storing the player's current time (within 0.1 s), Whisper/noScribe import,
and speech to text from the Recording section.

Waits are on the app's and the media element's state, never fixed sleeps. Screenshots go to
test-artifacts/ui/media-attach-*.png.
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
    with_project,
)
from media_data import TEAMS_CUES, make_speech, make_tone, require_ffmpeg
from playwright.sync_api import expect
from ui_data import ROOT

import interviews
from corpus import list_documents
from interviews import media_dir

pytestmark = [pytest.mark.browser, pytest.mark.timeout(400)]
ARTIFACTS = ROOT / "test-artifacts" / "ui"
DATA = Path(__file__).parents[1] / "interviews" / "data"
AUDIO = "document.querySelector('.st-key-qda_media audio')"
WAVE = "[data-testid='qda-media-wave']"

require_chromium()
require_ffmpeg()

UNTIMED = (
    "Interviewer: Thanks for coming. How did the cooperative begin?\n\n"
    "Participant: It began with six families and one borrowed truck.\n\n"
    "Interviewer: Who keeps the accounts now?\n\n"
    "Participant: My sister does, in a notebook and a spreadsheet.\n"
)
LATER = (
    "Interviewer: What changed after the flood?\n\n"
    "Participant: We moved the seed store up the hill.\n"
)
NOSCRIBE = """<!DOCTYPE html><html><head><meta name="generator" content="noScribe"></head><body>
<p><a name="ts_1000_4250_S00" >S00: Buenas tardes, ¿cómo está?</a></p>
<p><a name="ts_4250_9875_S01" >S01: Bien, gracias. El mercado abrió en marzo.</a></p>
</body></html>
"""


def _fill(folder: Path):
    def fill(db):
        shutil.copy(DATA / "teams.vtt", folder / "teams.vtt")
        teams = interviews.import_transcripts([str(folder / "teams.vtt")], db)[0].document_id
        interviews.attach_media_file(
            db, teams, make_speech(folder / "call.wav", TEAMS_CUES, total=40), by="ana"
        )
        ids = {"teams": teams}
        for name, text in (("untimed", UNTIMED), ("later", LATER)):
            tr = interviews.parse_transcript(f"{name}.txt", data=text.encode(), name=name)
            ids[name] = interviews.store_transcript(db, tr, text.encode(), title=name)
        interviews.attach_media_file(db, ids["untimed"], make_tone(folder / "tone.wav", 20))
        return ids

    return fill


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("media-attach")
    with app_on_new_project(
        folder / "attach.qda.sqlite", _fill(folder), ARTIFACTS / "server-media-attach.log"
    ) as app:
        yield app


@pytest.fixture
def page():
    with recording_page() as p:
        yield p


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"media-attach-{name}.png"), full_page=True)


def read_tab(page, url: str, title: str | None = None) -> None:
    page.goto(f"{url}/interviews")
    tab = page.get_by_role("tab", name="Read")
    tab.wait_for(timeout=120_000)  # the first run of a fresh server loads the app's modules
    wait_idle(page, timeout=120_000)
    tab.click(timeout=60_000)
    page.locator("[data-testid='stSelectbox']").filter(has_text="Transcript").wait_for(
        timeout=60_000
    )
    wait_idle(page)
    if title is not None:
        choose(page, "Transcript", title, exact_label=True)


def wait_audio(page) -> None:
    page.wait_for_function(f"() => {AUDIO} && {AUDIO}.readyState >= 1", timeout=30_000)
    wait_idle(page)


def turn_starts(path: Path, doc: int) -> dict[int, float | None]:
    df = with_project(path, lambda db: interviews.turns_frame(db, [doc]))
    return {
        int(r.turn_no): None if r.t_start is None or r.t_start != r.t_start else float(r.t_start)
        for r in df.itertuples()
    }


def titles(path: Path) -> list[str]:
    return with_project(path, list_documents)["title"].astype(str).tolist()


def test_the_waveform_shows_the_recording_and_a_click_goes_there(app, page):
    url, _, _ = app
    read_tab(page, url, "teams")
    wave = page.locator(WAVE)
    expect(wave).to_be_visible(timeout=60_000)
    wait_audio(page)
    page.wait_for_function("c => c.dataset.at !== undefined", arg=wave.element_handle())
    # the peaks are the recording's: taller where the speech is (3.1 s on) than in the silence
    # before it and after the last cue (33-40 s)
    heights = wave.evaluate(
        """(c) => {
          const g = c.getContext('2d'), h = c.height, out = {};
          for (const [name, sec] of [['silence', 1.0], ['speech', 12.0], ['end', 37.0]]) {
            let best = 0;
            for (let dx = -4; dx <= 4; dx++) {
              const x = Math.round((sec / 40) * c.width) + dx;
              const col = g.getImageData(x, 0, 1, h).data;
              let n = 0; for (let y = 0; y < h; y++) if (col[4 * y + 3] > 0) n++;
              best = Math.max(best, n);
            }
            out[name] = best;
          }
          return out;
        }"""
    )
    assert heights["speech"] > 3 * max(heights["silence"], heights["end"]), heights
    box = wave.bounding_box()
    wave.click(position={"x": box["width"] * 0.5, "y": box["height"] / 2})
    page.wait_for_function(f"() => Math.abs({AUDIO}.currentTime - 20) < 0.5")
    assert page.evaluate(f"() => {AUDIO}.paused")  # going there does not start playing
    page.wait_for_function(
        "([c, w]) => Math.abs(Number(c.dataset.markerX) - w / 2) < 3",
        arg=[wave.element_handle(), box["width"]],
    )
    assert abs(float(wave.get_attribute("data-at")) - 20) < 0.5
    shot(page, "waveform")


def test_this_turn_starts_here_takes_the_players_time(app, page):
    url, path, ids = app
    assert set(turn_starts(path, ids["untimed"]).values()) == {None}
    read_tab(page, url, "untimed")
    align = page.locator("[data-testid='qda-turn-align'][data-turn='2']")
    align.wait_for(timeout=60_000)  # turns without times: aligning is on
    expect(page.locator("[data-testid='qda-turn-play']")).to_have_count(0)
    wait_audio(page)
    # paused at a moment chosen on the waveform (5 s of 20)
    wave = page.locator(WAVE)
    box = wave.bounding_box()
    wave.click(position={"x": box["width"] * 0.25, "y": box["height"] / 2})
    page.wait_for_function(f"() => Math.abs({AUDIO}.currentTime - 5) < 0.5 && {AUDIO}.paused")
    at = page.evaluate(f"() => {AUDIO}.currentTime")
    click_for_rerun(page, align)
    page.locator("[data-testid='qda-turn-play'][data-turn='2']").wait_for(timeout=30_000)
    stored = turn_starts(path, ids["untimed"])[2]
    assert stored is not None and abs(stored - at) < 0.1, (stored, at)
    expect(page.get_by_text("Turn 2 starts at 00:00:0")).to_be_visible()
    # while it plays: the time taken is the one at the click
    page.locator("[data-testid='qda-turn-play'][data-turn='2']").click()
    page.wait_for_function(f"t => !{AUDIO}.paused && {AUDIO}.currentTime > t + 1.5", arg=at)
    at3 = page.locator("[data-testid='qda-turn-align'][data-turn='3']").evaluate(
        f"b => {{ const t = {AUDIO}.currentTime; b.click(); return t; }}"
    )
    page.locator("[data-testid='qda-turn-play'][data-turn='3']").wait_for(timeout=30_000)
    stored3 = turn_starts(path, ids["untimed"])[3]
    assert stored3 is not None and abs(stored3 - at3) < 0.1, (stored3, at3)
    expect(page.locator("[data-testid='qda-reader-wrap']").first).to_have_attribute(
        "data-playing-turn", "3"
    )
    page.evaluate(f"() => {AUDIO}.pause()")
    shot(page, "aligned")
    # a time before turn 2's start is refused for turn 3, with the reason
    page.evaluate(f"() => {{ {AUDIO}.currentTime = 1; }}")
    page.wait_for_function(f"() => {AUDIO}.currentTime < 1.5")
    click_for_rerun(page, page.locator("[data-testid='qda-turn-align'][data-turn='3']"))
    expect(page.get_by_text("turn 3 cannot start at")).to_be_visible(timeout=30_000)
    assert turn_starts(path, ids["untimed"])[3] == stored3


def _preview(page, url: str, file: Path) -> None:
    page.goto(f"{url}/interviews")
    up = page.locator("[data-testid='stFileUploader']").filter(has_text="Transcript file")
    up.wait_for(timeout=120_000)  # the first run of a fresh server loads the app's modules
    wait_idle(page, timeout=120_000)
    upload(page, up.locator("input[type='file']"), file)
    click_for_rerun(page, page.get_by_role("button", name="Preview"))
    page.get_by_role("button", name="Save to project").wait_for(timeout=30_000)


def _media_files(path: Path) -> list[str]:
    folder = media_dir(path)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_transcript_imported_with_its_recording_and_a_bad_one_refused(app, page, tmp_path):
    url, path, _ = app
    vtt = tmp_path / "second-call.vtt"
    vtt.write_text(
        (DATA / "teams.vtt").read_text(encoding="utf-8").replace("first phase", "second phase"),
        encoding="utf-8",
    )
    _preview(page, url, vtt)
    rec = page.locator("[data-testid='stFileUploader']").filter(has_text="Its recording")
    upload(
        page, rec.locator("input[type='file']"), make_speech(tmp_path / "second.m4a", TEAMS_CUES)
    )
    click_for_rerun(page, page.get_by_role("button", name="Save to project"))
    expect(
        page.get_by_text("Saved second-call.vtt with its recording second.m4a as document")
    ).to_be_visible(timeout=120_000)
    shot(page, "imported-with-recording")
    docs = with_project(path, list_documents)
    doc = int(docs[docs["title"].astype(str) == "second-call"]["id"].iloc[0])
    media = with_project(path, lambda db: interviews.media_for(db, doc))
    assert media is not None and media.original_name == "second.m4a"
    assert media.duration_s and media.duration_s > 29

    # text named .mp3: refused before anything is stored, neither the transcript nor a file
    before_files, before_titles = _media_files(path), titles(path)
    txt = tmp_path / "third-call.txt"
    txt.write_text(LATER.replace("flood", "drought"), encoding="utf-8")
    fake = tmp_path / "notes.mp3"
    fake.write_text("these are my notes, not a recording\n" * 50, encoding="utf-8")
    _preview(page, url, txt)
    rec = page.locator("[data-testid='stFileUploader']").filter(has_text="Its recording")
    upload(page, rec.locator("input[type='file']"), fake)
    click_for_rerun(page, page.get_by_role("button", name="Save to project"))
    error = page.locator("[data-testid='stAlertContentError']").filter(has_text="notes.mp3")
    expect(error).to_be_visible(timeout=60_000)
    expect(error).to_contain_text("Nothing was stored")
    shot(page, "refused")
    assert titles(path) == before_titles
    assert _media_files(path) == before_files


def test_a_recording_attached_later_in_the_recording_section(app, page, tmp_path):
    url, path, ids = app
    read_tab(page, url, "later")
    page.get_by_text("Recording", exact=True).click()
    up = page.locator("[data-testid='stFileUploader']").filter(has_text="Attach a recording")
    up.wait_for(timeout=30_000)
    upload(page, up.locator("input[type='file']"), make_tone(tmp_path / "flood.ogg", 6))
    click_for_rerun(page, page.get_by_role("button", name="Attach", exact=True))
    expect(page.get_by_text("Attached flood.ogg (audio")).to_be_visible(timeout=120_000)
    expect(page.locator("[data-testid='stFileChip']")).to_have_count(0)  # the box is empty again
    expect(page.get_by_text("status: ok")).to_be_visible()
    # the listening reader and its player are there now
    page.wait_for_function(f"() => {AUDIO} && {AUDIO}.readyState >= 1", timeout=30_000)
    shot(page, "attached-later")
    media = with_project(path, lambda db: interviews.media_for(db, ids["later"]))
    assert media is not None and media.original_name == "flood.ogg"
    assert abs(media.duration_s - 6) < 0.2


@pytest.mark.parametrize(
    ("name", "starts"),
    [("whisperx.json", None), ("entrevista.html", [1.0, 4.25])],
)
def test_whisper_and_noscribe_files_import_with_their_times(app, page, tmp_path, name, starts):
    url, path, _ = app
    if name.endswith(".html"):
        file = tmp_path / name
        file.write_text(NOSCRIBE, encoding="utf-8")
    else:
        file = tmp_path / name
        shutil.copy(DATA / name, file)
    expected = interviews.parse_transcript(name, data=file.read_bytes(), name=name)
    _preview(page, url, file)
    expect(page.get_by_text(f"{len(expected.turns)} turns").first).to_be_visible()
    click_for_rerun(page, page.get_by_role("button", name="Save to project"))
    expect(page.get_by_text(f"Saved {name} as document")).to_be_visible(timeout=60_000)
    docs = with_project(path, list_documents)
    doc = int(docs["id"].max())
    got = [t for t in turn_starts(path, doc).values()]
    want = [t.start for t in expected.turns]
    assert got == pytest.approx(want, abs=0.0005)
    if starts is not None:
        assert got == pytest.approx(starts, abs=0.0005)
    shot(page, f"import-{Path(name).suffix.lstrip('.')}")


def test_transcribe_the_recording_into_a_new_transcript(app, page):
    url, path, ids = app
    before = titles(path)
    read_tab(page, url, "teams")
    page.get_by_text("Recording", exact=True).click()
    button = page.get_by_role("button", name="Transcribe recording")
    button.wait_for(timeout=30_000)
    choose(page, "Language", "English", exact_label=True)
    wait_idle(page)
    # every step the status box shows is kept (the model may finish between two looks)
    page.evaluate(
        """() => { window.__steps = new Set();
          const step = /Transcribing call\\.wav \\((\\d+)%\\)/g;
          new MutationObserver(() => {
            for (const m of document.body.innerText.matchAll(step))
              window.__steps.add(Number(m[1]));
          }).observe(document.body, { childList: true, subtree: true, characterData: true }); }"""
    )
    button.click()  # the run lasts as long as the model works: no wait for idle here
    expect(page.get_by_text("Transcribed call.wav")).to_be_visible(timeout=300_000)
    steps = page.evaluate("() => [...window.__steps].sort((a, b) => a - b)")
    assert steps and steps[-1] <= 100, steps  # progress was shown while it worked
    shot(page, "transcribed")
    new = [t for t in titles(path) if t not in before]
    assert new == ["teams (speech to text)"], new
    docs = with_project(path, list_documents)
    doc = int(docs[docs["title"] == new[0]]["id"].iloc[0])
    media = with_project(path, lambda db: interviews.media_for(db, doc))
    assert media is not None and media.original_name == "call.wav"
    starts = [t for t in turn_starts(path, doc).values() if t is not None]
    assert starts and starts == sorted(starts) and 2.5 < starts[0] < 4.0, starts
