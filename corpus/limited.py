"""Run one parse in a fresh, limited child process: for callers that are not limited workers.

A Dask worker runs tasks in threads (SIGALRM never fires there) and with no memory cap, so the
task ``timed_parse`` hands the file to ``python -m corpus.limited`` instead: the child limits its
own resident memory, parses with the time limit on its main thread, and is killed (with its
whole process group, e.g. a Tesseract run) when it overruns its time, or its memory as the
parent sees it (``memory_limit.watched_process``: the child's own watchdog needs the child's
interpreter lock, which a C parser can hold while it allocates).  The result comes back pickled.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

from .memory_limit import watched_process
from .parse import OVER_MEMORY, ParseOptions, limit_worker_memory, parse_in_worker

GRACE_S = 15  # beyond the parse time limit before the child is killed from outside

CRASHED = (
    "the parser process died while reading this file: it needed more memory than the limit for"
    " one file (a content stream or image that inflates far beyond the file) or the PDF library"
    " crashed"
)


def run_limited(path: str, options: ParseOptions, memory_bytes: int):
    """Return (path, document or None, error code, reason, seconds) from a limited child."""
    start = time.perf_counter()
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.Popen(
        [sys.executable, "-m", "corpus.limited"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    payload = pickle.dumps((path, options, memory_bytes))
    limit = options.timeout_s + GRACE_S if options.timeout_s > 0 else None
    with watched_process(proc.pid, memory_bytes) as over:
        try:
            out, _ = proc.communicate(payload, timeout=limit)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            reason = f"parsing took longer than {options.timeout_s} s and was stopped"
            return path, None, "timeout", reason, time.perf_counter() - start
    seconds = time.perf_counter() - start
    if over.is_set():
        return path, None, "too_large", OVER_MEMORY, seconds
    if proc.returncode != 0 or not out:
        return path, None, "crashed", CRASHED, seconds
    _path, doc, code, reason = pickle.loads(out)
    return path, doc, code, reason, seconds


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def _child() -> None:
    path, options, memory_bytes = pickle.loads(sys.stdin.buffer.read())
    limit_worker_memory(memory_bytes)
    result = parse_in_worker(path, options)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child()
