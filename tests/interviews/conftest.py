"""Fixtures of the interviews tests: the data folder and a project with a few transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def interviews_db(db):
    """A project with the Teams, Zoom, Otter and DOCX-table fixtures imported."""
    from interviews import import_transcripts

    outcomes = import_transcripts(
        [str(DATA / n) for n in ("teams.vtt", "zoom.vtt", "otter.txt", "table.docx")], db
    )
    assert [o.status for o in outcomes] == ["ok"] * 4
    return db


@pytest.fixture
def teams(db):
    """A project with the Teams fixture imported: (db, its document id)."""
    from interviews import import_transcripts

    (outcome,) = import_transcripts([str(DATA / "teams.vtt")], db)
    return db, outcome.document_id
