"""UI test fixtures (the data they build lives in ui_data.py, imported by name so that the
conftest modules of several test folders do not clash)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from ui_data import fill_project

# the browser tests' assertions wait on the app's state: generously, as the machine is shared
expect.set_options(timeout=20_000)


@pytest.fixture
def data_project(tmp_path) -> tuple[Path, dict]:
    """Path of a project with data, and the ids in it."""
    from projectfile import open_project

    path = tmp_path / "data.qda.sqlite"
    db = open_project(path)
    ids = fill_project(db)
    db.conn.close()
    return path, ids
