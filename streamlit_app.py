"""Entry point of the Streamlit workbench: access gate, coder, navigation over ui/pages/.

``streamlit run`` puts this file's folder on ``sys.path``, so the packages import as they are.
A page's ``QdaError`` shows as its message; any other exception is a bug and shows its traceback.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import streamlit as st

import workflows  # noqa: F401  (every package: all tables registered before a project opens)
from projectfile import ProjectError
from ui import session_demo
from ui.auth import require_access
from ui.common import (
    close_run_dbs,
    coder_sidebar,
    current_coder,
    project_file,
    set_project_file,
    show_error,
)
from ui.live import note_run, watch
from ui.session import start_session, sync_url
from ui.state import flash, show_flash
from workflows import clean_up_killed_runs, set_background_default

# the tab icon is a file of ours: a ":material/...:" icon would be fetched from fonts.gstatic.com
ICON = Path(__file__).resolve().parent / "ui" / "assets" / "icon.png"


@st.cache_resource(show_spinner=False)
def _killed_runs() -> list[str]:
    """Clean what killed runs left, once per app process (the CLI does it at every command);
    return the messages, shown to the first session that runs."""
    return clean_up_killed_runs()


@st.cache_resource(show_spinner=False)
def _settle_heap() -> bool:
    """Once per app process, after the imports: move what is loaded so far out of the garbage
    collector's reach (gc.freeze), so its full collections do not walk the libraries' objects
    again and again while sessions run (.streamlit/config.toml turns the per-run one off)."""
    gc.collect()
    gc.freeze()
    return True


def main() -> None:
    """Draw the app: the access gate, the sidebar, the chosen page."""
    st.set_page_config(page_title="QDA Workbench", page_icon=str(ICON), layout="wide")
    require_access()
    _settle_heap()
    _notes = _killed_runs()
    # the app's changes are embedded for meaning search in the background
    set_background_default(True)
    while _notes:
        flash("warning", _notes.pop(0))

    PAGES = {
        "Project": [
            st.Page(
                "ui/pages/project.py", title="Project", icon=":material/folder_open:", default=True
            )
        ],
        "Policy archive": [
            st.Page("ui/pages/corpus.py", title="Corpus", icon=":material/library_books:"),
            st.Page("ui/pages/search.py", title="Search", icon=":material/search:"),
            st.Page("ui/pages/entities.py", title="Entities", icon=":material/sell:"),
            st.Page("ui/pages/map.py", title="Map", icon=":material/map:"),
            st.Page("ui/pages/topics.py", title="Topics", icon=":material/explore:"),
        ],
        "Coding": [
            st.Page("ui/pages/interviews.py", title="Interviews", icon=":material/mic:"),
            st.Page("ui/pages/survey.py", title="Survey", icon=":material/table_view:"),
            st.Page("ui/pages/code.py", title="Code", icon=":material/ink_highlighter:"),
            st.Page("ui/pages/codebook.py", title="Codebook", icon=":material/menu_book:"),
            st.Page("ui/pages/edit.py", title="Edit & merge", icon=":material/edit_note:"),
            st.Page("ui/pages/analysis.py", title="Analysis", icon=":material/bar_chart:"),
            st.Page("ui/pages/framework.py", title="Framework", icon=":material/table_chart:"),
            st.Page("ui/pages/mixed.py", title="Mixed methods", icon=":material/join_inner:"),
            st.Page("ui/pages/export.py", title="Export", icon=":material/ios_share:"),
            st.Page("ui/pages/activity.py", title="Activity", icon=":material/history:"),
        ],
    }
    page = st.navigation(PAGES)
    try:
        start_session(page.url_path)  # a reload or a link: the project, coder and place it names
        coder_sidebar()
        note_run(page.title, page.url_path)  # the change token this run is drawn from (ui.live)
        with st.sidebar:
            watch()  # who else is here; reruns the page when another member changed something
        sync_url(project_file(), current_coder(), page.url_path)
        show_flash()  # messages kept for this run (ui.state.flash), once, escaped
        # a write into the demo was refused: offer a copy
        asked = session_demo.ask(project_file(), set_project_file)
        try:
            page.run()
        except Exception as exc:  # QdaError: its message; anything else: a bug, with its traceback
            if not (isinstance(exc, ProjectError) and exc.code == "demo"):
                show_error(exc)
        sync_url(project_file(), current_coder(), page.url_path)
        if not asked:
            session_demo.ask(project_file(), set_project_file)
    finally:
        close_run_dbs()  # no connection, snapshot or open statement outlives this run


# multiprocessing's spawn and forkserver replay the parent's __main__ in each worker as
# "__mp_main__" (Streamlit runs this script as __main__): a worker has nothing to draw
if __name__ != "__mp_main__":
    main()
