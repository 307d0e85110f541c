"""Merging or deleting a case never leaves whole-case codings pointing at a case that is gone."""

from coding import add_code
from coding.codings import code_case
from interviews.cases import delete_case, merge_cases
from interviews.store import ensure_case


def _case_codings(db):
    return db.execute(
        "SELECT case_id FROM codings WHERE scope = 'case' AND deleted_at IS NULL"
    ).fetchall()


def test_cases_merge_moves_whole_case_codings(db):
    keep = ensure_case(db, "Expert A")
    gone = ensure_case(db, "A. (duplicate)")
    add_code(db, "Industry")
    code_case(db, gone, "Industry", coder="ana")
    merge_cases(db, keep, gone)
    assert _case_codings(db) == [(keep,)]


def test_cases_delete_sends_whole_case_codings_to_trash(db):
    case = ensure_case(db, "Expert B")
    add_code(db, "Academia")
    code_case(db, case, "Academia", coder="ana")
    delete_case(db, case)
    assert _case_codings(db) == []
    assert (
        db.execute(
            "SELECT COUNT(*) FROM codings WHERE case_id = ? AND deleted_at IS NOT NULL", [case]
        ).fetchone()[0]
        == 1
    )
