"""Nothing coded is stranded (issue 20 §1): a coding aimed at a superseded version goes to the
current one through the edits' mappings, or is refused naming the current version."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from coding_data import make_document
from race_workers import BASE, code_loop, edit_loop

from coding import (
    CodingError,
    add_memo,
    apply_batch,
    code_document,
    code_span,
    edit_document,
    ensure_code_path,
    memos_frame,
)
from coding.consistency import check_project
from corpus import get_document, get_text, store_document
from corpus.worker_context import worker_context

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


def _span(text: str, needle: str) -> tuple[int, int]:
    s = text.index(needle)
    return s, s + len(needle)


def _active(db, document_id: int) -> list[tuple]:
    return db.execute(
        "SELECT id, char_start, char_end FROM codings WHERE document_id = ? AND deleted_at IS NULL",
        [document_id],
    ).fetchall()


def test_stranded_code_span_on_superseded_version_goes_to_current(db, doc):
    new = edit_document(db, doc, "Preface.\n\n" + TEXT.replace("Teh", "The"), "ana")
    notes: list[str] = []
    s, e = _span(TEXT, "Suppliers waited")
    cid = code_span(db, doc, s, e, "Theme", "bo", notify=notes.append)
    row = db.execute("SELECT document_id, char_start, char_end FROM codings WHERE id = ?", [cid])
    d, ns, ne = row.fetchone()
    assert d == new.new_document_id and get_text(db, d)[ns:ne] == "Suppliers waited"
    assert notes == [f"coded on the current version {d} (document {doc} was superseded)"]
    assert _active(db, doc) == []
    assert check_project(db).empty


def test_stranded_refused_when_words_are_gone_names_current_version(db, doc):
    new = edit_document(db, doc, TEXT.replace(" Suppliers waited for certification.", ""), "ana")
    s, e = _span(TEXT, "Suppliers waited")
    with pytest.raises(CodingError, match=f"current version {new.new_document_id}"):
        code_span(db, doc, s, e, "Theme", "bo")
    assert _active(db, doc) == [] and _active(db, new.new_document_id) == []


def test_stranded_carried_through_a_chain_of_edits(db, doc):
    v2 = edit_document(db, doc, TEXT.replace("Teh", "The"), "ana").new_document_id
    v3 = edit_document(db, v2, "New start.\n\n" + get_text(db, v2), "ana").new_document_id
    v4 = edit_document(db, v3, get_text(db, v3).replace("March", "May"), "ana").new_document_id
    s, e = _span(TEXT, "laboratory")
    cid = code_span(db, doc, s, e, "Theme", "bo")
    d, ns, ne = db.execute(
        "SELECT document_id, char_start, char_end FROM codings WHERE id = ?", [cid]
    ).fetchone()
    assert d == v4 and get_text(db, v4)[ns:ne] == "laboratory"
    whole = code_document(db, v2, "Theme", "bo")
    d, ns, ne = db.execute(
        "SELECT document_id, char_start, char_end FROM codings WHERE id = ?", [whole]
    ).fetchone()
    assert (d, ns, ne) == (v4, 0, len(get_text(db, v4)))
    assert check_project(db).empty


def test_stranded_batch_rows_carried_or_whole_batch_refused(db, doc):
    new = edit_document(db, doc, TEXT.replace("Teh", "The").replace(" in March", ""), "ana")
    v2 = new.new_document_id
    rows = [
        {"document_id": doc, "char_start": a, "char_end": b, "code": "Theme"}
        for a, b in (_span(TEXT, "laboratory"), _span(TEXT, "consortium"))
    ]
    notes: list[str] = []
    apply_batch(db, rows, rule="test", coder="bo", notify=notes.append)
    quotes = sorted(get_text(db, v2)[a:b] for _, a, b in _active(db, v2))
    assert quotes == ["consortium", "laboratory"]
    assert notes == [f"2 codings coded on the current version {v2} (document {doc} was superseded)"]
    gone = [{"document_id": doc, "char_start": 20, "char_end": 25, "code": "Theme"}]  # "March"
    with pytest.raises(CodingError, match=f"row 1: .*current version {v2}"):
        apply_batch(db, rows[:1] + gone, rule="test 2", coder="cy")
    assert len(_active(db, v2)) == 2  # the refused batch wrote nothing


def test_stranded_memos_on_superseded_version(db, doc):
    s, e = _span(TEXT, "laboratory")
    cid = code_span(db, doc, s, e, "Theme", "bo")
    v2 = edit_document(db, doc, TEXT.replace("Teh", "The"), "ana").new_document_id
    notes: list[str] = []
    add_memo(db, "about the document", "bo", "document", doc, notify=notes.append)
    memos = memos_frame(db, target="document")
    assert list(memos["target_id"]) == [v2] and "current version" in notes[0]
    with pytest.raises(CodingError, match=f"current version {v2}"):
        add_memo(db, "about the old coding", "bo", "coding", cid)


def test_stranded_cli_says_where_the_coding_went(db, doc, project_path):
    v2 = edit_document(db, doc, TEXT.replace("Teh", "The"), "ana").new_document_id
    s, e = _span(TEXT, "laboratory")
    args = ["--document", str(doc), "--start", str(s), "--end", str(e), "--code", "Theme"]
    r = subprocess.run(
        [sys.executable, CLI, "code", *args, "--project", str(project_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert f"coded on the current version {v2} (document {doc} was superseded)" in r.stderr
    cid = int(r.stdout.strip())
    assert get_document(db, v2)["is_current"]
    assert db.execute("SELECT document_id FROM codings WHERE id = ?", [cid]).fetchone()[0] == v2
    gone = TEXT.index("March")
    args = ["--document", str(doc), "--start", str(gone), "--end", str(gone + 5), "--code", "Theme"]
    edit_document(db, v2, get_text(db, v2).replace(" in March", ""), "ana")
    r = subprocess.run(
        [sys.executable, CLI, "code", *args, "--project", str(project_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode != 0 and "current version" in r.stderr and r.stdout == ""


def test_stranded_race_edit_and_code_in_two_processes(db, project_path, tmp_path):
    """One process edits the document 40 times while another codes it 25 times, always aiming at
    the id it was given first: every coding ends on the current version, none is stranded."""
    ensure_code_path(db, "Race", coder="coder")
    doc = store_document(db, make_document(BASE, "race"), segment_language=False)
    ctx = worker_context()  # never replays an AppTest's streamlit_app.py as __main__
    barrier = ctx.Barrier(2)
    edits_out, codes_out = tmp_path / "edits.json", tmp_path / "codes.json"
    editor = ctx.Process(target=edit_loop, args=(str(project_path), doc, 40, barrier, edits_out))
    coder = ctx.Process(target=code_loop, args=(str(project_path), doc, barrier, codes_out))
    editor.start()
    coder.start()
    editor.join(240)
    coder.join(240)
    assert editor.exitcode == 0 and coder.exitcode == 0
    edits = json.loads(edits_out.read_text(encoding="utf-8"))
    reported = json.loads(codes_out.read_text(encoding="utf-8"))
    current = edits["last"]
    assert edits["edits"] == 40 and get_document(db, current)["is_current"]
    coded = [r for r in reported if "coding_id" in r]
    refused = [r for r in reported if "refused" in r]
    carried = [r for r in coded if r["notes"]]
    on_current = db.execute(
        "SELECT char_start, char_end FROM codings WHERE document_id = ? AND deleted_at IS NULL",
        [current],
    ).fetchall()
    text = get_text(db, current)
    assert len(coded) + len(refused) == 25 and not refused  # the edits never touch the words
    assert sorted(text[a:b] for a, b in on_current) == sorted(r["word"] for r in coded)
    problems = check_project(db)
    assert problems[problems["kind"] == "stranded"].empty, problems.to_string()
    assert problems.empty, problems.to_string()
    print(f"race: {len(coded)} coded, {len(carried)} of them carried by the coding call itself")
