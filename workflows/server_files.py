"""Files on the server that the app may name: only inside a folder the owner chose.

The app reads what members upload. A path typed into the app is a file on the *server*, so it is
confined to one folder: the import folder (``$QDA_IMPORT_DIR``, unset by default, so the app reads
no server file at all) for documents and transcripts, the projects folder for project files. The
command line takes local paths as it always did and never comes here.

``confined_path`` is the one check: the value is resolved (``..`` and symlinks followed) and must
stay inside the folder, name a regular file (never a device such as ``/dev/zero``, a FIFO, a
socket or a folder) and, when a limit is given, be no larger than it; all before a byte is read.
``read_confined`` then opens without following a symlink and without blocking, checks the open
file again (it may have been swapped since) and reads at most the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from projectfile import QdaError

IMPORT_DIR_ENV = "QDA_IMPORT_DIR"
MAX_SERVER_FILE_BYTES = 50 * 1024 * 1024  # the transcript and text-file limit
MAX_VALUE_CHARS = 1024


class ServerFileRefused(QdaError):
    """A server path the app may not read or write, with the file and the reason."""

    def __init__(self, value: str, reason: str):
        shown = value if len(value) <= 200 else value[:200] + "…"
        super().__init__(f"'{shown}': {reason}")
        self.value, self.reason = value, reason


def import_folder() -> Path | None:
    """Return the import folder the owner configured ($QDA_IMPORT_DIR, resolved), or None."""
    env = os.environ.get(IMPORT_DIR_ENV, "").strip()
    if not env:
        return None
    folder = Path(env).expanduser().resolve()
    return folder if folder.is_dir() else None


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n < 2**20 * 10 else f"{n // 2**20} MB"


def confined_path(
    value: str | os.PathLike,
    folder: Path | None,
    *,
    what: str = "the import folder",
    must_exist: bool = True,
    suffixes: tuple[str, ...] = (),
    max_bytes: int | None = None,
) -> Path:
    """Return the resolved path ``value`` names inside ``folder`` (a name, a relative or an
    absolute path); raise ServerFileRefused naming the file and the reason otherwise.

    Refused: no folder configured, an empty or unusable value, a path (through ``..`` or a symlink)
    that leaves ``folder``, a missing file (when ``must_exist``), anything but a regular file, a
    name without one of ``suffixes``, a file larger than ``max_bytes``. Nothing is opened.
    """
    text = os.fspath(value).strip() if isinstance(value, (str, os.PathLike)) else ""
    if folder is None:
        raise ServerFileRefused(
            text,
            "the app does not read files on the server: upload the file instead (whoever runs "
            f"the workbench can set ${IMPORT_DIR_ENV} to a folder the app may import from)",
        )
    if not text or "\x00" in text or len(text) > MAX_VALUE_CHARS:
        raise ServerFileRefused(text, "not a usable file name")
    root = Path(folder).resolve()
    raw = Path(text).expanduser()
    candidate = raw if raw.is_absolute() else root / raw
    try:
        resolved = candidate.resolve(strict=False)
    except (OSError, RuntimeError):  # a symlink loop
        raise ServerFileRefused(text, "the path cannot be resolved (a symlink loop?)") from None
    if resolved == root or not resolved.is_relative_to(root):
        how = (
            "through a symlink "
            if candidate.absolute() != resolved and _has_link(candidate)
            else ""
        )
        raise ServerFileRefused(
            text, f"leads {how}outside {what} ({root}); only files inside it can be used"
        )
    if suffixes and not resolved.name.lower().endswith(tuple(s.lower() for s in suffixes)):
        raise ServerFileRefused(text, f"not a {' or '.join(suffixes)} file")
    try:
        st = os.stat(resolved)
    except FileNotFoundError:
        if must_exist:
            raise ServerFileRefused(text, f"no such file in {what}") from None
        return resolved
    except OSError as exc:
        raise ServerFileRefused(text, f"cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise ServerFileRefused(text, f"{_kind(st.st_mode)}, not a regular file: refused")
    if max_bytes is not None and st.st_size > max_bytes:
        raise ServerFileRefused(
            text,
            f"file of {_mb(st.st_size)} is larger than the {_mb(max_bytes)} limit: "
            "split it into smaller files",
        )
    return resolved


def _has_link(path: Path) -> bool:
    """Return True when some component of ``path`` is a symlink."""
    for p in (path, *path.parents):
        try:
            if p.is_symlink():
                return True
        except OSError:
            return False
    return False


def read_confined(
    value: str | os.PathLike,
    folder: Path | None,
    *,
    what: str = "the import folder",
    suffixes: tuple[str, ...] = (),
    max_bytes: int = MAX_SERVER_FILE_BYTES,
) -> tuple[bytes, Path]:
    """Return the bytes of the file ``value`` names inside ``folder`` and its resolved path.

    ``confined_path`` checks it first; the open neither follows a symlink nor blocks (a FIFO
    swapped in after the check), the open file is checked again and at most ``max_bytes`` are
    read (a file grown since the check is refused).
    """
    path = confined_path(value, folder, what=what, suffixes=suffixes, max_bytes=max_bytes)
    text = os.fspath(value).strip()
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise ServerFileRefused(text, f"cannot be opened ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise ServerFileRefused(text, f"{_kind(st.st_mode)}, not a regular file: refused")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ServerFileRefused(
            text, f"file is larger than the {_mb(max_bytes)} limit: split it into smaller files"
        )
    return data, path


def project_path(value: str | os.PathLike, folder: Path, *, create: bool = False) -> Path:
    """Return the project file ``value`` names inside the projects folder ``folder``.

    ``value`` is a name (``second``, ``second.qda.sqlite``) or a path inside ``folder``. Opening
    needs an existing regular ``*.sqlite`` file there; creating needs a name that is free, in a
    folder that exists inside ``folder`` (``.qda.sqlite`` is added when missing). Anything else
    raises ServerFileRefused naming the file and the reason.
    """
    text = os.fspath(value).strip() if isinstance(value, (str, os.PathLike)) else ""
    what = "the projects folder"
    if not create:
        return confined_path(text, folder, what=what, suffixes=(".sqlite",))
    if text and not text.endswith(".sqlite"):
        text += ".qda.sqlite"
    target = confined_path(text, folder, what=what, must_exist=False, suffixes=(".sqlite",))
    if os.path.lexists(target):
        raise ServerFileRefused(text, "already exists (use Open)")
    if not target.parent.is_dir():
        raise ServerFileRefused(text, f"no such folder in {what}")
    return target
