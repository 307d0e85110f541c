"""A codebook changed by an owner while a coder codes: the coding ends on the renamed or merged
code; two members coding one span at the same moment make two codings."""

from __future__ import annotations

import threading

from coding_data import TEXTS, make_document

from coding import add_code, code_span, codings_frame, merge_codes, update_code
from corpus.store import store_document
from projectfile import open_project


def test_concurrent_rename_while_coding_keeps_the_coding_on_the_renamed_code(project_path):
    owner = open_project(project_path)
    doc = store_document(owner, make_document(TEXTS["policy"], "policy"), segment_language=False)
    code = add_code(owner, "Funding", coder="bea")
    coder = open_project(project_path)
    picked = code  # the coder's toolbar holds the id
    update_code(owner, code, "bea", name="Public money")
    code_span(coder, doc, 0, 10, picked, "ana")
    df = codings_frame(coder)
    assert list(df["code_path"]) == ["Public money"]


def test_concurrent_merge_while_coding_lands_on_the_merge_target(project_path):
    owner = open_project(project_path)
    doc = store_document(owner, make_document(TEXTS["policy"], "policy"), segment_language=False)
    source = add_code(owner, "Money", coder="bea")
    target = add_code(owner, "Funding", coder="bea")
    coder = open_project(project_path)
    merge_codes(owner, source, target, "bea")
    code_span(coder, doc, 0, 10, source, "ana")  # the id the coder picked before the merge
    df = codings_frame(coder)
    assert list(df["code_id"]) == [target]


def test_concurrent_same_span_by_two_members_is_two_codings(project_path):
    setup = open_project(project_path)
    doc = store_document(setup, make_document(TEXTS["policy"], "policy"), segment_language=False)
    code = add_code(setup, "Funding", coder="bea")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        db = open_project(project_path)
        try:
            barrier.wait()
            for i in range(20):
                code_span(db, doc, i, i + 30, code, name)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            db.conn.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in ("ana", "cy")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    df = codings_frame(setup, count="codings")
    assert len(df) == 40
    assert df.groupby(["char_start", "char_end"])["coder"].nunique().eq(2).all()
