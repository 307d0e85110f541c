"""The ground floor: errors, and backups around transactions."""

from __future__ import annotations

import threading

from projectfile import (
    NotFound,
    ProjectError,
    QdaError,
    backup_project,
    list_backups,
    open_project,
    transaction,
)


def test_projectfile_errors_form_one_family():
    assert issubclass(NotFound, QdaError) and issubclass(ProjectError, QdaError)
    assert not issubclass(NotFound, KeyError)


def test_projectfile_backup_inside_a_transaction_is_left_to_the_outer_change(tmp_path):
    """A nested bulk change writes no second backup and never hangs (no copy mid-write)."""
    path = tmp_path / "p.qda.sqlite"
    db = open_project(path)
    assert backup_project(db, reason="outer") is not None
    result = {}

    def nested():
        with transaction(db):
            db.execute("INSERT INTO project_meta (key, value) VALUES ('k', 'v')")
            result["backup"] = backup_project(db, reason="inner")

    worker = threading.Thread(target=nested, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "backup_project hung inside a transaction"
    assert result == {"backup": None}
    assert [p.name.split(".")[-2] for p in list_backups(path)] == ["outer"]
