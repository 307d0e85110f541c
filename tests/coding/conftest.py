"""Fixtures for coding tests: stored documents, or real transcripts imported by interviews."""

from __future__ import annotations

import pytest
from coding_data import INTERVIEW_DATA, TEXTS, import_interviews, make_document

from corpus.store import store_document


@pytest.fixture
def docs(db):
    """Store the TEXTS documents; return {title: document id}."""
    return {
        title: store_document(db, make_document(text, title), segment_language=False)
        for title, text in TEXTS.items()
    }


@pytest.fixture
def zoom(db):
    """Import tests/interviews/data/zoom.vtt (Ana Torres interviews Roberto Salinas); return its
    id."""
    roles = {"Ana Torres": "interviewer", "Roberto Salinas": "interviewee"}
    return import_interviews(db, INTERVIEW_DATA / "zoom.vtt", roles=roles)[0]
