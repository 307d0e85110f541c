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

from ui.auth import require_access  # noqa: E402
from ui.common import coder_sidebar  # noqa: E402

st.set_page_config(page_title="QDA Workbench", page_icon="🖍️", layout="wide")
require_access()

PAGES = {
    "Project": [st.Page("ui/pages/project.py", title="Project", icon="🗂️", default=True)],
    "Policy archive": [
        st.Page("ui/pages/corpus.py", title="Corpus", icon="📚"),
        st.Page("ui/pages/search.py", title="Search", icon="🔎"),
        st.Page("ui/pages/entities.py", title="Entities", icon="🏷️"),
        st.Page("ui/pages/topics.py", title="Topics", icon="🧭"),
    ],
    "Coding": [
        st.Page("ui/pages/interviews.py", title="Interviews", icon="🎙️"),
        st.Page("ui/pages/code.py", title="Code", icon="🖍️"),
        st.Page("ui/pages/codebook.py", title="Codebook", icon="📒"),
        st.Page("ui/pages/analysis.py", title="Analysis", icon="📊"),
        st.Page("ui/pages/export.py", title="Export", icon="📤"),
    ],
}
page = st.navigation(PAGES)
coder_sidebar()
page.run()
