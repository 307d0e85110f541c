"""Where a browser session works: the project file, the coder and the place in the Code page,
kept across reloads and new tabs.

Every run writes ``?project=…&coder=…`` (and on the Code page ``at=doc:start-end``, the current
selection) into the URL; a new session (a reload, a bookmarked or shared link) reads them back. A
small settings file next to the projects (``.qda-workbench.json`` in the projects folder) remembers
each person's last project and coder, so a new tab without parameters opens where they were.

A ``project=`` value names a project file in the projects folder (``$QDA_PROJECTS_DIR``, else the
folder of ``$QDA_PROJECT``) or one opened before from the Project page on this machine. Anything
else (another folder, ``..``, a symlink leading out, a file that is not ``*.sqlite``, a missing
file) is refused with a message: a link never opens or creates an arbitrary file. With sign-in on,
the signed-in identity is the coder and the URL's ``coder=`` is ignored.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
from pathlib import Path

import streamlit as st

from projectfile import QdaError
from ui.auth import signed_in_user
from ui.state import CODE_DOC, CODE_SELECTION, CODER, FOCUS, PROJECT_PATH, STARTED, flash
from workflows import project_path

DEFAULT_PROJECT = "project.qda.sqlite"
SETTINGS_NAME = ".qda-workbench.json"
MAX_KNOWN = 200
MAX_CODER = 100
MAX_PARAM = 4096
_LOCK = threading.Lock()
_LOG = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_AT = re.compile(r"^(\d{1,12}):(\d{1,12})-(\d{1,12})$")


# --- where projects live -------------------------------------------------------------------------
def default_project() -> Path:
    """Return the project a new session opens when nothing else says ($QDA_PROJECT)."""
    return Path(os.environ.get("QDA_PROJECT", DEFAULT_PROJECT)).expanduser()


def projects_dir() -> Path:
    """Return the projects folder: $QDA_PROJECTS_DIR, else the folder of $QDA_PROJECT."""
    env = os.environ.get("QDA_PROJECTS_DIR", "").strip()
    folder = Path(env).expanduser() if env else default_project().parent
    return folder.resolve()


def settings_path() -> Path:
    """Return the per-user settings file (last project and coder per person, known projects)."""
    return projects_dir() / SETTINGS_NAME


def load_settings() -> dict:
    """Return the settings file's content (an empty shape when it is missing or unreadable)."""
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"known_projects": [], "users": {}}
    if not isinstance(data, dict):
        return {"known_projects": [], "users": {}}
    known = data.get("known_projects")
    users = data.get("users")
    return {
        "known_projects": [str(p) for p in known if isinstance(p, str)]
        if isinstance(known, list)
        else [],
        "users": {str(k): v for k, v in users.items() if isinstance(v, dict)}
        if isinstance(users, dict)
        else {},
    }


def _save_settings(change) -> None:
    """Apply ``change(settings)`` to the settings file atomically (a failure is only logged)."""
    path = settings_path()
    with _LOCK:
        data = load_settings()
        change(data)
        data["known_projects"] = data["known_projects"][-MAX_KNOWN:]
        try:
            fd, tmp = tempfile.mkstemp(prefix=".qda-settings-", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1)
            os.replace(tmp, path)
        except OSError as exc:  # a read-only projects folder: the URL still keeps the place
            _LOG.warning("could not write %s: %s", path, type(exc).__name__)
            try:
                os.unlink(tmp)
            except (OSError, UnboundLocalError):
                pass


def user_key() -> str:
    """Return the key of this person in the settings file (the signed-in name, '' locally)."""
    return signed_in_user() or ""


def remember(project: str | os.PathLike | None = None, coder: str | None = None) -> None:
    """Record this person's current project (also as a known project) and coder."""

    def change(data: dict) -> None:
        me = data["users"].setdefault(user_key(), {})
        if project is not None:
            resolved = str(Path(project).expanduser().resolve())
            me["project"] = resolved
            if resolved in data["known_projects"]:
                data["known_projects"].remove(resolved)
            data["known_projects"].append(resolved)
        if coder is not None:
            me["coder"] = coder

    _save_settings(change)


def remember_demo_choice(project: str | os.PathLike) -> None:
    """Record that this person chose to write into the demo project ``project`` (asked once)."""
    resolved = str(Path(project).resolve())

    def change(data: dict) -> None:
        me = data["users"].setdefault(user_key(), {})
        ok = [p for p in me.get("demo_ok", []) if isinstance(p, str)]
        if resolved not in ok:
            ok.append(resolved)
        me["demo_ok"] = ok[-MAX_KNOWN:]

    _save_settings(change)


