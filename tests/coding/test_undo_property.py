"""Property test: any sequence of coding actions, undos and redos matches a simple model of the undo
stack."""

from __future__ import annotations

import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coding as C
from corpus.model import Document
from corpus.store import store_document
from projectfile import open_project

OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("code"), st.integers(0, 40), st.integers(1, 20), st.sampled_from(["A", "B"])
        ),
        st.tuples(st.just("delete"), st.integers(0, 10)),
        st.tuples(st.just("undo")),
        st.tuples(st.just("redo")),
    ),
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_undo_redo_match_model(tmp_path_factory, ops):
    db = open_project(tmp_path_factory.mktemp("p") / "u.qda.sqlite")
    text = "x" * 80
    doc = store_document(
        db,
        Document(
            text=text,
            title="t",
            source_name="t.txt",
            sha256=hashlib.sha256(text.encode()).hexdigest(),
        ),
        segment_language=False,
    )
    C.add_code(db, "A", coder="setup")
    C.add_code(db, "B", coder="setup")
    state: set = set()  # (start, end, code) of active codings
    done: list = []  # stack of (before, after) states
    undone: list = []
    for op in ops:
        if op[0] == "code":
            _, s, n, code = op
            key = (s, s + n, code)
            if key in state:
                C.code_span(db, doc, s, s + n, code, "ana")  # idempotent: no new action
                continue
            C.code_span(db, doc, s, s + n, code, "ana")
            done.append((set(state), state | {key}))
            state = state | {key}
            undone.clear()
        elif op[0] == "delete":
            frame = C.codings_frame(db)
            if frame.empty:
                continue
            row = frame.iloc[op[1] % len(frame)]
            C.delete_coding(db, int(row["coding_id"]), "ana")
            key = (int(row["char_start"]), int(row["char_end"]), row["code_path"])
            done.append((set(state), state - {key}))
            state = state - {key}
            undone.clear()
        elif op[0] == "undo":
            label = C.undo(db, "ana")
            assert (label is None) == (not done)
            if done:
                before, after = done.pop()
                undone.append((before, after))
                state = before
        else:
            label = C.redo(db, "ana")
            assert (label is None) == (not undone)
            if undone:
                before, after = undone.pop()
                done.append((before, after))
                state = after
        frame = C.codings_frame(db)
        assert set(zip(frame["char_start"], frame["char_end"], frame["code_path"])) == state
    db.conn.close()
