"""The write guards on one connection (projectfile.access + workflows.access): a write that
declares no op is an owner's; nested ops are judged by the outermost; the demo guard and the
access guard both run; a read-only connection reads as before; derived writes (the search index,
cached embeddings) are a viewer's too."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from coding import add_code, add_member, code_span, codings_frame, ensure_coder
from corpus import search, sync_search_index
from corpus.ingest import ingest
from corpus.search import index as search_index
from projectfile import (
    ProjectError,
    add_write_guard,
    current_operations,
    open_project,
    operation,
    set_write_guard,
    transaction,
    writes,
)
from workflows import AccessDenied, attach

MEMBERS = {"bea": "owner", "ana": "coder", "vic": "viewer"}
TEXT = "\n\n".join(
    f"Paragraph {i}: the council funded technician training in Monterrey." for i in range(12)
)


def _digest(db) -> str:
    return hashlib.sha256("\n".join(db.conn.iterdump()).encode()).hexdigest()


@pytest.fixture
def team(tmp_path):
    """A project of bea (owner), ana (coder), vic (viewer) with one document of 12 paragraphs,
    a code and a coding."""
    path = tmp_path / "guard.qda.sqlite"
    source = tmp_path / "council.txt"
    source.write_text(TEXT, encoding="utf-8")
    db = open_project(path)
    (outcome,) = ingest([str(source)], db, workers=1)
    doc = outcome.document_id
    for name, role in MEMBERS.items():
        ensure_coder(db, name)
        add_member(db, name, role, by="bea")
    code = add_code(db, "Funding", coder="bea")
    code_span(db, doc, 0, 9, code, "bea")
    yield db, {"path": path, "doc": doc, "code": code}
    db.conn.close()


def _undeclared_write(db) -> None:
    with transaction(db):
        db.execute("UPDATE codes SET definition = 'undeclared'")


def test_undeclared_write_is_refused_for_non_owners_and_allowed_for_owners(team):
    db, _ = team
    before = _digest(db)
    for member, role in (("ana", "coder"), ("vic", "viewer")):
        attach(db, member)
        with pytest.raises(AccessDenied) as refused:
            _undeclared_write(db)
        assert f"{member} is a {role} here: this change is for owners (bea)" in str(refused.value)
        assert _digest(db) == before and not db.conn.in_transaction
    attach(db, "bea")
    _undeclared_write(db)
    assert db.execute("SELECT definition FROM codes").fetchone()[0] == "undeclared"


def test_declared_write_is_refused_before_its_body_runs(team):
    db, _ = team
    ran = []

    @writes("codebook")
    def restructure(d):
        ran.append(d)  # e.g. parsing a file or loading a model before the transaction
        with transaction(d):
            d.execute("UPDATE codes SET name = 'Renamed'")

    attach(db, "ana")
    with pytest.raises(AccessDenied, match="changing the codebook's structure is for owners"):
        restructure(db)
    assert ran == []
    attach(db, "bea")
    restructure(db)
    assert ran == [db]


def test_nested_ops_are_judged_by_the_outermost(team):
    db, ctx = team
    seen = []
    add_write_guard(db, "spy", lambda d, ops: seen.append(ops))

    @writes("codebook")
    def restructure(d):
        with transaction(d):
            d.execute("UPDATE codes SET color = '#111111'")

    @writes("code")
    def code_then_restructure(d):
        code_span(d, ctx["doc"], 10, 20, ctx["code"], "ana")  # declared "code" itself
        restructure(d)  # inside a coding: the coding decides

    attach(db, "ana")
    code_then_restructure(db)
    assert seen == [("code", "code"), ("code", "codebook")]
    assert db.execute("SELECT color FROM codes").fetchone()[0] == "#111111"
    seen.clear()
    before = _digest(db)
    with operation("codebook"), pytest.raises(AccessDenied, match="ana is a coder here"):
        code_span(db, ctx["doc"], 30, 40, ctx["code"], "ana")  # inside a codebook change
    assert _digest(db) == before
    assert current_operations() == ()
    # another member's work is checked even inside a coder's own op
    with operation("code"), operation("code.others"), pytest.raises(AccessDenied) as refused:
        _undeclared_write(db)
    assert "changing another member's codings is for owners" in str(refused.value)
    assert _digest(db) == before


def test_demo_guard_and_access_guard_both_run(team):
    db, ctx = team
    calls = []

    def demo(d):
        calls.append("demo")
        if d.execute("SELECT 1").fetchone() and refuse_demo:
            raise ProjectError("demo: make a copy first", code="demo")

    refuse_demo = True
    set_write_guard(db, demo)
    attach(db, "bea")  # the owner passes the access guard; the demo guard still refuses
    before = _digest(db)
    with pytest.raises(ProjectError, match="demo: make a copy first"):
        code_span(db, ctx["doc"], 10, 20, ctx["code"], "bea")
    assert calls == ["demo"] and _digest(db) == before
    refuse_demo = False
    attach(db, "vic")  # the demo allows; the access guard refuses the viewer
    with pytest.raises(AccessDenied, match="vic is a viewer here: coding is for coders"):
        code_span(db, ctx["doc"], 10, 20, ctx["code"], "vic")
    assert _digest(db) == before
    attach(db, "ana")  # both allow
    calls.clear()
    code_span(db, ctx["doc"], 10, 20, ctx["code"], "ana")
    assert calls == ["demo"] and len(codings_frame(db)) == 2
    set_write_guard(db, None)  # removing the demo guard leaves the access guard in place
    attach(db, "vic")
    with pytest.raises(AccessDenied):
        code_span(db, ctx["doc"], 30, 40, ctx["code"], "vic")


def test_read_only_connection_reads_for_any_member(team):
    db, ctx = team
    ro = open_project(ctx["path"], readonly=True)
    try:
        calls = []
        add_write_guard(ro, "spy", lambda d, ops: calls.append(ops))
        attach(ro, "vic")
        assert len(codings_frame(ro)) == 1
        assert len(search(ro, "Monterrey")) >= 1
        attach(ro, "bea")  # even an owner cannot write on it: the file says so, not a role
        with pytest.raises(ProjectError, match="read-only") as refused:
            code_span(ro, ctx["doc"], 10, 20, ctx["code"], "bea")
        assert not isinstance(refused.value, AccessDenied)
        assert calls == []  # the file refused before any guard was asked
    finally:
        ro.conn.close()
    assert len(codings_frame(db)) == 1


class _Encoder:
    """A stand-in for the sentence encoder: fixed vectors of the model's width."""

    def __init__(self, dim: int):
        self.dim = dim
        self.seen: list[str] = []

    def encode(self, batch):
        self.seen.extend(batch)
        rng = np.random.default_rng(len(self.seen))
        return rng.normal(size=(len(batch), self.dim)).astype("float32")


def test_derived_writes_are_a_viewers_too(team, monkeypatch):
    from nlp import embed_texts
    from nlp.embeddings import encoder_spec

    db, ctx = team
    monkeypatch.setattr(search_index, "THRESHOLD", 10)
    monkeypatch.setattr(search_index, "BACKGROUND_REBUILD", False)
    monkeypatch.setattr(search_index, "_handles", {})
    monkeypatch.setattr(search_index, "_small", {})
    attach(db, "vic")
    assert sync_search_index(db) == "built"  # reading with a stale index brings it in step
    assert search_index.index_dir(ctx["path"]).is_dir()
    assert len(search(db, "Monterrey")) == 12
    enc = _Encoder(encoder_spec("use-multilingual-v3").dim)
    texts = ["technician training", "council funding"]
    vectors = embed_texts(db, texts, model="use-multilingual-v3", encoder=enc)
    assert vectors.shape == (2, enc.dim) and enc.seen == texts
    assert db.execute("SELECT count(*) FROM embeddings").fetchone()[0] == 2
    with pytest.raises(AccessDenied):  # while still refused anything else
        code_span(db, ctx["doc"], 10, 20, ctx["code"], "vic")
