"""A resident-memory limit per parsing process: a watchdog thread samples RSS and stops the parse.

A cap on virtual address space (RLIMIT_AS) misfires: BLAS, numba and model libraries reserve
address space they never touch, so an ordinary two-paragraph file was refused under a 550 MB
cap.  What the limit is meant to bound is resident memory, so that is what is measured: a
daemon thread reads ``/proc/self/statm`` every 20 ms (and the process's children, e.g. a
Tesseract run, every half second) while a parse is armed.  Past ``SOFT_SHARE`` of the limit it
raises ``OverMemory`` in the main thread (a signal, so a parse in Python code unwinds and the
file fails as ``too_large``); past ``HARD_SHARE`` (the main thread is in C code, e.g. pdfium,
and cannot unwind) the process kills its children and itself, which the parent reports as a
crash that needed more memory than the limit.  The margin below the limit covers what grows
between two samples when the machine is loaded.  The limit is per process; cgroup v2 ``memory.max``
would need a delegated cgroup per worker, which most machines and containers do not give.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator

SOFT_SHARE = 0.85  # of the limit: the parse is asked to stop (OverMemory in the main thread)
HARD_SHARE = 0.95  # of the limit: the process is killed (a sample may come late under load)
INTERVAL_S = 0.02
CHILDREN_EVERY = 25  # samples between two looks at the children (0.5 s)
_SIGNAL = signal.SIGUSR1
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

_STATE: dict = {"limit": 0, "armed": 0, "fired": False, "thread": None}


class OverMemory(BaseException):  # not Exception: parsers catch those per page
    """Raised in the main thread when the process's resident memory passes the soft limit."""


def rss_bytes(pid: int | str = "self") -> int:
    """Return the resident set size of process ``pid`` in bytes (0 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _children(pid: int | None = None) -> list[int]:
    """Return the pids of a process's descendants (default: this one's; psutil: /proc has no
    cheap list)."""
    try:
        import psutil

        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except Exception:  # psutil missing or a child gone mid-scan: no children counted
        return []


def memory_limit() -> int:
    """Return this process's resident-memory limit in bytes (0: none)."""
    return _STATE["limit"]


def start_memory_watchdog(limit_bytes: int) -> None:
    """Limit this process's resident memory to ``limit_bytes`` (call from the main thread)."""
    _STATE["limit"] = int(limit_bytes)
    if limit_bytes <= 0 or _STATE["thread"] is not None or not os.path.exists("/proc/self/statm"):
        return
    signal.signal(_SIGNAL, _on_signal)
    main = threading.main_thread().ident
    thread = threading.Thread(target=_watch, args=(main,), name="memory-watchdog", daemon=True)
    _STATE["thread"] = thread
    thread.start()


def _on_signal(signum, frame) -> None:
    if _STATE["armed"] and not _STATE.get("raised"):
        _STATE["raised"] = True
        raise OverMemory()


def _watch(main_ident: int) -> None:
    tick, kids = 0, 0
    while True:
        time.sleep(INTERVAL_S)
        limit = _STATE["limit"]
        if not _STATE["armed"] or not limit:
            continue
        tick += 1
        if tick % CHILDREN_EVERY == 0:
            kids = sum(rss_bytes(pid) for pid in _children())
        rss = rss_bytes() + kids
        if rss >= HARD_SHARE * limit:
            _kill_self()
        if rss >= SOFT_SHARE * limit and not _STATE["fired"]:
            _STATE["fired"] = True
            with contextlib.suppress(OSError, RuntimeError):
                signal.pthread_kill(main_ident, _SIGNAL)


def _kill_self() -> None:
    for pid in _children():
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


@contextlib.contextmanager
def memory_guard() -> Iterator[None]:
    """Arm the watchdog for the work inside (a no-op where no limit was started)."""
    if not _STATE["limit"] or _STATE["thread"] is None:
        yield
        return
    _STATE.update(armed=_STATE["armed"] + 1, fired=False, raised=False)
    try:
        yield
    finally:
        _STATE["armed"] -= 1
        if _STATE["fired"]:
            release_memory()


def release_memory() -> None:
    """Give freed memory back to the system after a file that went over (glibc keeps it)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def guarded_call(fn: Callable, item):
    """Worker task: return ``fn(item)`` under the memory guard (MemoryError when over it)."""
    try:
        with memory_guard():
            return fn(item)
    except OverMemory:
        raise MemoryError("over the per-process memory limit") from None


@contextlib.contextmanager
def watched_process(pid: int, limit_bytes: int) -> Iterator[threading.Event]:
    """Watch process ``pid`` (and its descendants) from outside while the block runs: past
    ``HARD_SHARE`` of ``limit_bytes`` its process group is killed and the yielded event set.

    The child's own watchdog is a thread of the child: it cannot run while the child's main
    thread holds the interpreter lock in C code, and a fast machine can allocate gigabytes in
    that time.  The parent waiting on the child is idle, so its thread samples every 10 ms."""
    over, done = threading.Event(), threading.Event()

    def watch() -> None:
        tick, kids = 0, []
        while not done.wait(0.01):
            if tick % 10 == 0:
                kids = _children(pid)
            tick += 1
            if rss_bytes(pid) + sum(rss_bytes(k) for k in kids) >= HARD_SHARE * limit_bytes:
                over.set()
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
                return

    thread = threading.Thread(target=watch, name=f"memory-watch-{pid}", daemon=True)
    if limit_bytes > 0 and os.path.exists(f"/proc/{pid}/statm"):
        thread.start()
    try:
        yield over
    finally:
        done.set()
        if thread.is_alive():
            thread.join()
