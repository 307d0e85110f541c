"""The process context of parsing workers: forkserver, never re-running the caller's script.

Python starts a forkserver worker by replaying the parent's ``__main__``: the server imports it
(``set_forkserver_preload`` defaults to ``['__main__']``) and each worker runs it again as
``__mp_main__`` when it is a file. In the app the running ``__main__`` is the Streamlit script
(Streamlit runs the page script as ``__main__``, and its AppTest leaves it so), so each worker
executed ``streamlit_app.py`` (and a test's generated script died with a NameError, which the
ingest reported as a parser crash). The workers' entry points live in ``corpus`` and need none of
it: the server preloads nothing, and a worker starts with an empty ``__main__`` unless ``__main__``
is the script the process was started with (``python my_script.py`` may hand the workers a parser
of its own, which they find by replaying it, as multiprocessing intends).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import sys
import threading
import types

_SWAP = threading.Lock()


class _CleanMainProcess(multiprocessing.context.ForkServerProcess):
    """A forkserver process whose start sends no ``__main__`` to replay."""

    @staticmethod
    def _Popen(process_obj):  # noqa: N802 (multiprocessing's name)
        start = multiprocessing.context.ForkServerProcess._Popen
        main = sys.modules.get("__main__")
        if main is None or _is_entry_script(main):
            return start(process_obj)  # a script's own functions may be what the workers run
        with _SWAP:
            sys.modules["__main__"] = types.ModuleType("__main__")
            try:
                return start(process_obj)
            finally:
                sys.modules["__main__"] = main


def _is_entry_script(main: types.ModuleType) -> bool:
    """Return whether ``__main__`` is the script this process was started with (``python
    script.py``: its functions may be handed to workers), not one a host runs in its place (the
    Streamlit server, started as ``streamlit run``, and AppTest under pytest)."""
    path = getattr(main, "__file__", None)
    if path is None or not sys.argv or not sys.argv[0]:
        return path is None
    return os.path.realpath(path) == os.path.realpath(sys.argv[0])


class _CleanMainContext(multiprocessing.context.ForkServerContext):
    Process = _CleanMainProcess


def worker_context() -> multiprocessing.context.BaseContext:
    """Return the forkserver context for parsing workers (nothing of ``__main__`` replayed)."""
    ctx = _CleanMainContext()
    ctx.set_forkserver_preload([])
    return ctx
