"""Every declared write path, called as a viewer, a coder and an editor: refused with a clear
message naming the member, their role and what was refused, the project unchanged; owners may.

``WRITE_PATHS`` must name every function declared with ``projectfile.writes``: a new write path
without a row here fails ``test_roles_table_covers_every_declared_write``.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import pandas as pd
import pytest

import cli  # noqa: F401  (imports every package, so every @writes is declared)
from coding import (
    add_code,
    add_member,
    add_memo,
    code_span,
    consensus_frame,
    ensure_coder,
    start_blind,
)
from corpus.model import Document, paragraphs_from_text
from corpus.store import store_document
from exports import export_qdc, export_qdpx
from interviews import ensure_case
from projectfile import (
    backup_project,
    declared_writes,
    list_backups,
    on_open,
    open_project,
    restore_backup,
)
from workflows import AccessDenied, Actor, Role, attach, can
from workflows.access import WHAT

TEXT_A = (
    "The binational council met in Monterrey.\n\n"
    "Public funding came from CONACYT. Private funding came from firms."
)
TEXT_B = "Training programmes for technicians were the main barrier.\n\nNobody disagreed."
MEMBERS = {"bea": "owner", "eve": "editor", "ana": "coder", "vic": "viewer"}


def _doc(text: str, title: str) -> Document:
    return Document(
        text=text,
        title=title,
        source_name=f"{title}.txt",
        kind="policy",
        segments=paragraphs_from_text(text),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        size=len(text.encode()),
    )


def _digest(db) -> str:
    return hashlib.sha256("\n".join(db.conn.iterdump()).encode()).hexdigest()


@pytest.fixture
def team(tmp_path):
    """A project of bea (owner), eve (editor), ana (coder), vic (viewer) with two documents, two
    codes, a coding and a memo by bea and by ana, a case; plus REFI files of it."""
    path = tmp_path / "team.qda.sqlite"
    db = open_project(path)
    ctx = {"path": path, "tmp": tmp_path}
    ctx["doc"] = store_document(db, _doc(TEXT_A, "council"), segment_language=False)
    ctx["doc2"] = store_document(db, _doc(TEXT_B, "training"), segment_language=False)
    for name, role in MEMBERS.items():
        ensure_coder(db, name)
        add_member(db, name, role, by="bea")
    ctx["code"] = add_code(db, "Funding", coder="bea")
    ctx["code2"] = add_code(db, "Barriers", coder="bea")
    ctx["coding_bea"] = code_span(db, ctx["doc"], 0, 20, ctx["code"], "bea")
    ctx["coding_ana"] = code_span(db, ctx["doc"], 42, 70, ctx["code"], "ana")
    ctx["memo_bea"] = add_memo(db, "bea's note", "bea", "document", ctx["doc"])
    ctx["memo_ana"] = add_memo(db, "ana's note", "ana", "document", ctx["doc"])
    ctx["case"] = ensure_case(db, "Expert 1")
    ctx["qdc"] = export_qdc(db, tmp_path / "book.qdc")
    ctx["qdpx"] = export_qdpx(db, tmp_path / "whole.qdpx")
    (tmp_path / "codes.csv").write_text("path,definition\nNew > Child,x\n")
    (tmp_path / "attrs.csv").write_text("case,age:number\nExpert 1,40\n")
    ctx["round"] = start_blind(db, "round 1", [ctx["doc2"]], by="bea")
    ctx["backup"] = backup_project(db, reason="manual")
    item = {
        "document_id": ctx["doc"],
        "code_id": ctx["code"],
        "char_start": 0,
        "char_end": 20,
        "a_codings": [ctx["coding_ana"]],
        "b_codings": [ctx["coding_bea"]],
    }
    ctx["item"] = item
    yield db, ctx
    db.conn.close()


def _df(rows):
    return pd.DataFrame(rows)


# qualified name -> call(db, ctx); arguments are plausible, refusal comes before any work
WRITE_PATHS = {
    "coding.blind.start_blind": lambda db, c: start_blind(db, "r2", None, by="x"),
    "coding.blind.open_comparison": lambda db, c: _call(
        "coding.blind.open_comparison", db, c["round"], by="x"
    ),
    "interviews.store.ensure_case": lambda db, c: ensure_case(db, "Expert 2"),
    "interviews.attributes.define_attribute": lambda db, c: _call(
        "interviews.attributes.define_attribute", db, "age"
    ),
    "interviews.attributes.set_attribute": lambda db, c: _call(
        "interviews.attributes.set_attribute", db, c["case"], "region", "north"
    ),
    "interviews.attributes.delete_attribute": lambda db, c: _call(
        "interviews.attributes.delete_attribute", db, "region"
    ),
    "interviews.attributes.import_attributes_csv": lambda db, c: _call(
        "interviews.attributes.import_attributes_csv", db, c["tmp"] / "attrs.csv"
    ),
    "interviews.cases.set_speaker": lambda db, c: _call("interviews.cases.set_speaker", db, 1),
    "interviews.cases.rename_case": lambda db, c: _call(
        "interviews.cases.rename_case", db, c["case"], "Expert One"
    ),
    "interviews.cases.merge_case_records": lambda db, c: _call(
        "interviews.cases.merge_case_records", db, c["case"], c["case"] + 1
    ),
    "interviews.cases.delete_case_record": lambda db, c: _call(
        "interviews.cases.delete_case_record", db, c["case"]
    ),
    "interviews.cases.apply_speaker_edits": lambda db, c: _call(
        "interviews.cases.apply_speaker_edits", db, []
    ),
    "interviews.cases.apply_attribute_edits": lambda db, c: _call(
        "interviews.cases.apply_attribute_edits", db, []
    ),
    "interviews.cases.import_refi_cases": lambda db, c: _call(
        "interviews.cases.import_refi_cases", db, []
    ),
    "coding.case_merges.merge_cases": lambda db, c: _call(
        "coding.case_merges.merge_cases", db, c["case"], c["case"] + 1
    ),
    "coding.case_merges.delete_case": lambda db, c: _call(
        "coding.case_merges.delete_case", db, c["case"]
    ),
    "coding.history.undo": lambda db, c: _call("coding.history.undo", db, "bea"),
    "coding.history.redo": lambda db, c: _call("coding.history.redo", db, "bea"),
    "coding.codings.code_span": lambda db, c: code_span(db, c["doc"], 4, 15, c["code2"], "x"),
    "coding.codings.code_document": lambda db, c: _call(
        "coding.codings.code_document", db, c["doc"], c["code2"], "x"
    ),
    "coding.codings.code_case": lambda db, c: _call(
        "coding.codings.code_case", db, c["case"], c["code2"], "x"
    ),
    "coding.codings.update_coding": lambda db, c: _call(
        "coding.codings.update_coding", db, c["coding_bea"], "x", memo="changed"
    ),
    "coding.codings.delete_coding": lambda db, c: _call(
        "coding.codings.delete_coding", db, c["coding_bea"], "x"
    ),
    "coding.batches.apply_batch": lambda db, c: _call(
        "coding.batches.apply_batch",
        db,
        [{"document_id": c["doc"], "char_start": 0, "char_end": 5, "code": c["code2"]}],
        "rule",
        "x",
    ),
    "coding.batches.undo_batch": lambda db, c: _call("coding.batches.undo_batch", db, 1, "x"),
    "coding.autocode.apply_preview": lambda db, c: _call(
        "coding.autocode.apply_preview", db, _df([]), "x"
    ),
    "coding.reanchor.reanchor": lambda db, c: _call("coding.reanchor.reanchor", db, 1, 0, 5, "x"),
    "coding.reanchor.discard_review": lambda db, c: _call(
        "coding.reanchor.discard_review", db, 1, "x"
    ),
    "nlp.suggest.reject_suggestion": lambda db, c: _call(
        "nlp.suggest.reject_suggestion", db, c["code"], c["doc"], 0, 5, "x"
    ),
    "nlp.suggest.accept_suggestion": lambda db, c: _call(
        "nlp.suggest.accept_suggestion", db, c["code"], c["doc"], 0, 5, "x"
    ),
    "nlp.suggest.record_batch": lambda db, c: _call(
        "nlp.suggest.record_batch", db, c["code"], _df([]), "rejected", "x"
    ),
    "coding.codings.move_codings": lambda db, c: _call(
        "coding.codings.move_codings", db, c["doc"], c["doc2"], lambda i: i
    ),
    "coding.codebook.update_code": lambda db, c: _call(
        "coding.codebook.update_code", db, c["code"], "x", name="Money"
    ),
    "coding.codebook.move_code": lambda db, c: _call(
        "coding.codebook.move_code", db, c["code2"], c["code"], "x"
    ),
    "coding.codebook.reorder_codes": lambda db, c: _call(
        "coding.codebook.reorder_codes", db, [c["code2"], c["code"]], "x"
    ),
    "coding.codebook.merge_codes": lambda db, c: _call(
        "coding.codebook.merge_codes", db, c["code2"], c["code"], "x"
    ),
    "coding.codebook.delete_code": lambda db, c: _call(
        "coding.codebook.delete_code", db, c["code2"], "x"
    ),
    "coding.codebook.restore_code": lambda db, c: _call(
        "coding.codebook.restore_code", db, c["code2"], "x"
    ),
    "coding.codebook.empty_trash": lambda db, c: _call("coding.codebook.empty_trash", db, "x"),
    "coding.codebook.accept_code": lambda db, c: _call(
        "coding.codebook.accept_code", db, c["code2"], "x"
    ),
    "coding.codebook_csv.import_codebook_csv": lambda db, c: _call(
        "coding.codebook_csv.import_codebook_csv", db, c["tmp"] / "codes.csv", "x"
    ),
    "exports.refi.store.import_qdc": lambda db, c: _call(
        "exports.refi.store.import_qdc", c["qdc"], c["path"]
    ),
    "coding.consensus.consensus_coder": lambda db, c: _call("coding.consensus.consensus_coder", db),
    "coding.consensus.decide": lambda db, c: _call(
        "coding.consensus.decide", db, c["item"], "a", by="x"
    ),
    "coding.free_text.rewrite_free_text": lambda db, c: _call(
        "coding.free_text.rewrite_free_text", db, str.upper
    ),
    "coding.free_text.drop_history": lambda db, c: _call("coding.free_text.drop_history", db),
    "deid.apply.apply_review": lambda db, c: _call("deid.apply.apply_review", db, _df([])),
    "deid.apply.deidentify_free_text": lambda db, c: _call(
        "deid.apply.deidentify_free_text", db, {"Monterrey": "City A"}
    ),
    "deid.apply.pseudonymize": lambda db, c: _call("deid.apply.pseudonymize", db, ["Monterrey"]),
    "workflows.deidentify.deidentify": lambda db, c: _call(
        "workflows.deidentify.deidentify", db, _df([])
    ),
    "corpus.search.sync.start_epoch": lambda db, c: _call(
        "corpus.search.sync.start_epoch", db, "e", "s"
    ),
    "corpus.search.sync.stop_index": lambda db, c: _call("corpus.search.sync.stop_index", db),
    "corpus.search.sync.finish_apply": lambda db, c: _call(
        "corpus.search.sync.finish_apply", db, 0, "e", "s"
    ),
    "corpus.search.fts.optimize_index": lambda db, c: _call("corpus.search.fts.optimize_index", db),
    "corpus.search.fts.rebuild_index": lambda db, c: _call("corpus.search.fts.rebuild_index", db),
    "nlp.embeddings.compute_missing": lambda db, c: _call("nlp.embeddings.compute_missing", db, {}),
    "nlp.embeddings.damage_cached_vector": lambda db, c: _call(
        "nlp.embeddings.damage_cached_vector", db, "text"
    ),
    "nlp.vectors.index_passages": lambda db, c: _call("nlp.vectors.index_passages", db),
    "corpus.store.store_document": lambda db, c: store_document(
        db, _doc("A third text.", "third"), segment_language=False
    ),
    "projectfile.backups.backup_project": lambda db, c: backup_project(db, reason="manual"),
    "projectfile.backups.restore_backup": lambda db, c: restore_backup(
        c["path"], c["backup"], db=db
    ),
    "corpus.store.log_outcomes": lambda db, c: _call("corpus.store.log_outcomes", db, "run", []),
    "corpus.store.set_document_fields": lambda db, c: _call(
        "corpus.store.set_document_fields", db, c["doc"], title="renamed"
    ),
    "corpus.store.delete_document": lambda db, c: _call(
        "corpus.store.delete_document", db, c["doc2"]
    ),
    "corpus.ingest.forget_ingest_log": lambda db, c: _call("corpus.ingest.forget_ingest_log", db),
    "corpus.sources.keep_source": lambda db, c: _call(
        "corpus.sources.keep_source", db, c["doc"], c["tmp"] / "codes.csv"
    ),
    "corpus.sources.forget_source_paths": lambda db, c: _call(
        "corpus.sources.forget_source_paths", db
    ),
    "interviews.store.store_transcript": lambda db, c: _call(
        "interviews.store.store_transcript", db, None
    ),
    "interviews.store.store_transcript_version": lambda db, c: _call(
        "interviews.store.store_transcript_version", db, c["doc"], c["doc2"], int, str
    ),
    "coding.reanchor.edit_document": lambda db, c: _call(
        "coding.reanchor.edit_document", db, c["doc"], TEXT_A + "\n\nAdded.", "x"
    ),
    "coding.reanchor.follow_new_versions": lambda db, c: _call(
        "coding.reanchor.follow_new_versions", db
    ),
    "nlp.entity_versions.carry_entities": lambda db, c: _call(
        "nlp.entity_versions.carry_entities", db
    ),
    "workflows.versions.follow_versions": lambda db, c: _call(
        "workflows.versions.follow_versions", db
    ),
    "workflows.edit.correct_document": lambda db, c: _call(
        "workflows.edit.correct_document", db, c["doc"], TEXT_A + "\n\nAdded.", "x"
    ),
    "workflows.ingest.ingest_files": lambda db, c: _call(
        "workflows.ingest.ingest_files", db, [str(c["tmp"] / "codes.csv")]
    ),
    "workflows.ingest.ingest_upload_files": lambda db, c: _call(
        "workflows.ingest.ingest_upload_files", db, [("a.txt", b"Some text.")], c["tmp"]
    ),
    "workflows.transcripts.import_transcripts": lambda db, c: _call(
        "workflows.transcripts.import_transcripts", db, []
    ),
    "workflows.transcripts.save_transcript": lambda db, c: _call(
        "workflows.transcripts.save_transcript", db, None
    ),
    "nlp.gazetteer.add_entries": lambda db, c: _call(
        "nlp.gazetteer.add_entries", db, [{"name": "CONACYT", "label": "ORG"}]
    ),
    "nlp.gazetteer.remove_entries": lambda db, c: _call("nlp.gazetteer.remove_entries", db, [1]),
    "nlp.gazetteer.replace_gazetteer": lambda db, c: _call(
        "nlp.gazetteer.replace_gazetteer", db, _df([])
    ),
    "nlp.gazetteer.merge_entities": lambda db, c: _call(
        "nlp.gazetteer.merge_entities", db, ["A", "B"], "A"
    ),
    "nlp.gazetteer.unmerge_entity": lambda db, c: _call("nlp.gazetteer.unmerge_entity", db, "B"),
    "nlp.entities.extract_entities": lambda db, c: _call("nlp.entities.extract_entities", db),
    "nlp.entities.clear_entities": lambda db, c: _call("nlp.entities.clear_entities", db),
    "coding.history.ensure_coder": lambda db, c: ensure_coder(db, "newcomer"),
    "coding.quick_keys.pin_quick_key": lambda db, c: _call(
        "coding.quick_keys.pin_quick_key", db, "x", 1, c["code"]
    ),
    "coding.quick_keys.set_quick_keys": lambda db, c: _call(
        "coding.quick_keys.set_quick_keys", db, "x", {1: c["code"]}
    ),
    "coding.members.add_member": lambda db, c: add_member(db, "zoe", "coder", by="x"),
    "coding.members.set_role": lambda db, c: _call(
        "coding.members.set_role", db, "vic", "coder", by="x"
    ),
    "coding.members.remove_member": lambda db, c: _call(
        "coding.members.remove_member", db, "vic", by="x"
    ),
    "coding.memos.add_memo": lambda db, c: add_memo(db, "a memo", "x"),
    "coding.memos.update_memo": lambda db, c: _call(
        "coding.memos.update_memo", db, c["memo_bea"], "x", text="changed"
    ),
    "coding.memos.delete_memo": lambda db, c: _call(
        "coding.memos.delete_memo", db, c["memo_bea"], "x"
    ),
    "coding.project_merge.merge_project": lambda db, c: _call(
        "coding.project_merge.merge_project", db, c["tmp"] / "nothing.qda.sqlite"
    ),
    "exports.refi.store.store_refi": lambda db, c: _call(
        "exports.refi.store.store_refi", db, None, None
    ),
    "exports.refi.store.import_qdpx": lambda db, c: _call(
        "exports.refi.store.import_qdpx", c["qdpx"], c["path"]
    ),
    "exports.refi.merge.merge_qdpx": lambda db, c: _call(
        "exports.refi.merge.merge_qdpx", c["qdpx"], db
    ),
    "workflows.merge.merge_project": lambda db, c: _call(
        "workflows.merge.merge_project", db, c["qdpx"]
    ),
    "coding.codes.add_code": lambda db, c: add_code(db, "Proposed", coder="x"),
    "coding.codes.ensure_code_path": lambda db, c: _call(
        "coding.codes.ensure_code_path", db, "Deep > Path", "x"
    ),
    "corpus.meta.set_project_meta": lambda db, c: _call(
        "corpus.meta.set_project_meta", db, "k", "v"
    ),
    "exports.citations.set_citation_template": lambda db, c: _call(
        "exports.citations.set_citation_template", db, "{title}"
    ),
    "nlp.topic_queries.set_topic_label": lambda db, c: _call(
        "nlp.topic_queries.set_topic_label", db, 1, 0, "label"
    ),
    "nlp.topics.fit_topics": lambda db, c: _call("nlp.topics.fit_topics", db),
    # issue 21 (the assistant, calibration), 23 (recordings), 24 (cells, history, surveys)
    "coding.codebook.split_code": lambda db, c: _call(
        "coding.codebook.split_code", db, c["code"], {"Part": [c["coding_bea"]]}, "x"
    ),
    "coding.codebook_history.snapshot_codebook": lambda db, c: _call(
        "coding.codebook_history.snapshot_codebook", db, "round 1", "x"
    ),
    "coding.assistant_coders.ensure_assistant": lambda db, c: _call(
        "coding.assistant_coders.ensure_assistant", db, "model", "1", "2026-01-01"
    ),
    "coding.assistant_coders.accept_assistant_codings": lambda db, c: _call(
        "coding.assistant_coders.accept_assistant_codings", db, [c["coding_bea"]], "x"
    ),
    "coding.memos.set_cell_summary": lambda db, c: _call(
        "coding.memos.set_cell_summary", db, f"case:{c['case']}", c["code"], "a summary", "x"
    ),
    "coding.memos.move_cell_summaries": lambda db, c: _call(
        "coding.memos.move_cell_summaries", db, "case:1", "case:2", "x"
    ),
    "interviews.media.store_media": lambda db, c: _call(
        "interviews.media.store_media", db, c["doc"], None
    ),
    "interviews.media.link_media": lambda db, c: _call("interviews.media.link_media", db, 1, 1),
    "interviews.media.note_missing_media": lambda db, c: _call(
        "interviews.media.note_missing_media", db, c["doc"], "gone.mp3"
    ),
    "interviews.media.detach_media": lambda db, c: _call(
        "interviews.media.detach_media", db, c["doc"]
    ),
    "interviews.media.remove_unused_media": lambda db, c: _call(
        "interviews.media.remove_unused_media", db
    ),
    "interviews.timing.carry_turn_times": lambda db, c: _call(
        "interviews.timing.carry_turn_times", db, c["doc"], c["doc2"], int
    ),
    "interviews.timing.set_turn_time": lambda db, c: _call(
        "interviews.timing.set_turn_time", db, c["doc"], 0, 1.0
    ),
    "interviews.timing.store_word_times": lambda db, c: _call(
        "interviews.timing.store_word_times", db, c["doc"], []
    ),
    "interviews.survey_store.store_survey": lambda db, c: _call(
        "interviews.survey_store.store_survey", db, None, "0" * 64
    ),
    "nlp.calibrate.store_thresholds": lambda db, c: _call(
        "nlp.calibrate.store_thresholds", db, c["code"], "model", "sentence", "now", None
    ),
}

# paths that take a file path, not the connection: the member is bound where the project opens
BY_PATH = {"exports.refi.store.import_qdc", "exports.refi.store.import_qdpx"}
# owner runs that need no model, no worker process and no outside file: they must succeed
OWNER_RUNS = [
    "coding.codings.code_span",
    "coding.codings.update_coding",
    "coding.codings.delete_coding",
    "coding.codebook.update_code",
    "coding.codebook.merge_codes",
    "coding.codes.add_code",
    "coding.memos.update_memo",
    "coding.members.set_role",
    "coding.blind.open_comparison",
    "coding.consensus.decide",
    "corpus.store.set_document_fields",
    "exports.citations.set_citation_template",
    "interviews.cases.rename_case",
    "coding.quick_keys.pin_quick_key",
]


def _call(qualname: str, *args, **kwargs):
    module, name = qualname.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


def _op(qualname: str) -> str:
    return declared_writes()[qualname]


def test_roles_table_covers_every_declared_write():
    # the product's write paths: tests declare throwaway ones of their own (test_access_guard)
    declared = {q for q in declared_writes() if not q.startswith("test_") and "<locals>" not in q}
    assert declared - set(WRITE_PATHS) == set(), "a declared write path has no row in the table"
    assert set(WRITE_PATHS) - declared == set(), "a row names a function that is not declared"


ROWS = [
    (q, name)
    for q in sorted(WRITE_PATHS)
    for name in ("vic", "ana", "eve")
    if not can(Actor(name, Role(MEMBERS[name])), declared_writes()[q])
]


def test_roles_refusals_cover_each_role():
    refused = {name for _, name in ROWS}
    assert refused == {"vic", "ana", "eve"}
    # a viewer may write nothing but derived caches and their own coder row
    viewer = {q for q, n in ROWS if n == "vic"}
    assert {q for q in WRITE_PATHS if _op(q) not in ("derived", "identity")} == viewer


@pytest.mark.parametrize(("qualname", "member"), ROWS)
def test_roles_write_path_refused(team, qualname, member):
    db, ctx = team
    attach(db, member)
    remove = on_open(
        lambda d, path, created: attach(d, member) if Path(path) == ctx["path"] else None
    )
    before = _digest(db)
    try:
        with pytest.raises(AccessDenied) as refused:
            WRITE_PATHS[qualname](db, ctx)
    finally:
        remove()
    message = str(refused.value)
    role = MEMBERS[member]
    assert f"{member} is {'an' if role[0] in 'aeiou' else 'a'} {role} here" in message
    assert WHAT.get(_op(qualname), _op(qualname)) in message
    assert "Nothing was changed" in message
    assert _digest(db) == before


@pytest.mark.parametrize("qualname", OWNER_RUNS)
def test_roles_owner_may(team, qualname):
    db, ctx = team
    attach(db, "bea")
    before = _digest(db)
    WRITE_PATHS[qualname](db, ctx)
    assert _digest(db) != before


def test_roles_coder_changes_own_work_not_others(team):
    db, ctx = team
    attach(db, "ana")
    _call("coding.codings.update_coding", db, ctx["coding_ana"], "ana", memo="mine")
    _call("coding.memos.update_memo", db, ctx["memo_ana"], "ana", text="mine too")
    before = _digest(db)
    with pytest.raises(AccessDenied, match="changing another member's codings is for owners"):
        _call("coding.codings.delete_coding", db, ctx["coding_bea"], "ana")
    with pytest.raises(AccessDenied, match="changing another member's memos is for owners"):
        _call("coding.memos.delete_memo", db, ctx["memo_bea"], "ana")
    assert _digest(db) == before


def test_roles_coder_new_code_is_a_proposal_owner_accepts(team):
    db, ctx = team
    attach(db, "ana")
    proposed = add_code(db, "Informal funding", coder="ana")
    status = db.execute("SELECT status FROM codes WHERE id = ?", [proposed]).fetchone()[0]
    assert status == "proposed"
    with pytest.raises(AccessDenied):
        _call("coding.codebook.accept_code", db, proposed, "ana")
    attach(db, "bea")
    _call("coding.codebook.accept_code", db, proposed, "bea")
    assert db.execute("SELECT status FROM codes WHERE id = ?", [proposed]).fetchone()[0] == (
        "active"
    )
    assert (
        add_code(db, "Owner code", coder="bea")
        and db.execute("SELECT status FROM codes WHERE name = 'Owner code'").fetchone()[0]
        == "active"
    )


def test_roles_non_member_reads_but_cannot_write(team):
    db, ctx = team
    actor = attach(db, "mallory")
    assert actor.role is None
    before = _digest(db)
    with pytest.raises(AccessDenied, match="mallory is not a member of this project"):
        code_span(db, ctx["doc"], 0, 5, ctx["code"], "mallory")
    assert _digest(db) == before
    assert len(consensus_frame(db)) >= 1  # reading is not a write


def test_roles_backups_and_restores_are_an_owners(team, tmp_path):
    db, ctx = team
    path = ctx["path"]
    backups = list_backups(path)
    for member in ("ana", "eve", "vic"):
        attach(db, member)
        with pytest.raises(AccessDenied, match="making or restoring backups is for owners"):
            backup_project(db, reason="manual")
        with pytest.raises(AccessDenied, match="making or restoring backups is for owners"):
            restore_backup(path, ctx["backup"], db=db)
        assert list_backups(path) == backups  # no backup, not even the one before a restore
    attach(db, "bea")
    code_span(db, ctx["doc"], 5, 9, ctx["code"], "bea")  # not in the backup
    restore_backup(path, ctx["backup"], db=db)  # checked, then the connection is closed
    back = open_project(path)
    try:
        assert back.execute("SELECT count(*) FROM codings").fetchone()[0] == 2
        assert [b for b in list_backups(path) if "before-restore" in b.name]
    finally:
        back.conn.close()
