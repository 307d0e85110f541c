"""Who else is here: an in-process board of the members with the app open, per project, with the
page and document each is on (each session beats every few seconds; a beat older than
``EXPIRE_S`` is gone).

It lives in the app process, which is right for one server process (sessions are threads of it).
With several app processes behind a proxy it moves into the project file (see ARCHITECTURE.md).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

EXPIRE_S = 10.0


@dataclass(frozen=True)
class Presence:
    """One session's last beat: the member, the page and document they are on, when."""

    member: str
    page: str
    document_id: int | None
    document_title: str
    seen: float


_LOCK = threading.Lock()
_BOARD: dict[str, dict[str, Presence]] = {}  # project path -> session id -> last beat


def beat(
    project: str,
    session: str,
    member: str,
    page: str,
    document_id: int | None = None,
    document_title: str = "",
    now: float | None = None,
) -> None:
    """Record that ``session`` (``member``) is on ``page`` (and ``document_id``) of ``project``."""
    seen = time.monotonic() if now is None else now
    with _LOCK:
        _BOARD.setdefault(str(project), {})[session] = Presence(
            member, page, document_id, document_title, seen
        )
        _expire(seen)


def leave(project: str, session: str) -> None:
    """Forget ``session`` on ``project`` (it switched project)."""
    with _LOCK:
        _BOARD.get(str(project), {}).pop(session, None)


def others(project: str, session: str, member: str, now: float | None = None) -> list[Presence]:
    """Return the other members on ``project`` (not ``member`` in any of their sessions), one
    entry each (their latest beat), by name."""
    at = time.monotonic() if now is None else now
    with _LOCK:
        _expire(at)
        beats = [p for s, p in _BOARD.get(str(project), {}).items() if s != session]
    latest: dict[str, Presence] = {}
    for p in beats:
        if p.member != member and (p.member not in latest or p.seen > latest[p.member].seen):
            latest[p.member] = p
    return sorted(latest.values(), key=lambda p: p.member.casefold())


def describe(p: Presence) -> str:
    """Return 'Bea (Code · Interview 3)' for a presence."""
    where = " · ".join(x for x in (p.page, p.document_title) if x)
    return f"{p.member} ({where})" if where else p.member


def _expire(now: float) -> None:
    for project in list(_BOARD):
        sessions = _BOARD[project]
        for s in [s for s, p in sessions.items() if now - p.seen > EXPIRE_S]:
            del sessions[s]
        if not sessions:
            del _BOARD[project]
