"""Issue 15 §1/§4: REFI-QDA imports bounded by what they keep, linear in codes, GUIDs checked,
and a stopped import into a new project leaves no project file behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_inputs import qdpx_many_codes, qdpx_text_bomb

from exports import ImportFileError, import_qdpx, parse_qdpx
from exports.refi.safezip import MAX_TEXT_ENTRY_BYTES, Limits

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024

PROBE = """
import json, resource, sys, time


def _hwm_mb():  # this process image only (ru_maxrss keeps the forking parent's peak)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


sys.path.insert(0, {root!r})
from exports import import_qdpx, ImportFileError
start = time.perf_counter()
try:
    rep = import_qdpx(sys.argv[1], sys.argv[2])
    result = {{"ok": True, "imported": rep.imported}}
except ImportFileError as exc:
    result = {{"ok": False, "message": str(exc)}}
result["seconds"] = time.perf_counter() - start
result["peak_mb"] = _hwm_mb()
print(json.dumps(result))
"""


def _probe(tmp_path: Path, qdpx: Path, project: Path) -> dict:
    script = tmp_path / "probe.py"
    script.write_text(PROBE.format(root=str(ROOT)))
    out = subprocess.run(
        [sys.executable, str(script), str(qdpx), str(project)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_source_over_the_text_cap_is_refused_without_reading_it(tmp_path):
    bomb = qdpx_text_bomb(tmp_path / "big.qdpx", text_mb=MAX_TEXT_ENTRY_BYTES / MB + 2)
    assert bomb.stat().st_size < 0.05 * MAX_TEXT_ENTRY_BYTES  # ~100:1, passes the ratio check
    project = tmp_path / "new.qda.sqlite"
    result = _probe(tmp_path, bomb, project)
    assert not result["ok"]
    assert "over the limit of 16 MB for the text of one source" in result["message"]
    assert result["peak_mb"] < 400
    assert not project.exists()
    assert not list(tmp_path.glob(".new.qda.sqlite*"))


def test_accepted_large_source_imports_under_one_gigabyte(tmp_path):
    qdpx = qdpx_text_bomb(tmp_path / "ok.qdpx", text_mb=4)
    result = _probe(tmp_path, qdpx, tmp_path / "ok.qda.sqlite")
    assert result["ok"] and result["imported"]["documents"] == 1
    assert result["peak_mb"] < 1024, result


def test_text_kept_per_import_is_capped(tmp_path):
    qdpx = qdpx_text_bomb(tmp_path / "many.qdpx", text_mb=3, sources=3)
    with pytest.raises(ImportFileError, match="over the limit of 2 MB for the text of one import"):
        parse_qdpx(qdpx, Limits(max_read_bytes=2 * MB))


def test_codes_sharing_a_guid_are_refused(tmp_path):
    qdpx = qdpx_many_codes(tmp_path / "dup.qdpx", 3, duplicate_guid=True)
    project = tmp_path / "dup.qda.sqlite"
    with pytest.raises(ImportFileError, match="share the GUID"):
        import_qdpx(qdpx, project)
    assert not project.exists()


def test_invalid_guids_are_reported(tmp_path):
    qdpx = qdpx_many_codes(tmp_path / "odd.qdpx", 2)
    import zipfile

    with zipfile.ZipFile(qdpx) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    xml = files["project.qde"].decode()
    first = xml.split('<Code guid="', 1)[1].split('"', 1)[0]
    files["project.qde"] = xml.replace(first, "code-one").encode()
    with zipfile.ZipFile(qdpx, "w") as zf:
        for n, data in files.items():
            zf.writestr(n, data)
    report = import_qdpx(qdpx, tmp_path / "odd.qda.sqlite")
    assert any("not in the standard GUID format" in n and "code-one" in n for n in report.notices)
    assert report.imported["codings"] == 2


def _import_seconds(tmp_path: Path, n: int) -> float:
    qdpx = qdpx_many_codes(tmp_path / f"codes{n}.qdpx", n)
    start = time.perf_counter()
    report = import_qdpx(qdpx, tmp_path / f"codes{n}.qda.sqlite")
    assert report.imported["codes"] == n and report.imported["codings"] == n
    return time.perf_counter() - start


def test_many_codes_import_time_grows_about_linearly(tmp_path):
    small, large = _import_seconds(tmp_path, 150), _import_seconds(tmp_path, 600)
    # 4x the codes: linear is ~4x, the old quadratic import was ~16x
    assert large / small < 9, (small, large)


def test_interrupted_import_into_new_project_leaves_no_file(tmp_path, monkeypatch):
    import exports.refi.store as qi

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(qi, "_store_documents", stop)
    qdpx = qdpx_many_codes(tmp_path / "x.qdpx", 5)
    project = tmp_path / "new.qda.sqlite"
    with pytest.raises(KeyboardInterrupt):
        import_qdpx(qdpx, project)
    assert not project.exists()
    assert not [p for p in tmp_path.iterdir() if "qda.sqlite" in p.name]


def test_killed_import_into_new_project_leaves_no_project_file(tmp_path):
    qdpx = qdpx_many_codes(tmp_path / "slow.qdpx", 1500)
    project = tmp_path / "killed.qda.sqlite"
    script = tmp_path / "probe.py"
    script.write_text(PROBE.format(root=str(ROOT)))
    proc = subprocess.Popen([sys.executable, str(script), str(qdpx), str(project)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(tmp_path.glob(".killed.qda.sqlite.importing*")):
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not project.exists()
    # the next import cleans the partial file the killed one left
    import_qdpx(qdpx_many_codes(tmp_path / "small.qdpx", 3), project)
    assert project.exists()
    assert not list(tmp_path.glob(".killed.qda.sqlite.importing*"))


def test_srt_times_going_backwards_warn_with_line_numbers():
    from interviews.srt import parse_srt

    text = (
        "1\n00:00:10,000 --> 00:00:12,000\nAna: Primera respuesta ficticia.\n\n"
        "2\n00:00:05,000 --> 00:00:06,000\nLuis: Esta va antes en el tiempo.\n\n"
        "3\n00:00:20,000 --> 00:00:22,000\nAna: Y esta sigue bien.\n"
    )
    tr = parse_srt(text, "backwards.srt")
    warned = [w for w in tr.warnings if "backwards" in w]
    assert warned == [
        "backwards.srt: line 6: time goes backwards (this cue starts before the cue at line 2);"
        " check the file's timing"
    ]
    assert len(tr.turns) == 3
