"""The progress callback every long operation takes: ``progress(done, total, message)``."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None]
