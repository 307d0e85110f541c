"""Agreement: published reference values, the krippendorff package as oracle, and units from a
project."""

from __future__ import annotations

import hashlib
import math
import random

import krippendorff
import numpy as np
import pytest

import coding as C
from coding.agreement import agreement, disagreements, split_sentences
from coding.agreement_stats import cohen_kappa, krippendorff_alpha, percent_agreement
from corpus.model import Document
from corpus.store import store_document

# Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), 4 coders x 12 units, nominal,
# with missing values
K_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_krippendorff_published_example_is_0_743():
    units = list(zip(*K_DATA))
    assert round(krippendorff_alpha(units), 3) == 0.743


def test_krippendorff_matches_oracle_on_random_data_with_missing():
    rng = random.Random(4)
    for _ in range(20):
        coders, n = rng.randint(2, 5), rng.randint(5, 40)
        data = [[rng.choice([None, 0, 1, 2]) for _ in range(n)] for _ in range(coders)]
        arr = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
        try:
            expected = krippendorff.alpha(reliability_data=arr, level_of_measurement="nominal")
        except (ValueError, ZeroDivisionError):
            continue
        ours = krippendorff_alpha(list(zip(*data)))
        assert (math.isnan(expected) and math.isnan(ours)) or ours == pytest.approx(
            expected, abs=1e-9
        )


def test_cohen_kappa_textbook_example():
    # 50 proposals read by two readers: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> kappa 0.4
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert round(cohen_kappa(a, b), 3) == 0.400
    assert percent_agreement(a, b) == pytest.approx(0.7)


def _doc(db, text, title="doc"):
    return store_document(
        db,
        Document(
            text=text,
            title=title,
            source_name=title + ".txt",
            sha256=hashlib.sha256(text.encode()).hexdigest(),
        ),
        segment_language=False,
    )


def test_nvivo_example_kappa_0_318_at_char_level(db):
    doc = _doc(db, "x" * 1000)
    C.add_code(db, "Code")
    C.code_span(db, doc, 0, 150, "Code", "A")  # A: 0-150
    C.code_span(db, doc, 100, 200, "Code", "B")  # B: 100-200 -> 50 both, 100 A only, 50 B only
    df = agreement(db, unit="char")
    row = df[df["code_path"] == "Code"].iloc[0]
    assert round(row["kappa"], 3) == 0.318
    assert row["percent_agreement"] == pytest.approx(0.85)
    assert row["units"] == 1000
    assert df.iloc[-1]["code_path"] == "(overall)" and round(df.iloc[-1]["kappa"], 3) == 0.318
    oracle = krippendorff.alpha(
        reliability_data=np.array([[1] * 150 + [0] * 850, [0] * 100 + [1] * 100 + [0] * 800]),
        level_of_measurement="nominal",
    )
    assert row["alpha"] == pytest.approx(oracle, abs=1e-3)
    dis = disagreements(db, unit="char")
    assert list(zip(dis["char_start"], dis["char_end"], dis["coded_by"], dis["not_coded_by"])) == [
        (0, 100, "A", "B"),
        (150, 200, "B", "A"),
    ]
    C.add_code(db, "Other")
    C.code_span(db, doc, 0, 40, "Other", "B")
    dis = disagreements(db, unit="char", codes=["Code"])
    assert dis.iloc[0]["instead"] == "B: Other" and dis.iloc[1]["instead"] == ""


def test_sentence_and_paragraph_units(db):
    text = "One. Two! Three?\n\nFour five. Six."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "One.",
        "Two!",
        "Three?",
        "Four five.",
        "Six.",
    ]
    from coding_data import make_document

    doc = store_document(db, make_document(text, "units"), segment_language=False)
    C.add_code(db, "K")
    C.code_span(db, doc, 0, 3, "K", "A")  # in sentence 1
    C.code_span(db, doc, 5, 8, "K", "B")  # in sentence 2
    s = agreement(db, unit="sentence").iloc[0]
    assert s["units"] == 5 and s["percent_agreement"] == pytest.approx(3 / 5)
    p = agreement(db, unit="paragraph").iloc[0]
    assert p["units"] == 2 and p["percent_agreement"] == 1.0
    with pytest.raises(C.CodingError, match="unknown unit"):
        agreement(db, unit="word")


