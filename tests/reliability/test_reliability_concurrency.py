"""Concurrency: four writer processes and a reader on one project file; nothing lost, duplicated or
locked."""

from __future__ import annotations

from collections import Counter

import pytest
from rel_helpers import (
    assert_documents_whole,
    coding_project,
    integrity_ok,
    read_json_lines,
    run_workers,
)


def _check_clean_exit(results) -> None:
    for rc, _out, err in results:
        assert "locked" not in err.lower() and "busy" not in err.lower(), err[-2000:]
        assert rc == 0, err[-2000:]


def _concurrent_store(tmp_path, seconds: float) -> None:
    from projectfile import open_project

    path = tmp_path / "concurrent.qda.sqlite"
    open_project(path).conn.close()
    specs = [("concurrent-store", path, w, seconds, 5) for w in range(4)] + [
        ("reader", path, seconds)
    ]
    results = run_workers(specs)
    _check_clean_exit(results)
    rows = [r for _, out, _ in results[:4] for r in read_json_lines(out)]
    assert read_json_lines(results[4][1])[-1]["queries"] > 0
    ok = [r for r in rows if r["status"] == "ok"]
    # every document a writer saw committed is there exactly once; nothing else is
    assert len({r["sha"] for r in ok}) == len(ok), "one content stored twice"
    conn_db = open_project(path)
    stored = dict(conn_db.execute("SELECT sha256, id FROM documents").fetchall())
    assert set(stored) == {r["sha"] for r in ok}
    assert all(stored[r["sha"]] == r["id"] for r in ok)
    # a duplicate answer names the document that won the race for the same content
    for r in rows:
        if r["status"] == "duplicate":
            assert stored[r["sha"]] == r["id"]
    # the shared file name got one version per successful store, numbered 1..n, one of them current
    versions = conn_db.execute(
        "SELECT version, is_current FROM documents WHERE source_name = 'shared-versioned.pdf' "
        "ORDER BY version"
    ).fetchall()
    n_versions = sum(r["kind"] == "version" for r in ok)
    assert [v for v, _ in versions] == list(range(1, n_versions + 1))
    assert sum(c for _, c in versions) == (1 if n_versions else 0)
    conn_db.conn.close()
    integrity_ok(path)
    assert assert_documents_whole(path) == len(ok)
    assert len(ok) >= 10, "the writers made too little progress to prove anything"
    assert any(r["status"] == "duplicate" for r in rows), "no race for shared content happened"


def test_reliability_concurrent_document_writers(tmp_path):
    _concurrent_store(tmp_path, seconds=5)


@pytest.mark.slow
def test_reliability_concurrent_document_writers_long(tmp_path):
    _concurrent_store(tmp_path, seconds=30)


def _concurrent_coding(tmp_path, seconds: float) -> None:
    from coding import audit_frame, codings_frame
    from projectfile import open_project

    path = tmp_path / "coding.qda.sqlite"
    coding_project(path)
    coders = ["ana", "beto", "carla", "diego"]
    specs = [("code", path, c, seconds, i) for i, c in enumerate(coders)] + [
        ("reader", path, seconds)
    ]
    results = run_workers(specs)
    _check_clean_exit(results)
    db = open_project(path)
    try:
        frame = codings_frame(db)
        total_claimed = 0
        for coder, (_, out, _) in zip(coders, results):
            rows = read_json_lines(out)
            claimed = {r["coding_id"] for r in rows}
            assert rows, f"{coder} coded nothing"
            mine = frame[frame["coder"] == coder]
            # what each coder was told was saved is exactly what is there, at the span they chose
            assert set(mine["coding_id"]) == claimed
            spans = {
                r["coding_id"]: (r["document_id"], r["start"], r["end"], r["code"]) for r in rows
            }
            for row in mine.itertuples():
                assert spans[row.coding_id] == (
                    row.document_id,
                    row.char_start,
                    row.char_end,
                    row.code_id,
                )
            total_claimed += len(claimed)
        assert len(frame) == total_claimed
        key = Counter(
            zip(frame.document_id, frame.char_start, frame.char_end, frame.code_id, frame.coder)
        )
        assert max(key.values()) == 1, "a coding was stored twice"
        created = audit_frame(db, entity="codings", limit=10**7)
        created = created[created["action"] == "create"]
        assert sorted(created["entity_id"]) == sorted(frame["coding_id"]), (
            "audit log and codings disagree"
        )
    finally:
        db.conn.close()
    integrity_ok(path)


def test_reliability_concurrent_coders(tmp_path):
    _concurrent_coding(tmp_path, seconds=5)


@pytest.mark.slow
def test_reliability_concurrent_coders_long(tmp_path):
    _concurrent_coding(tmp_path, seconds=30)


def test_reliability_first_open_by_four_processes_migrates_once(tmp_path):
    """Four processes creating the same new project at once: every one opens it, each schema step
    runs once."""
    import sqlite3

    from projectfile import known_migrations

    path = tmp_path / "fresh.qda.sqlite"
    specs = [("store", path, 600 + w, 3) for w in range(4)]
    results = run_workers(specs)
    _check_clean_exit(results)
    conn = sqlite3.connect(path)
    try:
        steps = conn.execute("SELECT package, name FROM _migrations").fetchall()
    finally:
        conn.close()
    assert sorted(steps) == sorted((p, n) for p, n, _ in known_migrations())
    assert assert_documents_whole(path) == 12
    integrity_ok(path)
