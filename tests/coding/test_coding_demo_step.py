"""The coding demo step builds a codebook and two coders' codings on whatever documents exist."""

from __future__ import annotations

from pathlib import Path

from coding_data import make_document

import coding as C
from coding.agreement import agreement
from coding.memos import memos_frame
from corpus.store import store_document
from demo import step_coding

TEXT = (
    "The binational innovation council met in Saltillo. Public funding came from CONACYT. "
    "Training of technicians was the first priority. La falta de técnicos es un obstáculo. "
    "NAFTA changed industrial policy. Private firms gave in-kind support. Technology transfer was"
    " slow."
)


def test_demo_step_codes_found_phrases_by_two_coders(db):
    doc = store_document(db, make_document(TEXT, "demo"), segment_language=False)
    step_coding.build(db, Path("."))
    paths = set(C.codes_frame(db)["path"])
    assert {
        "Governance > Binational councils",
        "Funding > Public",
        "Talent > Training",
        "Barriers",
    } <= paths
    df = C.codings_frame(db)
    assert set(df["coder"]) == {"ana", "ben"}
    council = df[(df["code_path"] == "Governance > Binational councils") & (df["coder"] == "ana")]
    assert council.iloc[0]["text"] == "The binational innovation council met in Saltillo."
    assert (
        df[df["code_path"] == "Barriers"].iloc[0]["text"] == "La falta de técnicos es un obstáculo."
    )
    assert len(memos_frame(db)) == 4
    ag = agreement(db)
    assert ag.iloc[-1]["percent_agreement"] < 1  # the coders differ somewhat
    assert doc in df["document_id"].tolist()


def test_demo_step_on_empty_project(db):
    step_coding.build(db, Path("."))
    assert len(C.codes_frame(db)) == 10 and C.codings_frame(db).empty
