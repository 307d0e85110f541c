"""Agreement says what it compared (issue 20 §2): documents compared and left out, by name; 'not
applied' and 'undefined' instead of 1.000; current versions only; never '-0'."""

from __future__ import annotations

import hashlib
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import coding as C
from coding.agreement import agreement, disagreements
from coding.agreement_text import agreement_summary, agreement_table, format_statistic
from corpus.model import Document
from corpus.store import store_document

NEGATIVE_ZERO = re.compile(r"-0(?:\.0*)?(?![0-9.])")
CLI = str(Path(__file__).resolve().parents[2] / "cli.py")


def _doc(db, text: str, title: str) -> int:
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


def _row(df: pd.DataFrame, path: str) -> pd.Series:
    return df.set_index("code_path").loc[path]


def test_agreement_code_one_coder_applied_in_a_document_the_other_never_coded(db):
    both, only_a = _doc(db, "a" * 100, "Both read"), _doc(db, "b" * 100, "Only Ana")
    C.add_code(db, "K")
    C.add_code(db, "L")
    C.code_span(db, both, 0, 50, "K", "ana")
    C.code_span(db, both, 10, 50, "K", "ben")
    C.code_span(db, only_a, 0, 30, "L", "ana")  # ben never coded "Only Ana"
    df = agreement(db)
    lrow = _row(df, "L")
    # before: percent, kappa and alpha 1.000 over units where nobody applied L
    assert lrow["status"] == "not applied"
    assert all(math.isnan(lrow[c]) for c in ("percent_agreement", "kappa", "alpha"))
    assert lrow["documents_compared"] == "Both read" and lrow["documents"] == 1
    assert lrow["documents_left_out"] == "Only Ana (ana only)"
    assert _row(df, "K")["documents_left_out"] == ""  # K's codings were all compared
    overall = _row(df, "(overall)")
    assert overall["documents_left_out"] == "Only Ana (ana only)" and overall["units"] == 100
    table = agreement_table(df).set_index("code")
    assert list(table.loc["L", ["percent", "kappa", "alpha"]]) == ["n/a (not applied)"] * 3
    assert agreement_summary(df) == (
        "Compared 1 document: Both read. Left out (coded by only some of the coders):"
        " Only Ana (ana only)."
    )


def test_agreement_code_nobody_applied_in_the_compared_documents_is_not_applied(db):
    doc = _doc(db, "c" * 100, "d")
    C.add_code(db, "K")
    C.add_code(db, "Unused")
    C.code_span(db, doc, 0, 40, "K", "ana")
    C.code_span(db, doc, 20, 60, "K", "ben")
    df = agreement(db, codes=["K", "Unused"])
    row = _row(df, "Unused")
    assert row["status"] == "not applied" and math.isnan(row["alpha"]) and row["units"] == 100
    assert _row(df, "K")["status"] == "ok"
    assert _row(df, "(overall)")["status"] == "ok"
    only = agreement(db, codes=["Unused"])
    assert _row(only, "(overall)")["status"] == "not applied"


def test_agreement_identical_codings_with_variation_are_1(db):
    doc = _doc(db, "d" * 200, "d")
    C.add_code(db, "K")
    for coder in ("ana", "ben"):
        C.code_span(db, doc, 20, 80, "K", coder)
        C.code_span(db, doc, 120, 150, "K", coder)
    row = agreement(db).iloc[0]
    assert row["status"] == "ok"
    assert (row["percent_agreement"], row["kappa"], row["alpha"]) == (1.0, 1.0, 1.0)
    assert (
        list(agreement_table(agreement(db)).iloc[0][["percent", "kappa", "alpha"]]) == ["1.000"] * 3
    )


def test_agreement_without_variation_is_undefined(db):
    doc = _doc(db, "e" * 100, "d")
    C.add_code(db, "K")
    C.code_span(db, doc, 0, 100, "K", "ana")  # everyone applied K everywhere
    C.code_span(db, doc, 0, 100, "K", "ben")
    df = agreement(db)
    row = df.iloc[0]
    assert row["status"] == "undefined: no variation" and row["percent_agreement"] == 1.0
    assert math.isnan(row["kappa"]) and math.isnan(row["alpha"])
    table = agreement_table(df).iloc[0]
    assert (table["percent"], table["kappa"], table["alpha"]) == ("1.000", "undefined", "undefined")


def test_agreement_with_three_coders_names_kappa_for_two_coders_only(db):
    doc = _doc(db, "z" * 100, "d")
    C.add_code(db, "K")
    for coder, end in (("A", 50), ("B", 50), ("C", 60)):
        C.code_span(db, doc, 0, end, "K", coder)
    table = agreement_table(agreement(db)).iloc[0]
    assert table["kappa"] == "n/a (2 coders only)" and table["alpha"] not in ("n/a", "undefined")


def test_agreement_scope_keywords_and_scope_object_agree(db):
    d1, d2 = _doc(db, "f" * 100, "d1"), _doc(db, "g" * 100, "d2")
    C.add_code(db, "K")
    for d in (d1, d2):
        C.code_span(db, d, 0, 50, "K", "ana")
        C.code_span(db, d, 25, 75, "K", "ben")
    by_keyword = agreement(db, documents=[d1], coders=["ana", "ben"])
    by_scope = agreement(db, C.Scope(documents=(d1,), coders=("ana", "ben")))
    pd.testing.assert_frame_equal(by_keyword, by_scope)
    assert by_scope.iloc[-1]["documents_compared"] == "d1"
    with pytest.raises(TypeError):
        agreement(db, "sentence")


