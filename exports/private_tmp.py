"""A private folder for temporary files holding project text (xlsxwriter's worksheets, upload
copies): mode 0700 under the system temporary folder, one subfolder per run, removed on
success and on failure, and left-overs of killed runs removed the next time one starts.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

_RUN = re.compile(r"^run-(\d+)-")


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


def clean_stale() -> int:
    """Remove run folders left by processes that no longer exist; return how many."""
    removed = 0
    root = private_root()
    for d in root.iterdir():
        m = _RUN.match(d.name)
        if not m or _alive(int(m.group(1))):
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def private_tempdir() -> Iterator[Path]:
    """Yield a fresh 0700 folder inside the private root; remove it afterwards, whatever happens."""
    clean_stale()
    path = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=private_root()))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
