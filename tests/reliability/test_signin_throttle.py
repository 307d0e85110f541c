"""Issue 15 §4: password sign-in slows down and locks out repeated failures per client, logged."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

import ui.auth as auth
from ui.auth import SignInThrottle, hash_password

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_delays_grow_then_lockout_then_expiry(caplog):
    clock = Clock()
    t = SignInThrottle(lock_after=10, window_s=900, lock_s=900, clock=clock)
    with caplog.at_level(logging.WARNING, logger="qda.auth"):
        delays = [t.failed("10.0.0.9") for _ in range(9)]
        assert delays[:6] == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0] and max(delays) == 8.0
        assert sum(delays) > 35  # ten guesses no longer fit in 3.6 s
        assert t.locked_for("10.0.0.9") == 0
        t.failed("10.0.0.9")
        assert t.locked_for("10.0.0.9") > 0
        assert t.locked_for("10.0.0.7") == 0  # per client
    assert any("locked out" in r.message and "10.0.0.9" in r.message for r in caplog.records)
    assert sum(r.message.startswith("sign-in: failed attempt ") for r in caplog.records) == 9
    clock.now += 901
    assert t.locked_for("10.0.0.9") == 0


def test_success_resets_the_count():
    t = SignInThrottle(lock_after=3, clock=Clock())
    t.failed("a")
    t.failed("a")
    t.succeeded("a")
    assert t.failed("a") == 0.25


def test_app_locks_out_after_repeated_wrong_passwords(project_path, monkeypatch):
    monkeypatch.setattr(auth, "THROTTLE", SignInThrottle(lock_after=3))
    monkeypatch.setenv("QDA_PROJECT", str(project_path))
    monkeypatch.setenv("QDA_EXPOSED", "1")
    sys.path.insert(0, str(ROOT))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"password_hash": hash_password("open sesame", iterations=1000)}
    at.run()
    for _ in range(2):
        at.text_input[0].input("wrong")
        at.button[0].click().run()
        assert at.error[0].value == "Wrong password."
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert "locked" in at.error[0].value
    at.text_input[0].input("open sesame")  # even the right password waits out the lock
    at.button[0].click().run()
    assert "Too many failed sign-ins" in at.error[0].value and not at.metric
