"""The project's own check (``check_project``, ``cli.py check``) and offsets checked on every
write path, merges included (issue 20 §1)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from coding_data import make_document

from coding import (
    CodingError,
    apply_batch,
    code_span,
    edit_document,
    ensure_code_path,
    merge_project,
    reanchor,
    review_frame,
    update_coding,
)
from coding.consistency import check_project
from corpus import get_text, store_document
from projectfile import open_project

CLI = str(Path(__file__).resolve().parents[2] / "cli.py")
TEXT = (
    "The council met in March.\n\n"
    "Teh funding for the consortium came late. Suppliers waited for certification.\n\n"
    "A final paragraph about the laboratory and its metrology work."
)


@pytest.fixture
def doc(db):
    ensure_code_path(db, "Theme", coder="ana")
    return store_document(db, make_document(TEXT, "policy"), segment_language=False)


@contextlib.contextmanager
def _raw(db):
    """Write around every check, as a bug or another tool would (foreign keys off)."""
    db.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with db.conn:
            yield db.conn
    finally:
        db.conn.execute("PRAGMA foreign_keys = ON")


def _insert_coding(conn, document_id, start, end, code_id=1, coder_id=1, created="2020-01-01"):
    return conn.execute(
        "INSERT INTO codings (document_id, scope, char_start, char_end, code_id, coder_id,"
        " created_at) VALUES (?, 'span', ?, ?, ?, ?, ?)",
        [document_id, start, end, code_id, coder_id, created],
    ).lastrowid


def _kinds(db) -> list[tuple]:
    df = check_project(db)
    return sorted(zip(df["kind"], df["table"]))


def test_consistency_clean_project_after_edit_and_review(db, doc):
    s = TEXT.index("Suppliers")
    code_span(db, doc, s, s + len("Suppliers waited"), "Theme", "bo")
    code_span(db, doc, 0, 3, "Theme", "bo")
    new = edit_document(db, doc, TEXT.replace(" Suppliers waited for certification.", ""), "ana")
    assert new.needs_review == 1 and new.codings_moved == 1
    # the originals on the old version are history (a copy or a review), not stranded
    assert check_project(db).empty
    review = review_frame(db).iloc[0]
    reanchor(db, int(review.review_id), 0, 3, "ana")
    assert check_project(db).empty


def test_consistency_reports_each_kind_of_problem(db, doc):
    s = TEXT.index("laboratory")
    code_span(db, doc, s, s + 10, "Theme", "bo")
    v2 = edit_document(db, doc, TEXT.replace("Teh", "The"), "ana").new_document_id
    with _raw(db) as conn:
        far = _insert_coding(conn, v2, 700, 10_000_000)
        stranded = _insert_coding(conn, doc, 0, 3, created="2030-01-01")
        orphan = _insert_coding(conn, v2, 0, 3, code_id=999, coder_id=998)
        conn.execute("UPDATE segments SET char_end = 5000 WHERE document_id = ? AND seq = 0", [v2])
        conn.execute("UPDATE documents SET char_count = 5 WHERE id = ?", [v2])
        conn.execute("UPDATE documents SET is_current = 1 WHERE id = ?", [doc])
    df = check_project(db)
    by = {(k, t, r) for k, t, r in zip(df["kind"], df["table"], df["row_id"])}
    assert ("out of bounds", "codings", far) in by
    assert ("missing", "codings", orphan) in by  # its code and its coder
    assert ("out of bounds", "segments") in {(k, t) for k, t, _ in by}
    assert ("length", "documents", v2) in by
    assert ("versions", "documents", doc) in by
    assert any(k == "foreign key" for k, _, _ in by)
    message = df.loc[df["row_id"] == far, "message"].iloc[0]
    assert "[700, 10000000)" in message and f"document {v2}" in message
    # with doc current again it is no longer superseded; make it so to see the stranded row
    with _raw(db) as conn:
        conn.execute("UPDATE documents SET is_current = 0 WHERE id = ?", [doc])
    df = check_project(db)
    assert list(df.loc[df["kind"] == "stranded", "row_id"]) == [stranded]


def test_consistency_every_write_path_checks_offsets(db, doc):
    n = len(TEXT)
    for start, end in ((700, 10_000_000), (-1, 3), (5, 5), (0, n + 1)):
        with pytest.raises(CodingError, match="not inside"):
            code_span(db, doc, start, end, "Theme", "bo")
        with pytest.raises(CodingError, match="not inside"):
            apply_batch(
                db,
                [{"document_id": doc, "char_start": start, "char_end": end, "code": "Theme"}],
                rule="bad",
                coder="bo",
            )
    cid = code_span(db, doc, 0, 3, "Theme", "bo")
    with pytest.raises(CodingError, match="not inside"):
        update_coding(db, cid, "bo", char_end=n + 5)
    assert check_project(db).empty


def _project_with_bad_coding(path: Path) -> int:
    other = open_project(path)
    ensure_code_path(other, "Theme", coder="ana")
    doc = store_document(other, make_document(TEXT, "policy"), segment_language=False)
    code_span(other, doc, 0, 3, "Theme", "ana")
    s = TEXT.index("laboratory")
    code_span(other, doc, s, s + 10, "Theme", "ana")
    with _raw(other) as conn:
        bad = _insert_coding(conn, doc, 700, 10_000_000, created="2021-01-01")
    other.conn.close()
    return bad


def test_consistency_merge_leaves_out_a_coding_outside_its_text_and_names_it(db, tmp_path):
    other_path = tmp_path / "other.qda.sqlite"
    bad = _project_with_bad_coding(other_path)
    other = open_project(other_path, create=False)
    assert "out of bounds" in set(check_project(other)["kind"])
    other.conn.close()
    report = merge_project(db, other_path, coder="ana")
    frame = report.frame()
    left = frame[(frame["item"] == "coding") & (frame["outcome"] == "left out")]
    assert len(left) == 1
    reason = left["reason"].iloc[0]
    assert f"coding {bad} in other.qda.sqlite" in reason and "[700, 10000000)" in reason
    added = frame[(frame["item"] == "coding") & (frame["outcome"] == "added")]
    assert len(added) == 2  # the good codings come in
    assert report.problems.empty and check_project(db).empty
    spans = db.execute("SELECT char_start, char_end FROM codings").fetchall()
    assert all(0 <= s < e <= len(get_text(db, 1)) for s, e in spans)


def test_consistency_merge_report_carries_the_check(db, doc, tmp_path):
    other_path = tmp_path / "copy.qda.sqlite"
    shutil.copyfile(db.conn.execute("PRAGMA database_list").fetchone()[2], other_path)
    with _raw(db) as conn:
        far = _insert_coding(conn, doc, 700, 10_000_000)  # a problem already here
    report = merge_project(db, other_path, coder="ana")
    assert list(report.problems["row_id"]) == [far]
    checked = report.frame()
    assert (checked["item"] == "check").sum() == 1 and "check" in report.summary()


def _cli(*args, project):
    return subprocess.run(
        [sys.executable, CLI, *args, "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_consistency_cli_check_exit_codes(db, doc, project_path):
    r = _cli("check", project=project_path)
    assert r.returncode == 0, r.stderr
    assert "no problems" in r.stdout
    with _raw(db) as conn:
        far = _insert_coding(conn, doc, 700, 10_000_000)
    r = _cli("check", project=project_path)
    assert r.returncode == 1
    assert "out of bounds" in r.stdout and "[700, 10000000)" in r.stdout and str(far) in r.stdout
    assert "1 problems" in r.stderr
    r = _cli("check", "--format", "json", project=project_path)
    assert r.returncode == 1 and '"kind"' in r.stdout
