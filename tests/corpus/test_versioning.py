"""Versioning and duplicates: identical content never twice, changed file = new version.

Re-ingesting a folder is a no-op.
"""

from __future__ import annotations

import shutil

import pytest

from corpus.ingest import ingest
from corpus.store import (
    delete_document,
    get_document,
    get_text,
    list_documents,
    set_document_fields,
)
from projectfile import NotFound


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_versioning_changed_file_becomes_new_version(tmp_path, db):
    path = _write(
        tmp_path / "brief.txt", "Version one of the council brief.\n\nA second paragraph."
    )
    [first] = ingest([str(path)], db)
    # a coding or other package's row pointing at the old version must survive
    db.execute(
        "CREATE TABLE IF NOT EXISTS t_refs"
        " (document_id INTEGER REFERENCES documents(id) ON DELETE CASCADE)"
    )
    db.execute("INSERT INTO t_refs VALUES (?)", [first.document_id])
    _write(path, "Version two of the council brief.\n\nA second paragraph, revised.")
    [second] = ingest([str(path)], db)
    assert second.status == "ok" and second.document_id != first.document_id
    old, new = get_document(db, first.document_id), get_document(db, second.document_id)
    assert (old["version"], old["is_current"]) == (1, 0)
    assert (new["version"], new["is_current"], new["previous_id"]) == (2, 1, first.document_id)
    assert get_text(db, first.document_id).startswith("Version one")
    assert list(list_documents(db).id) == [second.document_id]
    assert len(list_documents(db, include_old=True)) == 2
    assert db.execute("SELECT COUNT(*) FROM t_refs").fetchone()[0] == 1


def test_versioning_identical_content_never_twice(tmp_path, db):
    a = _write(tmp_path / "a.txt", "Same words in two files.")
    b = tmp_path / "copy_of_a.txt"
    shutil.copy(a, b)
    outcomes = ingest([str(a), str(b)], db)
    assert [o.status for o in outcomes] == ["ok", "skipped"]
    assert "duplicate" in outcomes[1].reason
    [again] = ingest([str(b)], db)
    assert again.status == "skipped" and "already in the project" in again.reason
    assert len(list_documents(db, include_old=True)) == 1


def test_versioning_reingest_folder_is_fast_noop(tmp_path, db, monkeypatch):
    """A rerun over known files parses nothing, starts no process pool and makes no backup (what
    keeps it fast; asserted directly, since a wall-clock bound fails on a loaded machine)."""
    import importlib

    ingest_module = importlib.import_module("corpus.ingest")  # corpus.ingest is also a function

    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(30):
        _write(folder / f"doc{i:02}.txt", f"Document {i} about the consortium. " * 50)
    first = ingest([str(folder)], db, workers=1)
    assert all(o.status == "ok" for o in first)

    def forbidden(*args, **kwargs):
        raise AssertionError("a no-op rerun must not parse, start workers or back up")

    monkeypatch.setattr(ingest_module, "process_executor", forbidden)
    monkeypatch.setattr(ingest_module, "backup_project", forbidden)
    second = ingest([str(folder)], db, workers=2)
    assert all(o.status == "skipped" for o in second)
    assert len(list_documents(db)) == 30


def test_versioning_delete_current_makes_previous_current(tmp_path, db):
    path = _write(tmp_path / "memo.txt", "First text.")
    [v1] = ingest([str(path)], db)
    _write(path, "Second text.")
    [v2] = ingest([str(path)], db)
    delete_document(db, v2.document_id)
    docs = list_documents(db)
    assert list(docs.id) == [v1.document_id]


def test_versioning_edit_title_and_kind(tmp_path, db):
    [o] = ingest([str(_write(tmp_path / "x.txt", "Some text."))], db)
    set_document_fields(db, o.document_id, title="New title", kind="other")
    d = get_document(db, o.document_id)
    assert (d["title"], d["kind"]) == ("New title", "other")


def test_versioning_missing_document_is_not_found(db):
    """A document id that does not exist is projectfile.NotFound, never a built-in KeyError."""
    for read in (get_document, get_text, delete_document):
        with pytest.raises(NotFound, match="no document 99"):
            read(db, 99)


def test_versioning_only_editable_fields_change(tmp_path, db):
    [o] = ingest([str(_write(tmp_path / "y.txt", "Other text."))], db)
    with pytest.raises(TypeError, match="cannot edit sha256"):
        set_document_fields(db, o.document_id, sha256="0" * 64)
