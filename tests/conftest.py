"""Shared fixtures: a real project file in tmp_path, and the public corpus in ../shared."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# Each package registers its tables when imported (projectfile.register_schema): a test project has
# every package's tables, as the CLI's and the app's do.
import coding  # noqa: E402, F401
import corpus  # noqa: E402, F401
import exports  # noqa: E402, F401
import interviews  # noqa: E402, F401
import nlp  # noqa: E402, F401

SHARED = ROOT.parent / "shared"
SHARED_CORPUS = SHARED / "corpus"


@pytest.fixture
def project_path(tmp_path) -> Path:
    """Path of a new, migrated project file."""
    from projectfile import open_project

    path = tmp_path / "test.qda.sqlite"
    open_project(path).conn.close()
    return path


@pytest.fixture
def db(project_path):
    """An open Database on a new project file."""
    from projectfile import open_project

    database = open_project(project_path)
    yield database
    database.conn.close()


@pytest.fixture
def shared_pdfs() -> Path:
    """Folder of the real public PDFs; skips when ../shared is absent."""
    folder = SHARED_CORPUS / "pdf"
    if not folder.is_dir():
        pytest.skip("../shared/corpus/pdf is not present")
    return folder


@pytest.fixture
def shared_interviews() -> Path:
    """Folder of the real public interview transcripts; skips when ../shared is absent."""
    folder = SHARED_CORPUS / "interviews"
    if not folder.is_dir():
        pytest.skip("../shared/corpus/interviews is not present")
    return folder


@pytest.fixture
def refi_schemas() -> Path:
    """Folder with Project.xsd and Codebook.xsd; skips when ../shared is absent."""
    folder = SHARED / "refi-qda"
    if not folder.is_dir():
        pytest.skip("../shared/refi-qda is not present")
    return folder