def demo_choice_made(project: str | os.PathLike) -> bool:
    """Return True when this person already chose to write into the demo project ``project``."""
    me = load_settings()["users"].get(user_key(), {})
    return str(Path(project).resolve()) in (me.get("demo_ok") or [])


def allowed_project(value: object) -> Path | None:
    """Return the project file a URL's ``project=`` names, or None when it is not allowed.

    Allowed: an existing ``*.sqlite`` file directly in the projects folder (given by name or full
    path), the default project, or a project opened before from the Project page. Refused: other
    folders, ``..``, symlinks that lead out of the folder, missing files, non-project names.
    """
    if not isinstance(value, str) or not value or len(value) > MAX_PARAM or "\x00" in value:
        return None
    folder = projects_dir()
    try:  # the one confinement rule of server paths (workflows.server_files)
        resolved = project_path(value, folder)
    except QdaError:
        resolved = None
    if resolved is not None and resolved.parent == folder:
        return resolved
    # a project opened before from the Project page (or the default project): a regular file
    raw = Path(value)
    try:
        resolved = (raw if raw.is_absolute() else folder / raw).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_file() or resolved.suffix != ".sqlite":
        return None
    known = {str(Path(p)) for p in load_settings()["known_projects"]}
    try:
        known.add(str(default_project().resolve()))
    except OSError:
        pass
    return resolved if str(resolved) in known else None


def url_value(path: str | os.PathLike) -> str:
    """Return the ``project=`` value for ``path``: its name inside the projects folder, else the
    full path."""
    resolved = Path(path).expanduser().resolve()
    return resolved.name if resolved.parent == projects_dir() else str(resolved)


def clean_coder(value: object) -> str | None:
    """Return a coder name from a URL or the settings file (None when empty or unusable)."""
    if not isinstance(value, str):
        return None
    name = _CONTROL.sub("", value).strip()
    return name[:MAX_CODER] or None


def parse_at(value: object) -> dict | None:
    """Return ``{document_id, start, end}`` from an ``at=doc:start-end`` URL value, else None."""
    m = _AT.match(value) if isinstance(value, str) else None
    if not m:
        return None
    doc, start, end = (int(g) for g in m.groups())
    return {"document_id": doc, "start": start, "end": end} if start < end else None


# --- the session ---------------------------------------------------------------------------------
def start_session(page_path: str = "") -> None:
    """On a session's first run, restore project, coder and place from the URL or the settings."""
    if STARTED.get():
        return
    STARTED.set(True)
    params = st.query_params
    me = load_settings()["users"].get(user_key(), {})
    asked = params.get("project")
    project = allowed_project(asked) if asked else None
    if asked and project is None:
        flash(
            "warning",
            f"The link asked for the project '{str(asked)[:300]}', which is not a project file "
            "in the projects folder: this one is open instead. Open other projects on the "
            "Project page.",
        )
    if project is None and not asked:
        project = allowed_project(me.get("project"))
    if project is not None:
        PROJECT_PATH.set(str(project))
    coder = clean_coder(params.get("coder")) or clean_coder(me.get("coder"))
    if coder and not signed_in_user():
        CODER.set(coder)
    place = parse_at(params.get("at"))
    if place and project is not None and page_path == "code":
        FOCUS.set(dict(place))
        CODE_SELECTION.set(dict(place))


def sync_url(project: Path, coder: str, page_path: str = "") -> None:
    """Write the project, coder and (on the Code page) the selection into the URL."""
    wanted = {"project": url_value(project), "coder": coder}
    sel = CODE_SELECTION.get()
    shown = st.session_state.get(CODE_DOC)  # the Code page's document picker
    if page_path == "code" and isinstance(sel, dict) and shown in (None, sel.get("document_id")):
        try:
            wanted["at"] = f"{int(sel['document_id'])}:{int(sel['start'])}-{int(sel['end'])}"
        except (KeyError, TypeError, ValueError):
            pass
    params = st.query_params
    current = params.to_dict()
    keep = {k: v for k, v in current.items() if k not in ("project", "coder", "at")}
    if current != {**keep, **wanted}:
        params.from_dict({**keep, **wanted})