def test_agreement_coder_who_coded_only_other_codes_is_compared_on_every_code(db):
    doc = _doc(db, "h" * 100, "d")
    C.add_code(db, "K")
    C.add_code(db, "L")
    C.code_span(db, doc, 0, 50, "K", "ana")
    C.code_span(db, doc, 0, 50, "L", "ben")  # ben read the document and did not apply K
    for df in (agreement(db), agreement(db, codes=["K"])):
        row = _row(df, "K")
        assert row["documents"] == 1 and row["percent_agreement"] == 0.5


def test_agreement_an_edit_of_a_coded_document_changes_no_figure(db):
    text = "Funding came late. Customs were slow and costly. We waited for weeks."
    doc = _doc(db, text, "Interview")
    C.add_code(db, "Barriers")
    C.add_code(db, "Time")
    C.code_span(db, doc, 19, 48, "Barriers", "ana")
    C.code_span(db, doc, 24, 48, "Barriers", "ben")
    C.code_span(db, doc, 49, 69, "Time", "ana")
    before = {u: agreement(db, unit=u) for u in ("char", "sentence")}
    dis_before = disagreements(db)
    # a correction outside the codings, same length: the figures must not move
    result = C.edit_document(db, doc, text.replace("late", "LATE"), "ana")
    assert result.new_document_id != doc
    for unit, frame in before.items():
        pd.testing.assert_frame_equal(agreement(db, unit=unit), frame)
    after = disagreements(db)
    assert list(after["document_id"]) == [result.new_document_id] * len(dis_before)
    cols = ["char_start", "char_end", "coded_by", "not_coded_by", "text"]
    pd.testing.assert_frame_equal(after[cols], dis_before[cols])
    # the earlier version and its codings are history, counted only when asked for
    history = agreement(db, versions="all")
    assert history.iloc[-1]["documents"] == 2


def test_agreement_deleted_codings_and_trashed_codes_do_not_count(db):
    doc = _doc(db, "i" * 100, "d")
    C.add_code(db, "K")
    C.add_code(db, "Gone")
    C.code_span(db, doc, 0, 50, "K", "ana")
    C.code_span(db, doc, 0, 50, "K", "ben")
    stray = C.code_span(db, doc, 60, 90, "K", "ben")
    C.code_span(db, doc, 0, 10, "Gone", "ana")
    C.delete_coding(db, stray, "ben")
    C.delete_code(db, "Gone", "ana")
    df = agreement(db)
    assert list(df["code_path"]) == ["K", "(overall)"]
    assert df.iloc[0]["kappa"] == 1.0


def test_format_statistic_never_prints_negative_zero():
    assert format_statistic(-0.0) == "0.000"
    assert format_statistic(-0.0004) == "0.000"
    assert format_statistic(-0.0005001) == "-0.001"
    assert format_statistic(0.3181) == "0.318"
    assert format_statistic(float("nan"), "undefined: no variation") == "undefined"
    assert format_statistic(1.0, "not applied") == "n/a (not applied)"
    assert format_statistic(float("nan")) == "n/a"


def _slightly_negative(db, n: int = 10000) -> None:
    """Two coders whose overlap is a hair below chance: kappa -4/n, alpha about -3.5/n."""
    doc = _doc(db, "j" * n, "Chance")
    C.add_code(db, "K")
    C.code_span(db, doc, 0, n // 2, "K", "ana")
    C.code_span(db, doc, n // 4 + 1, 3 * n // 4 + 1, "K", "ben")


def test_agreement_slightly_negative_figures_print_as_0(db):
    _slightly_negative(db)
    df = agreement(db)
    assert -0.0005 < df.iloc[0]["alpha"] < 0 and -0.0005 < df.iloc[0]["kappa"] < 0
    table = agreement_table(df)
    assert set(table["kappa"]) == {"0.000"} and set(table["alpha"]) == {"0.000"}


def _cli(*args, project):
    return subprocess.run(
        [sys.executable, CLI, *args, "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_agreement_names_compared_and_left_out_documents(db, project_path):
    both, only_a = _doc(db, "a" * 100, "Both read"), _doc(db, "b" * 100, "Only Ana")
    C.add_code(db, "K")
    C.add_code(db, "L")
    C.code_span(db, both, 0, 50, "K", "ana")
    C.code_span(db, both, 10, 50, "K", "ben")
    C.code_span(db, only_a, 0, 30, "L", "ana")
    r = _cli("agreement", project=project_path)
    assert r.returncode == 0, r.stderr
    assert (
        "Compared 1 document: Both read. Left out (coded by only some of the coders):"
        " Only Ana (ana only)." in r.stdout
    )
    assert "n/a (not applied)" in r.stdout
    r = _cli("agreement", "--format", "json", project=project_path)
    rows = json.loads(r.stdout)  # stdout stays data; the line goes to stderr
    assert rows[-1]["documents_left_out"] == "Only Ana (ana only)"
    assert rows[0]["status"] == "ok" and rows[1]["alpha"] is None
    assert "Left out" in r.stderr
    r = _cli("agreement", "--document", str(both), "--code", "K", project=project_path)
    assert "None left out." in r.stdout


def test_cli_agreement_never_prints_negative_zero(db, project_path):
    _slightly_negative(db, 100_000)  # kappa -0.00004: -0.000 at 3 digits, -0.0 at 4
    for fmt in ("table", "csv", "json"):
        r = _cli("agreement", "--format", fmt, project=project_path)
        assert r.returncode == 0, r.stderr
        assert not NEGATIVE_ZERO.search(r.stdout), r.stdout
    assert "0.000" in _cli("agreement", project=project_path).stdout
