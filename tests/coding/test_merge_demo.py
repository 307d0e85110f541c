"""Two copies of the demo project (its interviews and codings), coded apart by ana and ben, one
with a corrected transcript, merge; the Analysis page's agreement compares both (issue 16 §2)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from coding import (
    agreement,
    code_span,
    codes_frame,
    codings_frame,
    edit_document,
    merge_project,
)
from corpus import get_segments, get_text, list_documents
from demo import step_coding, step_interviews
from demo.build import ROOT as DEMO_ROOT
from projectfile import copy_project, open_project

APP = str(DEMO_ROOT.parent / "streamlit_app.py")


@pytest.fixture(scope="module")
def demo_base(tmp_path_factory):
    """The demo's interviews and its two coders' codings (the corpus and nlp steps are not needed
    here and take a minute)."""
    path = tmp_path_factory.mktemp("demo") / "demo.qda.sqlite"
    db = open_project(path)
    step_interviews.build(db, DEMO_ROOT)
    step_coding.build(db, DEMO_ROOT)
    db.conn.close()
    return path


def _code_first_sentences(db, coder: str, every: int, code: str) -> int:
    """Code the first sentence of every ``every``-th turn of each interview; return how many."""
    n = 0
    for doc in list_documents(db, kind="interview")["id"]:
        text = get_text(db, int(doc))
        for k, turn in enumerate(get_segments(db, int(doc), kind="turn").itertuples()):
            if k % every:
                continue
            m = re.search(r"[.?!]", turn.text)
            end = int(turn.char_start) + (m.end() if m else len(turn.text))
            if text[int(turn.char_start) : end].strip():
                code_span(db, int(doc), int(turn.char_start), end, code, coder)
                n += 1
    return n


@pytest.fixture
def demo_copies(demo_base, tmp_path):
    ours, theirs = tmp_path / "ana.qda.sqlite", tmp_path / "ben.qda.sqlite"
    base = open_project(demo_base)
    copy_project(base, ours)
    copy_project(base, theirs)
    base.conn.close()
    code = codes_frame(open_project(ours))["path"].iloc[0]
    a = open_project(ours)
    _code_first_sentences(a, "ana", 2, code)
    b = open_project(theirs)
    # ben corrects a transcript first (a word before the codings), then codes
    doc = int(list_documents(b, kind="interview")["id"].iloc[0])
    text = get_text(b, doc)
    word = re.search(r"\b(the|el|la)\b", text)
    edit_document(b, doc, text[: word.start()] + word[0].upper() + text[word.end() :], "ben")
    _code_first_sentences(b, "ben", 3, code)
    b.conn.close()
    yield a, theirs, ours
    a.conn.close()


def test_merge_demo_copies_keeps_coders_apart_and_agreement_compares_them(demo_copies):
    db, theirs, ours = demo_copies
    before = set(codings_frame(db)["coder"])
    report = merge_project(db, theirs, coder="ana").frame()
    docs = report[report["item"] == "document"]
    assert set(docs["outcome"]) == {"matched"}
    assert any("differs" in r for r in docs["reason"])  # ben's corrected transcript
    # what stays out: the codings (and their memos) ben's edit left on the old version
    left = report[report["outcome"] == "left out"]
    assert left["name"].str.contains("earlier version").any()
    assert set(left["item"]) <= {"coding", "memo"}
    assert set(codings_frame(db)["coder"]) == before | {"ben"}
    # the demo's own two coders' codings were already here: not duplicated
    coding_rows = report[(report["item"] == "coding") & (report["outcome"] != "left out")]
    demo_rows = coding_rows[~coding_rows["name"].str.endswith("by ben")]
    assert set(demo_rows["outcome"]) == {"already here"}
    ag = agreement(db, coders=["ana", "ben"])
    overall = ag.iloc[-1]
    assert 0 < float(overall["kappa"]) < 1 and overall["units"] > 0
    # merging the same copy again changes nothing
    n = len(codings_frame(db))
    assert merge_project(db, theirs, coder="ana").changed == 0
    assert len(codings_frame(db)) == n

    # the Analysis page's agreement tab offers both coders and computes their agreement
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["project_path"] = str(ours)
    at.run()
    at.switch_page("ui/pages/analysis.py").run()
    assert not at.exception
    pick = at.multiselect(key="ag_coders")
    assert {"ana", "ben"} <= set(pick.options)
    pick.set_value(["ana", "ben"]).run()
    assert not at.exception
