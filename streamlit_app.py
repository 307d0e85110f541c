"""Entry point of the Streamlit workbench: access gate, coder, and navigation over the pages in ui/pages/."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import streamlit as st  # noqa: E402

from projectfile import ProjectError
from ui.auth import require_access  # noqa: E402
from ui.common import coder_sidebar  # noqa: E402

st.set_page_config(
    page_title="QDA Workbench", page_icon=":material/ink_highlighter:", layout="wide"
)
require_access()

PAGES = {
    "Project": [
        st.Page("ui/pages/project.py", title="Project", icon=":material/folder_open:", default=True)
    ],
    "Policy archive": [
        st.Page("ui/pages/corpus.py", title="Corpus", icon=":material/library_books:"),
        st.Page("ui/pages/search.py", title="Search", icon=":material/search:"),
        st.Page("ui/pages/entities.py", title="Entities", icon=":material/sell:"),
        st.Page("ui/pages/topics.py", title="Topics", icon=":material/explore:"),
    ],
    "Coding": [
        st.Page("ui/pages/interviews.py", title="Interviews", icon=":material/mic:"),
        st.Page("ui/pages/code.py", title="Code", icon=":material/ink_highlighter:"),
        st.Page("ui/pages/codebook.py", title="Codebook", icon=":material/menu_book:"),
        st.Page("ui/pages/analysis.py", title="Analysis", icon=":material/bar_chart:"),
        st.Page("ui/pages/export.py", title="Export", icon=":material/ios_share:"),
    ],
}
page = st.navigation(PAGES)
coder_sidebar()
try:
    page.run()
except (
    ProjectError
) as exc:  # a damaged, foreign, newer or unreadable project file: say so instead of a traceback
    st.error(str(exc))
    st.info("Open or create another project file on the Project page, or restore a backup there.")
