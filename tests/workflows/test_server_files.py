"""Issue 25 §1: the one confinement rule for server paths the app is given (workflows.server_files).

Every hostile value (a file elsewhere, ``..``, a symlink leading out, a device, a FIFO, a file over
the limit) is refused with its name and the reason before a byte is read; nothing blocks.
"""

from __future__ import annotations

import os
import threading
import time

import pytest

from workflows.server_files import (
    IMPORT_DIR_ENV,
    ServerFileRefused,
    confined_path,
    import_folder,
    project_path,
    read_confined,
)


@pytest.fixture
def folder(tmp_path):
    """An import folder with one transcript, a symlink out, a FIFO and a secret beside it."""
    inside = tmp_path / "imports"
    inside.mkdir()
    (inside / "ok.txt").write_text("Interviewer: hello\n\nExpert: hi\n", encoding="utf-8")
    (tmp_path / "key.csv").write_text("Ana Robles,Expert 1\n", encoding="utf-8")
    (inside / "out.txt").symlink_to(tmp_path / "key.csv")
    (inside / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(inside / "pipe.txt")
    (inside / "sub").mkdir()
    return inside


HOSTILE = [
    ("/etc/passwd", "outside"),
    ("../key.csv", "outside"),
    ("sub/../../key.csv", "outside"),
    ("out.txt", "through a symlink outside"),
    ("/dev/zero", "outside"),
    ("zero.txt", "outside"),
    ("pipe.txt", "FIFO"),
    ("sub", "folder"),
    ("missing.txt", "no such file"),
    ("", "not a usable file name"),
    ("a\x00b", "not a usable file name"),
]


def _read_with_deadline(value, folder, **kw):
    """read_confined in a thread: a blocking open of a FIFO would never return."""
    box: dict = {}

    def go():
        try:
            box["ok"] = read_confined(value, folder, **kw)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["err"] = exc

    t = threading.Thread(target=go, daemon=True)
    start = time.monotonic()
    t.start()
    t.join(5)
    assert not t.is_alive(), f"{value!r}: reading blocked"
    assert time.monotonic() - start < 5
    return box


@pytest.mark.parametrize(("value", "reason"), HOSTILE)
def test_server_files_refuses_hostile_paths_naming_file_and_reason(folder, value, reason):
    box = _read_with_deadline(value, folder)
    err = box.get("err")
    assert isinstance(err, ServerFileRefused), box
    assert reason in str(err)
    if value and "\x00" not in value:
        assert value in str(err)


def test_server_files_reads_a_file_inside_the_folder(folder):
    data, path = read_confined("ok.txt", folder)
    assert data.startswith(b"Interviewer:") and path == (folder / "ok.txt").resolve()
    # an absolute path inside the folder, and a symlink that stays inside, are fine
    (folder / "again.txt").symlink_to(folder / "ok.txt")
    assert read_confined(str(folder / "again.txt"), folder)[1] == path


def test_server_files_checks_the_size_before_reading(folder):
    big = folder / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(5_000_000)  # sparse: no bytes to read, a size to check
    with pytest.raises(ServerFileRefused, match=r"big.txt.*larger than the 1.0 MB limit"):
        read_confined("big.txt", folder, max_bytes=2**20)


def test_server_files_suffixes_and_no_folder(folder, monkeypatch):
    (folder / "secrets.toml").write_text("x = 1\n")
    with pytest.raises(ServerFileRefused, match=r"secrets.toml.*not a \.txt file"):
        read_confined("secrets.toml", folder, suffixes=(".txt",))
    with pytest.raises(ServerFileRefused, match="does not read files on the server"):
        read_confined("ok.txt", None)
    monkeypatch.delenv(IMPORT_DIR_ENV, raising=False)
    assert import_folder() is None  # default: the app reads no server file
    monkeypatch.setenv(IMPORT_DIR_ENV, str(folder))
    assert import_folder() == folder.resolve()
    monkeypatch.setenv(IMPORT_DIR_ENV, str(folder / "ok.txt"))  # not a folder
    assert import_folder() is None


def test_server_files_refuses_a_fifo_swapped_in_after_the_check(folder, monkeypatch):
    """The open itself neither blocks nor follows: a FIFO that replaces the checked file is
    refused by the check of the open file."""
    import workflows.server_files as sf

    target = folder / "swap.txt"
    target.write_text("x")
    real = sf.confined_path

    def swap(*args, **kw):
        path = real(*args, **kw)
        target.unlink()
        os.mkfifo(target)
        return path

    monkeypatch.setattr(sf, "confined_path", swap)
    box = _read_with_deadline("swap.txt", folder)
    assert isinstance(box.get("err"), ServerFileRefused) and "FIFO" in str(box["err"])


def test_server_files_project_paths_open_and_create_inside_the_folder(folder, tmp_path):
    (folder / "a.qda.sqlite").write_bytes(b"")
    (tmp_path / "elsewhere.qda.sqlite").write_bytes(b"")
    (folder / "link.qda.sqlite").symlink_to(tmp_path / "elsewhere.qda.sqlite")
    os.mkfifo(folder / "fifo.qda.sqlite")
    assert project_path("a.qda.sqlite", folder) == (folder / "a.qda.sqlite").resolve()
    assert project_path("new", folder, create=True) == (folder / "new.qda.sqlite").resolve()
    for value, reason in [
        (str(tmp_path / "elsewhere.qda.sqlite"), "outside the projects folder"),
        ("../elsewhere.qda.sqlite", "outside the projects folder"),
        ("link.qda.sqlite", "through a symlink outside"),
        ("fifo.qda.sqlite", "FIFO"),
        ("/etc/passwd", "outside"),
        ("ok.txt", "not a .sqlite file"),
    ]:
        with pytest.raises(ServerFileRefused, match=reason):
            project_path(value, folder)
    for value, reason in [
        ("a", "already exists"),
        ("../escape", "outside the projects folder"),
        (str(tmp_path / "escape"), "outside the projects folder"),
        ("nosuch/x", "no such folder"),
        ("fifo.qda.sqlite", "FIFO"),
    ]:
        with pytest.raises(ServerFileRefused, match=reason):
            project_path(value, folder, create=True)
    assert not (tmp_path / "escape.qda.sqlite").exists()


def test_server_files_confined_path_opens_nothing(folder):
    # the check alone never opens: a FIFO is refused by its mode, without a reader
    with pytest.raises(ServerFileRefused, match="FIFO"):
        confined_path("pipe.txt", folder)