def test_document_a_coder_did_not_code_is_left_out_and_named(db):
    d1, d2 = _doc(db, "a" * 100, "d1"), _doc(db, "b" * 100, "d2")
    C.add_code(db, "K")
    C.code_span(db, d1, 0, 50, "K", "A")
    C.code_span(db, d1, 0, 50, "K", "B")
    C.code_span(db, d2, 0, 50, "K", "A")  # B never looked at d2: nothing of it is compared
    row = agreement(db).iloc[0]
    assert row["units"] == 100 and row["percent_agreement"] == 1.0 and row["kappa"] == 1.0
    assert row["documents"] == 1 and row["documents_compared"] == "d1"
    assert row["documents_left_out"] == "d2 (A only)" and row["status"] == "ok"


def test_three_coders_alpha_and_no_kappa(db):
    doc = _doc(db, "z" * 100)
    C.add_code(db, "K")
    for coder, (s, e) in {"A": (0, 50), "B": (0, 50), "C": (0, 60)}.items():
        C.code_span(db, doc, s, e, "K", coder)
    row = agreement(db).iloc[0]
    assert math.isnan(row["kappa"]) and 0.5 < row["alpha"] < 1


def test_turn_units_and_same_turn_query(db):
    from coding.queries import query_same_unit
    from corpus.model import Segment

    text = "I: How was it?\nR: Slow and costly.\nI: Why?\nR: Customs."
    turns, pos = [], 0
    for line in text.split("\n"):
        s = text.index(line, pos)
        turns.append(Segment(s, s + len(line), "turn", data={"speaker": line[0]}))
        pos = s + len(line)
    doc = store_document(
        db,
        Document(
            text=text,
            title="int",
            source_name="int.txt",
            kind="interview",
            segments=turns,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
        ),
        segment_language=False,
    )
    C.add_code(db, "Barriers")
    C.add_code(db, "Cost")
    C.code_span(db, doc, 18, 22, "Barriers", "A")  # "Slow" in turn 2
    C.code_span(db, doc, 27, 33, "Barriers", "B")  # "costly" in turn 2
    C.code_span(db, doc, 27, 33, "Cost", "A")
    C.code_span(db, doc, 46, 53, "Barriers", "B")  # "Customs" in turn 4: A did not code it
    row = agreement(db, unit="turn", codes=["Barriers"]).iloc[0]
    assert row["units"] == 4 and row["percent_agreement"] == pytest.approx(3 / 4)
    same = query_same_unit(db, "Barriers", "Cost", unit="turn")
    assert list(same["text"]) == ["R: Slow and costly."]


def test_char_agreement_matches_oracle_with_three_coders_and_two_codes(db):
    n = 300
    doc = _doc(db, "w" * n, "three")
    C.add_code(db, "K")
    C.add_code(db, "L")
    spans = {
        "A": [("K", 0, 120), ("L", 100, 200)],
        "B": [("K", 10, 130), ("L", 150, 260)],
        "C": [("K", 0, 60)],
    }
    arrays = {}
    for coder, items in spans.items():
        for code, s, e in items:
            C.code_span(db, doc, s, e, code, coder)
            arrays.setdefault(code, {}).setdefault(coder, np.zeros(n))[s:e] = 1
    df = agreement(db).set_index("code_path")
    for code in ("K", "L"):
        data = np.array([arrays[code].get(c, np.zeros(n)) for c in ("A", "B", "C")])
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert df.loc[code, "alpha"] == pytest.approx(expected, abs=1e-9)
    pooled = np.hstack(
        [
            np.array([arrays[code].get(c, np.zeros(n)) for c in ("A", "B", "C")])
            for code in ("K", "L")
        ]
    )
    assert df.loc["(overall)", "alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=pooled, level_of_measurement="nominal"), abs=1e-9
    )


def test_agreement_reports_progress_per_document(db):
    d1, d2 = _doc(db, "a" * 50, "p1"), _doc(db, "b" * 50, "p2")
    C.add_code(db, "K")
    for d in (d1, d2):
        C.code_span(db, d, 0, 10, "K", "A")
        C.code_span(db, d, 0, 10, "K", "B")
    seen = []
    agreement(db, progress=lambda done, total, msg: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]
