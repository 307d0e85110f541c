"""The process context of parsing workers: forkserver, never re-running the caller's script.

Python starts a forkserver worker by replaying the parent's ``__main__``: the server imports it
(``set_forkserver_preload`` defaults to ``['__main__']``) and each worker runs it again as
``__mp_main__`` when it is a file. In the app the running ``__main__`` is the Streamlit script
(Streamlit runs the page script as ``__main__``, and its AppTest leaves it so), so each worker
executed ``streamlit_app.py`` (and a test's generated script died with a NameError, which the
ingest reported as a parser crash). The workers' entry points live in ``corpus`` and need none of
it: the server preloads nothing and a worker starts with an empty ``__main__``.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import sys
import threading
import types

_SWAP = threading.Lock()


class _CleanMainProcess(multiprocessing.context.ForkServerProcess):
    """A forkserver process whose start sends no ``__main__`` to replay."""

    @staticmethod
    def _Popen(process_obj):  # noqa: N802 (multiprocessing's name)
        with _SWAP:
            main = sys.modules.get("__main__")
            sys.modules["__main__"] = types.ModuleType("__main__")
            try:
                return multiprocessing.context.ForkServerProcess._Popen(process_obj)
            finally:
                if main is not None:
                    sys.modules["__main__"] = main


class _CleanMainContext(multiprocessing.context.ForkServerContext):
    Process = _CleanMainProcess


def worker_context() -> multiprocessing.context.BaseContext:
    """Return the forkserver context for parsing workers (nothing of ``__main__`` replayed)."""
    ctx = _CleanMainContext()
    ctx.set_forkserver_preload([])
    return ctx
