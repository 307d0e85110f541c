"""Parsing workers never replay the caller's ``__main__`` (a Streamlit script in the app)."""

from __future__ import annotations

import sys
import types

from corpus import ingest


def test_workers_ignore_a_main_script_that_would_fail(tmp_path, db, monkeypatch):
    script = tmp_path / "page_script.py"
    script.write_text("raise SystemExit('a worker ran the caller\\'s script')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)  # what Streamlit (and its AppTest) leave as __main__
    monkeypatch.setitem(sys.modules, "__main__", main)
    doc = tmp_path / "note.txt"
    doc.write_text("The consortium met in Querétaro.\n\nIt trained technicians.", "utf-8")
    (out,) = ingest([str(doc)], db, workers=1, backup=False)
    assert out.status == "ok", out.reason
