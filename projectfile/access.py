"""What a write is, and who is writing: the declarations the access policy is checked against.

This floor knows no roles. Each package marks its public write functions with ``@writes(op)``
(``op`` names the kind of change: ``"code"``, ``"codebook"``, ``"documents"`` ...) and a function
that decides at run time opens ``operation(op)``; both push ``op`` on a per-thread/task stack.
``transaction()`` calls every write guard on the connection with ``(db, current_operations())``
before its outermost ``BEGIN``, so a guard (``workflows.access``) sees the outermost declared op
and refuses before anything is written. ``bind_actor`` records who works on a connection (read by
``coding.scope_where`` to hide other coders' work in blind rounds); ``on_open`` hooks run after
``open_project`` (the command line binds its member there).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
from collections.abc import Callable, Iterator
from typing import TypeVar

import sqlite_utils

F = TypeVar("F", bound=Callable)
Guard = Callable[[sqlite_utils.Database, tuple[str, ...]], None]
OpenHook = Callable[[sqlite_utils.Database, object, bool], None]

_OPS: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("qda_ops", default=())
_GUARDS_ATTR = "_qda_write_guards"
_ACTOR_ATTR = "_qda_actor"
# "module.qualname" -> op of every function declared with @writes (the roles test walks it)
_DECLARED: dict[str, str] = {}
_OPEN_HOOKS: list[OpenHook] = []


@dataclasses.dataclass(frozen=True)
class BoundActor:
    """Who works on a connection: a member's name and whether they see every coder's work."""

    name: str
    sees_all: bool = True
    permits: Callable[[str], bool] | None = dataclasses.field(default=None, compare=False)


def writes(op: str) -> Callable[[F], F]:
    """Declare the decorated function a write of kind ``op`` (checked by the write guards)."""

    def decorate(fn: F) -> F:
        _DECLARED[f"{fn.__module__}.{fn.__qualname__}"] = op

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            outermost = not _OPS.get()
            with operation(op):
                if outermost:  # refuse before any work (a parse, a model) rather than at BEGIN
                    db = next(
                        (
                            a
                            for a in (*args, *kwargs.values())
                            if isinstance(a, sqlite_utils.Database)
                        ),
                        None,
                    )
                    if db is not None:
                        check_write(db, early=True)
                return fn(*args, **kwargs)

        wrapper.qda_op = op  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


@contextlib.contextmanager
def operation(op: str) -> Iterator[None]:
    """Run the block as a write of kind ``op`` (nested ops are checked by the outermost)."""
    token = _OPS.set((*_OPS.get(), op))
    try:
        yield
    finally:
        _OPS.reset(token)


def current_operations() -> tuple[str, ...]:
    """Return the declared ops of the running code, outermost first (empty: none declared)."""
    return _OPS.get()


def declared_writes() -> dict[str, str]:
    """Return {"module.qualname": op} of every function declared with ``@writes``."""
    return dict(_DECLARED)


def add_write_guard(
    db: sqlite_utils.Database, key: str, guard: Guard | None, early: bool = False
) -> None:
    """Call ``guard(db, ops)`` before every write transaction on ``db``; None removes ``key``'s.

    A guard refuses by raising (a QdaError saying why); nothing has been written when it runs.
    An ``early`` guard also runs when a declared write function is entered (before its work).
    """
    guards = dict(getattr(db, _GUARDS_ATTR, {}))
    if guard is None:
        guards.pop(key, None)
    else:
        guards[key] = (guard, early)
    setattr(db, _GUARDS_ATTR, guards)


def write_guards(db: sqlite_utils.Database, early: bool = False) -> list[Guard]:
    """Return the write guards set on ``db`` (only the early ones when ``early``)."""
    return [g for g, e in getattr(db, _GUARDS_ATTR, {}).values() if e or not early]


def check_write(db: sqlite_utils.Database, early: bool = False) -> None:
    """Run the write guards of ``db`` for a write about to begin (raises to refuse it)."""
    ops = current_operations()
    for guard in write_guards(db, early):
        guard(db, ops)


def bind_actor(
    db: sqlite_utils.Database,
    name: str | None,
    sees_all: bool = True,
    permits: Callable[[str], bool] | None = None,
) -> None:
    """Record who works on ``db`` and ``permits(op)``, what they may do (None unbinds)."""
    setattr(db, _ACTOR_ATTR, BoundActor(name, sees_all, permits) if name else None)


def actor(db: sqlite_utils.Database) -> BoundActor | None:
    """Return the actor bound to ``db`` (None when nobody is bound)."""
    return getattr(db, _ACTOR_ATTR, None)


def may(db: sqlite_utils.Database, op: str) -> bool:
    """Return True when the actor bound to ``db`` may write ``op`` (True when nobody is bound)."""
    bound = actor(db)
    return bound is None or bound.permits is None or bound.permits(op)


def acting_on(db: sqlite_utils.Database, author: str | None, op: str):
    """Return ``operation(op)`` when the bound actor is not ``author`` (e.g. "code.others" for
    another member's coding), else a no-op context."""
    bound = actor(db)
    if bound is None or author is None or bound.name == author:
        return contextlib.nullcontext()
    return operation(op)


def on_open(hook: OpenHook) -> Callable[[], None]:
    """Call ``hook(db, path, created)`` after every ``open_project``; return a remover."""
    _OPEN_HOOKS.append(hook)
    return lambda: _OPEN_HOOKS.remove(hook) if hook in _OPEN_HOOKS else None


def run_open_hooks(db: sqlite_utils.Database, path, created: bool) -> None:
    """Run the ``on_open`` hooks for a project just opened."""
    for hook in list(_OPEN_HOOKS):
        hook(db, path, created)
