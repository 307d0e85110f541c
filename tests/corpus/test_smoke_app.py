"""The app entry point renders (placeholder until the UI issue lands its own tests)."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def test_app_entrypoint_renders(project_path, monkeypatch):
    monkeypatch.setenv("QDA_PROJECT", str(project_path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
