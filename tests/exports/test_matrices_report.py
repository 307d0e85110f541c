"""Matrices and codebook files, and the standalone HTML report (escaped, charts inlined)."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest
from exports_sample import POLICY, span

from coding import add_code, code_span, codes_frame
from exports import (
    ExportError,
    codebook_csv,
    evidence_html,
    evidence_report,
    evidence_table,
    matrix_csv,
    matrix_frame,
    matrix_xlsx,
)


def test_cooccurrence_matrix_counts_overlapping_codings(coded, tmp_path):
    m = matrix_frame(coded["db"], kind="cooccurrence")
    m = m.set_index("code")
    # 'training…barrier' (Barriers, ana) overlaps nothing of another code; add one that does
    add_code(coded["db"], "Skills")
    code_span(coded["db"], coded["policy"], *span(POLICY, "technicians"), "Skills", "ana")
    m = matrix_frame(coded["db"], kind="cooccurrence").set_index("code")
    assert m.loc["Skills", "Barriers"] == m.loc["Barriers", "Skills"] >= 1
    back = pd.read_csv(matrix_csv(m.reset_index(), tmp_path / "co.csv"))
    assert back.columns[0] == "code" and set(back["code"]) >= {"Skills", "Barriers"}


def test_code_case_and_attribute_matrix_xlsx(with_cases, tmp_path):
    m = matrix_frame(with_cases["db"], kind="code-case", value="present")
    assert list(m.columns) == ["code", "Expert 3"]
    assert dict(zip(m["code"], m["Expert 3"])) == {"Funding": 1, "Funding > Public": 1}
    t = matrix_frame(with_cases["db"], kind="code-case", value="present", transpose=True)
    assert list(t.columns) == ["case", "Funding", "Funding > Public"] and t["case"].tolist() == [
        "Expert 3"
    ]
    a = matrix_frame(with_cases["db"], kind="code-attribute", attribute="sector")
    assert "industry" in a.columns
    buf = io.BytesIO()
    matrix_xlsx(m, buf, title="Codes x cases")
    ws = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["Codes x cases"]
    assert [c.value for c in ws[1]] == ["code", "Expert 3"] and ws.freeze_panes == "A2"
    with pytest.raises(ExportError, match="needs --attribute"):
        matrix_frame(with_cases["db"], kind="code-attribute")
    with pytest.raises(ExportError, match="kind must be"):
        matrix_frame(with_cases["db"], kind="nope")


def test_codebook_csv_has_tree_criteria_and_counts(coded, tmp_path):
    df = pd.read_csv(
        codebook_csv(coded["db"], tmp_path / "cb.csv", bom=True),
        encoding="utf-8-sig",
        keep_default_na=False,
    )
    assert df["path"].tolist() == codes_frame(coded["db"])["path"].tolist()
    row = df.set_index("path").loc["Funding > Public"]
    assert (
        row["level"] == 2
        and row["definition"] == "State money (CONACYT, councils)."
        and row["codings"] == 2
    )
    assert df.set_index("path").loc["Funding", "inclusion"] == "Any source"


def test_html_report_is_standalone_and_escapes_everything(coded, tmp_path):
    from exports_sample import make_doc

    from corpus import store_document

    db = coded["db"]
    evil_text = "Nota: <script>alert('doc')</script> & más."
    doc_id = store_document(
        db, make_doc(evil_text, "<i>Evil</i> brief", "policy"), segment_language=False
    )
    add_code(db, "<b onmouseover=alert(1)")
    code_span(
        db,
        doc_id,
        *span(evil_text, "<script>alert('doc')</script>"),
        "<b onmouseover=alert(1)",
        "ana",
        memo="<img src=x onerror=alert(1)>",
    )
    add_code(db, "Skills")
    code_span(
        db, coded["policy"], *span(POLICY, "technicians"), "Skills", "ana"
    )  # overlaps 'Barriers'
    df = evidence_table(db)
    page = evidence_report(db, df, tmp_path / "r.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for raw in ("<script>alert", "<img src=x", "<b onmouseover", "<i>Evil"):
        assert raw not in page
    assert "&lt;script&gt;alert(&#x27;doc&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;b onmouseover=alert(1)" in page
    assert "<script" not in page  # static SVG charts: no script at all, works offline
    assert len(page.encode("utf-8")) < 100_000  # was 4.8 MB with plotly.js inlined
    # codings per code, agreement between ana and ben, co-occurrence
    assert len(re.findall(r'<figure class="chart">', page)) == 3
    assert "Krippendorff" in page
    for quote in df["quote"]:
        assert (
            quote.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
            .replace("'", "&#x27;")
            in page
        )
    assert "Policy brief, p. 2<" in page and ">&lt;i&gt;Evil&lt;/i&gt; brief<" in page


def test_html_report_of_empty_table(db, tmp_path):
    page = evidence_report(db, evidence_table(db), tmp_path / "e.html").read_text(encoding="utf-8")
    assert "0 coded segments" in page


def test_html_report_renders_the_frames_it_is_given(coded, tmp_path):
    df = evidence_table(coded["db"])
    co = pd.DataFrame([[0, 2], [2, 0]], index=["A <x>", "B"], columns=["A <x>", "B"])
    page = evidence_html(
        df,
        tmp_path / "given.html",
        cooccurrence=co,
        not_computed={"Agreement": "needs <two> coders"},
    ).read_text(encoding="utf-8")
    # codings per code and the co-occurrence given; no agreement chart, and a note saying why
    assert len(re.findall(r'<figure class="chart">', page)) == 2
    assert "Krippendorff" not in page and "A &lt;x&gt;" in page
    assert "Agreement: not computed (needs &lt;two&gt; coders)." in page


def test_html_report_of_one_coder_says_agreement_was_not_computed(coded, tmp_path):
    df = evidence_table(coded["db"], coders="ana")
    page = evidence_report(coded["db"], df, tmp_path / "ana.html").read_text(encoding="utf-8")
    assert "not computed (the evidence has codings by one coder only)" in page
