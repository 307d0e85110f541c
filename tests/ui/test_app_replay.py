"""A worker process started by spawn or forkserver replays the parent's ``__main__``, which in
the app (and after an AppTest) is ``streamlit_app.py``: replayed as ``__mp_main__`` it must draw
nothing and do nothing (no access gate, no clean-up of killed runs, no page)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ui_data import APP


def test_app_script_replayed_by_a_worker_does_nothing(tmp_path):
    code = (
        "import runpy, sys\n"
        "import workflows.leftovers as w\n"
        "w.clean_up_killed_runs = lambda *a, **k: sys.exit('clean-up ran in a worker')\n"
        f"g = runpy.run_path({APP!r}, run_name='__mp_main__')\n"
        "assert 'main' in g\n"
        "print('replayed quietly')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(APP).parent,
        env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "replayed quietly" in done.stdout
