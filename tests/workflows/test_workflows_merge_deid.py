"""workflows.merge_project (a project file or a .qdpx) and workflows.deidentify (issue 20 §4)."""

from __future__ import annotations

from workflow_data import coded_transcript

from coding import code_span, codings_frame, ensure_code_path
from corpus import get_text, list_documents, search
from deid import find_names
from exports import export_qdpx
from projectfile import copy_project, open_project
from workflows import deidentify, merge_project, preview_merge


def _other(db, tmp_path, doc: int):
    other = tmp_path / "other.qda.sqlite"
    copy_project(db, other)
    odb = open_project(other)
    ensure_code_path(odb, "Training", coder="ben")
    s = get_text(odb, doc).index("We waited a year.")
    code_span(odb, doc, s, s + 17, "Training", "ben")
    return other, odb


def test_workflows_merge_project_file_then_again_adds_nothing(db, tmp_path):
    doc, _ = coded_transcript(db, tmp_path)
    other, odb = _other(db, tmp_path, doc)
    odb.conn.close()
    assert "Training" in set(preview_merge(db, other)["path"])
    done = merge_project(db, other, coder="ana")
    assert done.imported is None and done.merged.summary()
    assert set(codings_frame(db)["coder"]) == {"ana", "ben"}
    again = merge_project(db, other, coder="ana")
    assert "added" not in set(again.merged.frame()["outcome"])


def test_workflows_merge_project_qdpx_imports_then_merges(db, tmp_path):
    doc, _ = coded_transcript(db, tmp_path)
    other, odb = _other(db, tmp_path, doc)
    archive = export_qdpx(odb, tmp_path / "other.qdpx")
    odb.conn.close()
    done = merge_project(db, archive, coder="imported")
    assert done.imported is not None and len(done.lines()) > 1
    assert "Training" in set(codings_frame(db)["code_path"])


def test_workflows_deidentify_writes_versions_and_a_shareable_copy(db, tmp_path):
    doc, _ = coded_transcript(db, tmp_path)
    review = find_names(db, names=["Maria Lopez"], use_ner=False)
    assert len(review) and review["accept"].all()
    done = deidentify(db, review, shareable=tmp_path / "share.qda.sqlite")
    [new] = list(done.result["new_document_id"])
    assert list(list_documents(db)["id"]) == [new] and new != doc
    assert "Maria Lopez" not in get_text(db, new)
    assert len(codings_frame(db, documents=[new])) == 2  # codings moved with their words
    assert search(db, "Lopez").empty  # the current text no longer holds the name
    assert done.key_path.name.endswith(".deid-key.json") and done.key_path.exists()
    assert done.shareable is not None and (tmp_path / "share.qda.sqlite").exists()
