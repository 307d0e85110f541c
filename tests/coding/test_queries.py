"""Coding queries and matrices on a small project with known overlaps; cases via a stand-in for interviews."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import coding as C
import coding.cases
from coding.matrices import (
    code_attribute_matrix,
    code_case_frame,
    code_case_matrix,
    cooccurrence,
    frequencies,
)
from coding.queries import query_and, query_near, query_not, query_or, query_same_unit, retrieve
from corpus.model import Document, Page, Segment
from corpus.store import store_document

TEXT = "alpha beta gamma delta.\n\nepsilon zeta eta theta.\n\niota kappa lambda mu."


@pytest.fixture
def proj(db, monkeypatch):
    paras = []
    pos = 0
    for part in TEXT.split("\n\n"):
        s = TEXT.index(part, pos)
        paras.append(Segment(s, s + len(part), "paragraph", page=1 if s < 30 else 2))
        pos = s + len(part)
    docs = []
    for i in range(2):
        text = TEXT if i == 0 else TEXT.upper()
        docs.append(
            store_document(
                db,
                Document(
                    text=text,
                    title=f"Interview {i}",
                    source_name=f"i{i}.txt",
                    kind="interview",
                    segments=paras,
                    pages=[Page(1, 0, 25), Page(2, 25, len(text))],
                    sha256=hashlib.sha256(text.encode()).hexdigest(),
                ),
                segment_language=False,
            )
        )
    cases = pd.DataFrame({"document_id": docs, "case_id": [10, 11], "case_name": ["Rosa", "Luis"]})
    monkeypatch.setattr(coding.cases, "document_cases", lambda _db: cases)
    monkeypatch.setattr(
        coding.cases,
        "cases",
        lambda _db: pd.DataFrame({"case_id": [10, 11], "name": ["Rosa", "Luis"]}),
    )
    monkeypatch.setattr(
        coding.cases,
        "case_attributes",
        lambda _db: pd.DataFrame(
            {"case_id": [10, 11], "case_name": ["Rosa", "Luis"], "sector": ["industry", "academia"]}
        ),
    )
    for path in ("Funding", "Funding > Public", "Talent", "Barriers"):
        C.ensure_code_path(db, path)
    d0, d1 = docs
    C.code_span(db, d0, 0, 10, "Funding > Public", "ana")  # "alpha beta"
    C.code_span(db, d0, 6, 16, "Talent", "ana")  # "beta gamma" overlaps Public
    C.code_span(db, d0, 25, 32, "Barriers", "ana")  # "epsilon" (paragraph 2)
    C.code_span(db, d0, 38, 41, "Talent", "ben")  # "eta" (paragraph 2), 6 chars after Barriers
    C.code_span(db, d1, 0, 5, "Funding", "ben")  # "ALPHA"
    C.code_span(db, d1, 50, 54, "Talent", "ben")
    return db, docs


def test_retrieve_with_children_page_and_case(proj):
    db, (d0, d1) = proj
    df = retrieve(db, "Funding", children=True)
    assert list(df["text"]) == ["alpha beta", "ALPHA"]
    assert list(df["code_path"]) == ["Funding > Public", "Funding"]
    assert list(df["case_name"]) == ["Rosa", "Luis"] and list(df["page"]) == [1, 1]
    assert len(retrieve(db, "Funding")) == 1
    assert list(retrieve(db, "Talent", coders=["ben"])["document_id"]) == [d0, d1]
    assert list(retrieve(db, "Talent", cases=[11])["document_id"]) == [d1]
    assert list(retrieve(db, "Talent", attribute={"sector": "industry"})["text"]) == [
        "beta gamma",
        "eta",
    ]


def test_boolean_and_or_not_near_same_unit(proj):
    db, (d0, d1) = proj
    a = query_and(db, "Funding", "Talent", children=True)
    assert list(a["text"]) == ["beta"]
    assert len(query_or(db, "Barriers", "Talent")) == 4
    n = query_not(db, "Talent", "Funding", children=True)
    assert list(n["text"]) == ["eta", TEXT.upper()[50:54]]
    near = query_near(db, "Barriers", "Talent", 6)
    assert list(near["text"]) == ["epsilon zeta eta"]
    assert query_near(db, "Barriers", "Talent", 5).empty
    same = query_same_unit(db, "Barriers", "Talent", unit="paragraph")
    assert list(same["text"]) == ["epsilon zeta eta theta."]
    assert query_and(db, "Funding", "Talent", children=True, documents=[d1]).empty


def test_cooccurrence_overlap_and_paragraph(proj):
    db, _ = proj
    m = cooccurrence(db)
    assert m.loc["Funding > Public", "Talent"] == 1 and m.loc["Talent", "Funding > Public"] == 1
    assert int(np.trace(m.to_numpy())) == 0 and m.to_numpy().sum() == 2
    p = cooccurrence(db, mode="paragraph")
    assert p.loc["Barriers", "Talent"] == 1 and p.loc["Funding > Public", "Talent"] == 1
    sub = cooccurrence(db, codes=["Talent", "Barriers"])
    assert list(sub.index) == ["Talent", "Barriers"] and sub.to_numpy().sum() == 0


def test_cooccurrence_matches_brute_force_on_random_codings(db):
    rng = np.random.default_rng(3)
    text = "x" * 2000
    doc = store_document(
        db,
        Document(
            text=text, title="r", source_name="r.txt", sha256=hashlib.sha256(b"r").hexdigest()
        ),
        segment_language=False,
    )
    for k in range(5):
        C.add_code(db, f"K{k}")
    rows = []
    for _ in range(300):
        s = int(rng.integers(0, 1900))
        rows.append(
            {
                "document_id": doc,
                "char_start": s,
                "char_end": s + int(rng.integers(1, 100)),
                "code": f"K{rng.integers(0, 5)}",
            }
        )
    C.apply_batch(db, rows, "random", "bot")
    df = C.codings_frame(db)
    expected = np.zeros((5, 5), int)
    recs = list(zip(df["char_start"], df["char_end"], df["code_path"].str[1].astype(int)))
    for i, (s1, e1, c1) in enumerate(recs):
        for s2, e2, c2 in recs[i + 1 :]:
            if s1 < e2 and s2 < e1 and c1 != c2:
                expected[c1, c2] += 1
                expected[c2, c1] += 1
    assert (cooccurrence(db).to_numpy() == expected).all()


def test_code_case_and_attribute_matrices(proj):
    db, (d0, d1) = proj
    long = code_case_frame(db)
    talent = long[(long["code_path"] == "Talent") & (long["case_name"] == "Rosa")].iloc[0]
    assert talent["codings"] == 2 and talent["coded_chars"] == 13
    assert talent["percent"] == round(100 * 13 / len(TEXT), 2)
    m = code_case_matrix(db)
    assert m.loc["Talent", "Luis"] == 1 and m.loc["Funding", "Luis"] == 1
    pct = code_case_matrix(db, value="percent")
    assert pct.loc["Talent", "Rosa"] == pytest.approx(100 * 13 / len(TEXT), abs=0.01)
    att = code_attribute_matrix(db, "sector")
    assert att.loc["Talent", "industry"] == 2 and att.loc["Talent", "academia"] == 1
    with pytest.raises(ValueError, match="no case attribute"):
        code_attribute_matrix(db, "nope")


def test_union_coverage_does_not_double_count_overlaps(proj):
    db, (d0, _) = proj
    C.code_span(db, d0, 8, 20, "Talent", "ben")  # overlaps "beta gamma" (6-16): union 6-20 = 14
    row = code_case_frame(db, documents=[d0]).set_index("code_path").loc["Talent"]
    assert row["coded_chars"] == 14 + 3


def test_frequencies(proj):
    db, _ = proj
    f = frequencies(db)
    talent = f.set_index("code_path").loc["Talent"]
    assert (talent["codings"], talent["coded_words"]) == (3, 4)
    by_case = frequencies(db, by="case")
    assert set(by_case["case_name"]) == {"Rosa", "Luis"}
    by_att = frequencies(db, by="attribute", attribute="sector")
    assert by_att[by_att["code_path"] == "Talent"].set_index("sector")["codings"].to_dict() == {
        "academia": 1,
        "industry": 2,
    }
    assert len(frequencies(db, by="document")) == 5


def test_trashed_codes_drop_out_of_queries_and_matrices(proj):
    from coding.codebook import delete_code, restore_code

    db, _ = proj
    barriers = C.resolve_code(db, "Barriers")
    delete_code(db, "Barriers")
    assert "Barriers" not in set(frequencies(db)["code_path"])
    assert "Barriers" not in cooccurrence(db, mode="paragraph").index
    assert "Barriers" not in set(code_case_frame(db)["code_path"])
    restore_code(db, barriers)
    assert "Barriers" in set(frequencies(db)["code_path"])


def test_matrix_cache_sees_writes_from_another_connection(proj, project_path):
    from projectfile import open_project

    db, (d0, _) = proj
    before = cooccurrence(db).loc["Barriers", "Talent"]
    assert cooccurrence(db).loc["Barriers", "Talent"] == before  # served from the cache
    other = open_project(project_path)
    C.code_span(other, d0, 28, 40, "Talent", "cleo")  # overlaps Barriers (25-32)
    other.conn.close()
    assert cooccurrence(db).loc["Barriers", "Talent"] == before + 1
    from coding.codebook import delete_code

    delete_code(db, "Talent")
    assert "Talent" not in cooccurrence(db).index


def test_retrieval_marks_whole_document_codings(proj):
    db, (d0, _) = proj
    C.code_document(db, d0, "Barriers", "ben")
    df = retrieve(db, "Barriers")
    assert sorted(df["text"]) == ["(whole document)", "epsilon"]
