"""Use case "clean up after killed runs", at the start of every command (``cli.py``) and of the
app (``streamlit_app.py``).

A SIGKILL runs no clean-up: a merge's or REFI import's copy in the private temporary folder, a
new project a REFI import was building beside its target (with its WAL), a search index being
built (``<project>.search-index.tmp-*``) stay behind, and an ingest stops with files it never
read. ``projectfile.clean_leftovers`` removes what processes that no longer exist left; this adds
the ingest's part (its unread files logged as interrupted in the project's ingest log) and returns
one plain message per killed run, so the person is told what happened.
"""

from __future__ import annotations

import re
from pathlib import Path

from corpus import log_interrupted_ingest
from projectfile import Leftover, QdaError, clean_leftovers, open_project

_FOLDER = re.compile(r"^run-\d+-(?P<tag>[A-Za-z0-9_.]+)-")
_WHAT = {
    "merge": "a merge's copy of the other project",
    "qdpx": "a REFI-QDA merge's staged project",
    "schema": "a merge's schema check",
    "xlsx": "an XLSX export's worksheets",
    "export": "a REFI-QDA export being written",
    "upload": "an uploaded REFI-QDA file's copy",
}


def clean_up_killed_runs() -> list[str]:
    """Remove what killed runs of this user left behind, log the files an interrupted ingest
    never stored; return one message per killed run (none when nothing was left)."""
    try:
        found = clean_leftovers()
    except OSError as exc:
        return [f"could not check the private temporary folder for left-overs ({exc.strerror})"]
    return [m for m in (_message(left) for left in found) if m]


def _message(left: Leftover) -> str | None:
    who = f"process {left.pid}" + (f", started {left.at[:19]}" if left.at else "")
    if left.kind == "ingest":
        return _ingest_message(left, who)
    if left.kind == "temporary folder":
        m = _FOLDER.match(Path(left.removed[0]).name) if left.removed else None
        what = _WHAT.get(m.group("tag"), "temporary files") if m else "temporary files"
        return f"removed {what} left in the private temporary folder by a killed run ({who})"
    if not left.removed:
        return None
    names = ", ".join(Path(p).name for p in left.removed)
    return f"a {left.kind} was interrupted ({who}); removed what it left: {names}"


def _ingest_message(left: Leftover, who: str) -> str:
    project = str(left.info.get("project") or "")
    files = [str(f) for f in left.info.get("files") or []]
    run_id = str(left.info.get("run_id") or "")
    name = Path(project).name or "a project"
    if not project or not Path(project).is_file():
        return f"an ingest into {name} was interrupted ({who}); the project file is gone"
    try:
        db = open_project(project, create=False)
    except QdaError as exc:
        return (
            f"an ingest into {name} was interrupted ({who}); its log could not be updated ({exc})"
        )
    try:
        missing = log_interrupted_ingest(db, run_id, files)
    except QdaError as exc:
        return (
            f"an ingest into {name} was interrupted ({who}); its log could not be updated ({exc})"
        )
    finally:
        db.conn.close()
    return (
        f"an ingest into {name} was interrupted ({who}) before it stored {len(missing)} of its"
        f" {len(files)} file(s); they are in the ingest log as interrupted (cli.py log): ingest"
        " them again"
    )
