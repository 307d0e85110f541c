"""Coding queries and matrices on a small project with known overlaps; cases via a stand-in for
interviews."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from coding_data import import_interviews

import coding as C
import interviews
from coding.matrices import (
    code_attribute_matrix,
    code_case_frame,
    code_case_matrix,
    cooccurrence,
    frequencies,
)
from coding.queries import query_and, query_near, query_not, query_or, query_same_unit, retrieve
from corpus.model import Document, Page, Segment
from corpus.store import get_text, store_document
from projectfile import NotFound

TEXT = "alpha beta gamma delta.\n\nepsilon zeta eta theta.\n\niota kappa lambda mu."


@pytest.fixture
def proj(db):
    """Two plain documents with pages and paragraphs (no cases), coded by ana and ben."""
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


QUESTIONS = ("How did it start?", "And then?", "And last?")


def interview_text(name: str, body: str) -> str:
    """Return a labelled transcript: an interviewer question before each paragraph of ``body``."""
    turns = []
    for question, paragraph in zip(QUESTIONS, body.split("\n\n")):
        turns += [f"Interviewer: {question}", f"{name}: {paragraph}"]
    return "\n\n".join(turns) + "\n"


def at(text: str, words: str) -> tuple[int, int]:
    """Return the span of the first ``words`` in ``text`` that stands as whole words."""
    start = text.index(f" {words}") + 1
    return start, start + len(words)


@pytest.fixture
def people(db, tmp_path):
    """Two imported interviews (Rosa: industry, Luis: academia), coded as ``proj`` codes its
    documents."""
    paths = [tmp_path / "i0_rosa.txt", tmp_path / "i1_luis.txt"]
    paths[0].write_text(interview_text("Rosa", TEXT), encoding="utf-8")
    paths[1].write_text(interview_text("Luis", TEXT.upper()), encoding="utf-8")
    roles = {"Rosa": "interviewee", "Luis": "interviewee", "Interviewer": "interviewer"}
    d0, d1 = import_interviews(db, *paths, roles=roles)
    interviews.set_attribute(db, "Rosa", "sector", "industry")
    interviews.set_attribute(db, "Luis", "sector", "academia")
    for path in ("Funding", "Funding > Public", "Talent", "Barriers"):
        C.ensure_code_path(db, path)
    t0, t1 = get_text(db, d0), get_text(db, d1)
    C.code_span(db, d0, *at(t0, "alpha beta"), "Funding > Public", "ana")
    C.code_span(db, d0, *at(t0, "beta gamma"), "Talent", "ana")
    C.code_span(db, d0, *at(t0, "epsilon"), "Barriers", "ana")
    C.code_span(db, d0, *at(t0, "eta"), "Talent", "ben")
    C.code_span(db, d1, *at(t1, "ALPHA"), "Funding", "ben")
    C.code_span(db, d1, *at(t1, "IOTA"), "Talent", "ben")
    cases = interviews.document_cases(db).set_index("case_name")["case_id"]
    return db, (d0, d1), {name: int(cases[name]) for name in ("Rosa", "Luis")}


def test_retrieve_with_children_and_page(proj):
    db, (d0, d1) = proj
    df = retrieve(db, "Funding", children=True)
    assert list(df["text"]) == ["alpha beta", "ALPHA"]
    assert list(df["code_path"]) == ["Funding > Public", "Funding"]
    assert list(df["page"]) == [1, 1] and df["case_name"].isna().all()
    assert len(retrieve(db, "Funding")) == 1
    assert list(retrieve(db, "Talent", coders=["ben"])["document_id"]) == [d0, d1]


def test_retrieve_with_speaker_case_and_attribute(people):
    db, (d0, d1), case = people
    df = retrieve(db, "Funding", children=True)
    assert list(df["text"]) == ["alpha beta", "ALPHA"]
    assert list(df["case_name"]) == ["Rosa", "Luis"] and list(df["speaker"]) == ["Rosa", "Luis"]
    assert list(retrieve(db, "Talent", cases=[case["Luis"]])["document_id"]) == [d1]
    assert list(retrieve(db, "Talent", attribute={"sector": "industry"})["text"]) == [
        "beta gamma",
        "eta",
    ]
    with pytest.raises(NotFound, match="no case attribute"):
        retrieve(db, "Talent", attribute={"nope": "x"})


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


def test_code_case_and_attribute_matrices(people):
    db, (d0, d1), _case = people
    turns = interviews.turns_frame(db, [d0])
    rosa = turns[turns["speaker"] == "Rosa"]
    # percent is over the case's own words: the characters of Rosa's turns
    rosa_chars = int((rosa["char_end"] - rosa["char_start"]).sum())
    long = code_case_frame(db)
    talent = long[(long["code_path"] == "Talent") & (long["case_name"] == "Rosa")].iloc[0]
    assert talent["codings"] == 2 and talent["coded_chars"] == 13
    assert talent["percent"] == round(100 * 13 / rosa_chars, 2)
    m = code_case_matrix(db)
    assert m.loc["Talent", "Luis"] == 1 and m.loc["Funding", "Luis"] == 1
    pct = code_case_matrix(db, value="percent")
    assert pct.loc["Talent", "Rosa"] == pytest.approx(100 * 13 / rosa_chars, abs=0.01)
    att = code_attribute_matrix(db, "sector")
    assert att.loc["Talent", "industry"] == 2 and att.loc["Talent", "academia"] == 1
    with pytest.raises(NotFound, match="no case attribute"):
        code_attribute_matrix(db, "nope")


def test_union_coverage_does_not_double_count_overlaps(people):
    db, (d0, _), _case = people
    beta, _ = at(get_text(db, d0), "beta gamma")
    # overlaps "beta gamma" (10 characters) by 8: the union is 14 characters
    C.code_span(db, d0, beta + 2, beta + 14, "Talent", "ben")
    row = code_case_frame(db, documents=[d0]).set_index("code_path").loc["Talent"]
    assert row["coded_chars"] == 14 + 3


def test_frequencies(proj):
    db, _ = proj
    f = frequencies(db)
    talent = f.set_index("code_path").loc["Talent"]
    assert (talent["codings"], talent["coded_words"]) == (3, 4)
    assert len(frequencies(db, by="document")) == 5
    assert frequencies(db, by="case").empty


def test_frequencies_by_case_and_attribute(people):
    db, _docs, _case = people
    by_case = frequencies(db, by="case")
    assert set(by_case["case_name"]) == {"Rosa", "Luis"}
    by_att = frequencies(db, by="attribute", attribute="sector")
    assert by_att[by_att["code_path"] == "Talent"].set_index("sector")["codings"].to_dict() == {
        "academia": 1,
        "industry": 2,
    }
    with pytest.raises(C.CodingError, match="needs the attribute"):
        frequencies(db, by="attribute")


def test_trashed_codes_drop_out_of_queries_and_matrices(people):
    from coding.codebook import delete_code, restore_code

    db, _docs, _case = people
    barriers = C.resolve_code(db, "Barriers")
    delete_code(db, "Barriers")
    assert "Barriers" not in set(frequencies(db)["code_path"])
    assert "Barriers" not in cooccurrence(db, mode="turn").index
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
