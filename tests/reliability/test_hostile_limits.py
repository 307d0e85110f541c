"""Issue 15 §1: every file is parsed in a limited worker, whatever the count or the caller.

Hostile inputs are generated at test time (tests/reliability/hostile_inputs.py); the peak RSS
of the parsing process is measured with psutil while the ingest runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from hostile_inputs import PeakRSS, docx_markup_bomb, one_line_text, pdf_bomb
from hostile_inputs import pid_or_hog as _pid_or_hog
from hostile_inputs import sleep_then_pid as _sleep_then_pid

from corpus import ingest_log, list_documents
from corpus.ingest import ingest, timed_parse
from corpus.parse import MAX_TEXT_FILE_BYTES, ParseOptions

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def _in_thread(fn):
    """Run ``fn`` in a non-main thread (as Streamlit runs the app's scripts); return its result."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # re-raised in the test's thread
            box["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def test_single_pdf_bomb_from_app_thread_is_stopped_by_the_worker_memory_cap(tmp_path, db):
    """One file, --workers 1, called from a thread: still a capped worker, not this process."""
    bomb = pdf_bomb(tmp_path / "inflates.pdf", stream_mb=60)
    assert bomb.stat().st_size < 300_000
    start = time.monotonic()
    with PeakRSS() as peak:
        outcomes = _in_thread(
            lambda: ingest(
                [str(bomb)], db, workers=1, memory_bytes=700 * MB, timeout_s=60, backup=False
            )
        )
    seconds = time.monotonic() - start
    (out,) = outcomes
    assert out.status == "failed", out
    assert "memory" in out.reason or "longer than" in out.reason
    assert peak.peak_children < 700 * MB, peak.peak_children
    assert peak.peak_self < 600 * MB  # the calling process never parsed it
    assert seconds < 120
    assert list_documents(db).empty


def test_time_limit_holds_when_ingest_runs_in_a_thread(tmp_path, db):
    """SIGALRM cannot fire in a Streamlit thread: the worker's own main thread enforces it."""
    slow = pdf_bomb(tmp_path / "slow.pdf", stream_mb=60)
    outcomes = _in_thread(lambda: ingest([str(slow)], db, workers=1, timeout_s=1, backup=False))
    (out,) = outcomes
    assert out.status == "failed"
    assert "longer than 1 s" in out.reason or "memory" in out.reason


def test_parse_outside_a_worker_runs_in_a_limited_child(tmp_path):
    """A Dask worker thread (or any executor) calls timed_parse: it hands the file to a child."""
    ok = tmp_path / "ok.txt"
    ok.write_text("Una entrevista ficticia.\n\nSegundo párrafo.")
    path, doc, code, reason, _s = _in_thread(lambda: timed_parse(str(ok), ParseOptions()))
    assert doc is not None and "Segundo párrafo" in doc.text and code == ""
    bomb = pdf_bomb(tmp_path / "inflates.pdf", stream_mb=60)
    options = ParseOptions(memory_bytes=600 * MB, timeout_s=60)
    with PeakRSS() as peak:
        _p, doc, code, reason, _s = _in_thread(lambda: timed_parse(str(bomb), options))
    assert doc is None and code in ("crashed", "too_large", "timeout"), (code, reason)
    assert peak.peak_children < 600 * MB, peak.peak_children / MB


def test_docx_with_megabytes_of_markup_streams_in_little_memory(tmp_path, db):
    docx = docx_markup_bomb(tmp_path / "markup.docx", xml_mb=12)
    with PeakRSS() as peak:
        (out,) = ingest([str(docx)], db, workers=1, backup=False)
    assert out.status == "ok", out.reason
    assert peak.peak_children < 450 * MB, peak.peak_children / MB


def test_text_file_over_the_document_cap_is_refused_before_reading(tmp_path, db):
    big = one_line_text(tmp_path / "one-line.txt", mb=MAX_TEXT_FILE_BYTES / MB + 1)
    (out,) = ingest([str(big)], db, workers=1, backup=False)
    assert out.status == "failed"
    assert "over the limit" in out.reason and "split it" in out.reason


def test_one_line_text_memory_is_linear_in_its_size(tmp_path, db):
    """Peak worker RSS per input MB stays bounded (bench/bench_limits.py prints the full curve)."""
    peaks = []
    for mb in (2, 8):
        f = one_line_text(tmp_path / f"line{mb}.txt", mb=mb)
        with PeakRSS() as peak:
            (out,) = ingest([str(f)], db, workers=1, backup=False)
        assert out.status == "ok", out.reason
        peaks.append(peak.peak_children)
    growth_per_mb = (peaks[1] - peaks[0]) / (6 * MB)
    assert growth_per_mb < 20, growth_per_mb  # bytes of RSS per byte of input


KILL_SCRIPT = """
import sys, time
sys.path.insert(0, {root!r})
from corpus.ingest import ingest
from projectfile import open_project

def slow_parse(path, options):
    from corpus.ingest import timed_parse
    time.sleep(0.3)
    return timed_parse(path, options)

if __name__ == "__main__":
    db = open_project(sys.argv[1])
    ingest([sys.argv[2]], db, workers=2, parser=slow_parse, backup=False)
"""


def test_killed_ingest_logged_what_it_stored_and_leaves_no_parser_alive(tmp_path, project_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        (folder / f"doc{i:03}.txt").write_text(f"Documento ficticio número {i}.\n\nTexto {i}.")
    script = tmp_path / "run_ingest.py"
    script.write_text(KILL_SCRIPT.format(root=str(ROOT)))
    proc = subprocess.Popen([sys.executable, str(script), str(project_path), str(folder)])
    from projectfile import open_project

    deadline = time.monotonic() + 90
    seen: set[int] = set()
    while time.monotonic() < deadline:
        try:
            seen |= {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
        except psutil.Error:
            pass
        db = open_project(project_path)
        try:
            stored = len(list_documents(db))
        finally:
            db.conn.close()
        if stored >= 5:
            break
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    db = open_project(project_path)
    try:
        stored = len(list_documents(db))
        logged = ingest_log(db)
    finally:
        db.conn.close()
    assert 5 <= stored < 60
    ok_logged = set(logged[logged.status == "ok"].document_id.dropna().astype(int))
    assert len(ok_logged) >= stored - 1  # at most the one being written when killed
    assert seen
    end = time.monotonic() + 15
    while time.monotonic() < end and any(psutil.pid_exists(p) and _alive(p) for p in seen):
        time.sleep(0.2)
    assert not [p for p in seen if psutil.pid_exists(p) and _alive(p)]


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


@pytest.mark.slow
def test_full_size_pdf_bomb_from_the_probe_under_the_default_cap(tmp_path, db):
    """The probe's 611 KB PDF inflating to 200 MB: 17.5 GB and 309 s before; capped now."""
    bomb = pdf_bomb(tmp_path / "probe.pdf", stream_mb=200)
    with PeakRSS() as peak:
        (out,) = ingest([str(bomb)], db, workers=1, backup=False)
    assert out.status == "failed"
    assert peak.peak_children < ParseOptions.memory_bytes


def test_app_upload_path_parses_in_a_limited_worker(tmp_path, db):
    """The Corpus page calls corpus.ingest_uploads from Streamlit's script thread."""
    from corpus import ingest_uploads

    bomb = pdf_bomb(tmp_path / "upload.pdf", stream_mb=2)
    files = [("upload.pdf", bomb.read_bytes()), ("nota.txt", b"Una nota ficticia.")]
    with PeakRSS() as peak:
        outcomes = _in_thread(lambda: ingest_uploads(db, files, tmp_path / "uploads", workers=1))
    status = {o.path.rsplit("/", 1)[-1]: o.status for o in outcomes}
    assert status["nota.txt"] == "ok"
    assert peak.peak_self < 600 * MB  # the app's process never parsed the PDF
    assert peak.peak_children < ParseOptions.memory_bytes


def test_limited_map_runs_each_item_in_a_capped_worker_and_reports_failures():
    """What the interview import uses: no parse in the calling process, a hog fails alone."""
    from corpus import limited_map

    out = list(
        limited_map(
            _pid_or_hog,
            [0, 2000, 0],
            on_error=lambda item, msg: ("failed", item, msg),
            memory_bytes=900 * MB,
        )
    )
    assert out[0] != os.getpid() and isinstance(out[0], int)
    assert out[1][0] == "failed" and "memory" in out[1][2]
    assert isinstance(out[2], int)


def test_transcript_import_from_a_thread_parses_in_a_worker(tmp_path, db):
    from interviews import import_transcripts

    vtt = tmp_path / "entrevista.vtt"
    vtt.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ana>Hola, esto es ficticio.\n\n"
        "00:00:04.000 --> 00:00:06.000\n<v Luis>Y esto también.\n",
        encoding="utf-8",
    )
    (out,) = _in_thread(lambda: import_transcripts([str(vtt)], db))
    assert out.status == "ok", out.reason


def test_limited_map_stops_an_item_over_its_time_limit_and_goes_on():
    from corpus import limited_map

    out = list(
        limited_map(
            _sleep_then_pid,
            [60, 0],
            on_error=lambda item, msg: ("failed", item, msg),
            timeout_s=8,
        )
    )
    assert out[0][0] == "failed" and "longer than 8 s" in out[0][2]
    assert isinstance(out[1], int)
