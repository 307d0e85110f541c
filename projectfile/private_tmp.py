"""A private folder for temporary files holding project text, and a record of what a run may
leave behind if it is killed.

The folder is ``<system temp>/qda-private-<uid>`` (0700, refused when it is a link or another
user's). Temporary copies (a merge's copy of the other project, a staged REFI import, xlsxwriter's
worksheets, uploads) live in ``run-<pid>-*`` folders inside it, removed on success and on failure.
Work that must write beside the project file to rename into place at the end (a new project
built by a REFI import, a search index being built) names those paths in a run record
(``runs/<pid>-*.json`` inside the folder) for as long as it runs. A SIGKILL runs no clean-up, so
``clean_leftovers`` — called at the start of every command and of the app — removes the folders
and recorded paths of processes that no longer exist and returns what it removed, so the person
is told.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .clock import now_iso

_RUN = re.compile(r"^run-(\d+)-")
_RECORD = re.compile(r"^(\d+)-[0-9a-f]+\.json$")
_HALF_WRITTEN = re.compile(r"^\.(\d+)-[0-9a-f]+\.json\.tmp$")
_CLAIMED = re.compile(r"^\.claimed-(\d+)-(?P<name>\d+-[0-9a-f]+\.json)$")


def private_root() -> Path:
    """Return the per-user private temporary folder (created 0700; refused if not ours)."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    root = Path(tempfile.gettempdir()) / f"qda-private-{uid}"
    root.mkdir(mode=0o700, exist_ok=True)
    info = os.lstat(root)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise OSError(f"{root}: not a private folder (a link or a file)")
    if hasattr(os, "getuid") and info.st_uid != uid:
        raise OSError(f"{root}: belongs to another user; refusing to write project text there")
    if stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(root, 0o700)
    return root


def _start_time(pid: int) -> str | None:
    """Return the kernel's start time of process ``pid`` (Linux), to tell a reused pid apart."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw.rsplit(")", 1)[-1].split()[19]


def _alive(pid: int, started: str | None = None) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return started is None or _start_time(pid) in (None, started)


def private_mkdtemp(prefix: str = "run") -> Path:
    """Return a new 0700 folder in the private root that the caller removes (a kill leaves it
    to the next ``clean_leftovers``)."""
    root = private_root()
    tag = re.sub(r"[^A-Za-z0-9_.-]", "_", prefix)[:40]
    return Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-{tag}-", dir=root))


@contextlib.contextmanager
def private_tempdir(prefix: str = "run") -> Iterator[Path]:
    """Yield a fresh 0700 folder inside the private root; remove it afterwards, whatever happens."""
    clean_stale()
    path = private_mkdtemp(prefix)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def clean_stale() -> int:
    """Remove run folders left by processes that no longer exist; return how many."""
    return len(_stale_folders(remove=True))


def _stale_folders(remove: bool) -> list[Path]:
    found = []
    for d in private_root().iterdir():
        m = _RUN.match(d.name)
        if not m or _alive(int(m.group(1))):
            continue
        if remove:
            shutil.rmtree(d, ignore_errors=True)
            if d.exists():
                continue
        found.append(d)
    return found


@dataclass
class RunRecord:
    """What one running process may leave behind: ``paths`` to remove if it is killed, and
    ``info`` for the next start's report (e.g. the files an ingest had still to read)."""

    kind: str
    paths: list[str] = field(default_factory=list)
    info: dict = field(default_factory=dict)
    pid: int = 0
    started: str | None = None
    at: str = ""
    file: Path | None = None

    def add(self, *paths: str | os.PathLike) -> None:
        """Add paths to remove if this run is killed (written before the caller creates them)."""
        self.paths += [str(p) for p in paths]
        self._write()

    def _write(self) -> None:
        if self.file is None:
            return
        data = dict(
            kind=self.kind,
            paths=self.paths,
            info=self.info,
            pid=self.pid,
            started=self.started,
            at=self.at,
        )
        tmp = self.file.with_name(f".{self.file.name}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, self.file)


def _records_dir() -> Path:
    folder = private_root() / "runs"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


@contextlib.contextmanager
def run_record(kind: str, paths: Iterable[str | os.PathLike] = (), **info) -> Iterator[RunRecord]:
    """Record, for as long as the block runs, the paths this run may leave behind and ``info``
    about its work; the record goes when the block ends, however it ends (only a kill keeps
    it, for ``clean_leftovers``)."""
    pid = os.getpid()
    record = RunRecord(
        kind,
        [str(p) for p in paths],
        info,
        pid,
        _start_time(pid),
        now_iso(),
        _records_dir() / f"{pid}-{uuid.uuid4().hex[:12]}.json",
    )
    record._write()
    try:
        yield record
    finally:
        if record.file is not None:
            record.file.unlink(missing_ok=True)


@dataclass
class Leftover:
    """What a killed run left and ``clean_leftovers`` removed."""

    kind: str
    removed: list[str]
    info: dict = field(default_factory=dict)
    pid: int = 0
    at: str = ""


def _remove(path: Path) -> bool:
    if not os.path.lexists(path):
        return False
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()
    return not os.path.lexists(path)


def clean_leftovers() -> list[Leftover]:
    """Remove what processes that no longer exist left behind (their private run folders and the
    paths their run records name); return one ``Leftover`` per killed run or folder.

    Two processes starting at once never both handle one record: each claims it by renaming it
    first.
    """
    found: list[Leftover] = []
    for folder in _stale_folders(remove=True):
        m = _RUN.match(folder.name)
        found.append(Leftover("temporary folder", [str(folder)], pid=int(m.group(1)) if m else 0))
    records = _records_dir()
    for f in list(records.iterdir()):
        half, claimed = _HALF_WRITTEN.match(f.name), _CLAIMED.match(f.name)
        if half and not _alive(int(half.group(1))):
            f.unlink(missing_ok=True)  # a record being rewritten when its process was killed
        elif claimed and not _alive(int(claimed.group(1))):
            with contextlib.suppress(OSError):  # its cleaner was killed too: handle it again
                os.rename(f, f.with_name(claimed.group("name")))
    for f in sorted(records.iterdir()):
        m = _RECORD.match(f.name)
        if not m:
            continue
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {"pid": int(m.group(1)), "kind": "unknown", "paths": []}
        if _alive(int(data.get("pid") or m.group(1)), data.get("started")):
            continue
        claimed = f.with_name(f".claimed-{os.getpid()}-{f.name}")
        try:
            os.rename(f, claimed)
        except FileNotFoundError:
            continue  # another process claimed it
        removed = [p for p in data.get("paths", []) if _remove(Path(p))]
        found.append(
            Leftover(
                str(data.get("kind", "unknown")),
                removed,
                dict(data.get("info") or {}),
                int(data.get("pid") or 0),
                str(data.get("at") or ""),
            )
        )
        claimed.unlink(missing_ok=True)
    return found
