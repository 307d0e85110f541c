"""Bench-only: time every script run of the Streamlit server a bench starts (never imported by
the app; ``bench/bench_team.py`` puts this folder first on the server's PYTHONPATH).

Python imports ``sitecustomize`` at start-up. When ``QDA_BENCH_RUN_TIMES`` names a file, each run
the server makes is appended to it as one line: ``wait_s run_s kind``, where ``wait_s`` is the
time from the browser's rerun request reaching the session to the run starting (queued behind
another run, or behind the server's other threads) and ``run_s`` the run itself; ``kind`` is
``fragment`` (a fragment rerun: a quick key, a live update) or ``page``. Nothing of a project's
text is written.
"""

from __future__ import annotations

import os
import threading
import time

_PATH = os.environ.get("QDA_BENCH_RUN_TIMES")


def _install(path: str) -> None:
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunnerEvent

    lock = threading.Lock()
    request_rerun = AppSession.request_rerun
    on_event = AppSession._on_scriptrunner_event

    def timed_request(self, client_state):
        if getattr(self, "_bench_requested", None) is None:
            self._bench_requested = time.perf_counter()
        return request_rerun(self, client_state)

    def timed_event(self, sender, event, *args, **kwargs):
        now = time.perf_counter()
        if event == ScriptRunnerEvent.SCRIPT_STARTED:
            asked = getattr(self, "_bench_requested", None)
            self._bench_started = now
            self._bench_wait = now - asked if asked is not None else 0.0
            self._bench_requested = None
            frags = kwargs.get("fragment_ids_this_run")
            self._bench_kind = "fragment" if frags else "page"
        elif (
            event
            in (
                ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS,
                ScriptRunnerEvent.FRAGMENT_STOPPED_WITH_SUCCESS,
            )
            and getattr(self, "_bench_started", None) is not None
        ):
            line = f"{self._bench_wait:.4f} {now - self._bench_started:.4f} {self._bench_kind}\n"
            self._bench_started = None
            with lock, open(path, "a") as fh:
                fh.write(line)
        return on_event(self, sender, event, *args, **kwargs)

    AppSession.request_rerun = timed_request
    AppSession._on_scriptrunner_event = timed_event


if _PATH:
    _install(_PATH)
