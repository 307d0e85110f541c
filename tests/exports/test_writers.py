"""Writers of the evidence table, each read back: CSV, XLSX, DOCX, Markdown, LaTeX."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
from docx import Document as WordDocument

from coding import codes_frame
from exports import (
    codebook_docx,
    evidence_csv,
    evidence_docx,
    evidence_latex,
    evidence_markdown,
    evidence_table,
    evidence_xlsx,
)
from exports.tables import XLSX_CELL_LIMIT, latex_escape, markdown_unescape, sheet_name


def test_csv_round_trips_quotes_with_bom(coded, tmp_path):
    df = evidence_table(coded["db"])
    path = evidence_csv(df, tmp_path / "e.csv", bom=True)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    assert back["quote"].tolist() == df["quote"].tolist()
    assert not evidence_csv(df, tmp_path / "n.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_xlsx_header_frozen_wrapped_quotes_and_text_not_formulas(with_cases, tmp_path):
    db = with_cases["db"]
    df = evidence_table(db)
    path = evidence_xlsx(df, tmp_path / "e.xlsx", codebook=codes_frame(db))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Evidence", "Codebook"]
    ws = wb["Evidence"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header == list(df.columns)
    qcol = header.index("quote") + 1
    quotes = [ws.cell(row=r, column=qcol).value for r in range(2, len(df) + 2)]
    assert quotes == df["quote"].tolist()
    assert ws.cell(row=2, column=qcol).alignment.wrap_text
    letter = openpyxl.utils.get_column_letter(qcol)
    assert ws.column_dimensions[letter].width >= 80
    formula_row = quotes.index(next(q for q in quotes if "=SUM" in q)) + 2
    assert ws.cell(row=formula_row, column=qcol).data_type == "s"
    cb = [c.value for c in wb["Codebook"][1]]
    assert "definition" in cb and wb["Codebook"].max_row == 5


def test_xlsx_sheet_per_code_and_long_cells(coded, tmp_path):
    df = evidence_table(coded["db"])
    df.loc[0, "quote"] = "x" * (XLSX_CELL_LIMIT + 10)
    buf = io.BytesIO()
    evidence_xlsx(df, buf, sheet_per_code=True)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert wb.sheetnames == ["Barriers", "Funding", "Funding > Public", "Spanish", "Notes"]
    assert wb["Barriers"].max_row == 3
    assert "truncated" in wb["Notes"]["A1"].value


def test_sheet_names_are_legal_and_unique():
    used: set[str] = set()
    assert sheet_name("A/B: [x]?", used) == "A_B_ _x__"
    long = "Very long code path name that goes past the limit"
    first, second = sheet_name(long, used), sheet_name(long, used)
    assert len(first) == 31 and len(second) == 31 and first != second


def test_docx_grouped_by_code_then_case_with_italic_quotes(with_cases, tmp_path):
    db = with_cases["db"]
    df = evidence_table(db)
    path = evidence_docx(df, tmp_path / "e.docx", codebook=codes_frame(db))
    doc = WordDocument(str(path))
    heads = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert heads[:3] == [
        ("Heading 1", "Barriers"),
        ("Heading 2", "No case"),
        ("Heading 1", "Funding"),
    ]
    assert ("Heading 2", "Expert 3") in heads
    texts = [p.text for p in doc.paragraphs]
    assert any(t.startswith("Definition: What held consortia back.") for t in texts)
    quoted = {}
    for p in doc.paragraphs:
        italic = "".join(r.text for r in p.runs if r.italic)
        if italic:
            quoted[italic] = p.text
    for quote, cite in zip(df["quote"], df["citation"]):
        assert quoted[quote] == f"{quote} — {cite}"
    assert quoted["We signed with the council in 1994"].endswith(", turn 2, 00:12:41-00:12:50")
    assert any(t.endswith(" — Policy brief, p. 2") for t in texts)


def test_markdown_reads_back_to_the_same_quotes(coded, tmp_path):
    df = evidence_table(coded["db"])
    text = evidence_markdown(df, tmp_path / "e.md").read_text(encoding="utf-8")
    blocks, current = [], []
    for line in text.split("\n"):
        if line.startswith("> — "):
            blocks.append("\n".join(current[:-1]))
            current = []
        elif line.startswith(">"):
            current.append(line[2:] if line.startswith("> ") else "")
    assert [markdown_unescape(b) for b in blocks] == df["quote"].tolist()
    assert "## Funding \\> Public" in text


def test_latex_longtable_escapes_special_characters(coded, tmp_path):
    df = evidence_table(coded["db"])
    tex = evidence_latex(df, tmp_path / "e.tex", standalone=True).read_text(encoding="utf-8")
    assert r"\begin{longtable}" in tex and r"\toprule" in tex and r"\bottomrule" in tex
    assert r"training\_programmes for technicians \{were\} the main barrier" in tex
    assert r"50\% of the money" in tex
    assert tex.count(r"\begin{document}") == 1
    body = tex.split(r"\endfoot")[1]
    # no unescaped special character left in the rows
    stripped = re.sub(
        r"\\(textbackslash|textasciitilde|textasciicircum|textless|textgreater|newline)(\{\})?|\\[&%$#_{}]|\\\\",
        "",
        body,
    )
    stripped = stripped.replace(r"\end{longtable}", "").replace(r"\end{document}", "")
    assert not re.search(r"[&%$#_{}~^\\]", stripped.replace(" & ", " "))
    assert latex_escape("a\\b~c^") == r"a\textbackslash{}b\textasciitilde{}c\textasciicircum{}"
    assert latex_escape("[sic] {x}") == r"{[}sic{]} \{x\}"


def test_codebook_docx_lists_tree_with_definitions(coded, tmp_path):
    path = codebook_docx(codes_frame(coded["db"]), tmp_path / "cb.docx")
    doc = WordDocument(str(path))
    heads = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Funding") in heads and ("Heading 2", "Public") in heads
    texts = "\n".join(p.text for p in doc.paragraphs)
    assert "Include when: Any source" in texts and "2 codings" in texts


def test_document_writers_show_a_span_coded_by_two_coders_once(coded, tmp_path):
    from exports_sample import POLICY, span

    from coding import code_span
    from exports.evidence import unique_quotes

    db = coded["db"]
    code_span(
        db,
        coded["policy"],
        *span(POLICY, "50% of the money came from CONACYT"),
        "Funding > Public",
        "ben",
        memo="agreed",
    )
    df = evidence_table(db)
    assert len(df) == 7
    merged = unique_quotes(df)
    assert len(merged) == 6
    row = merged[merged["quote"] == "50% of the money came from CONACYT"].iloc[0]
    assert row["coder"] == "ana, ben" and row["memo"] == "key figure\n\nagreed"
    doc = WordDocument(str(evidence_docx(df, tmp_path / "e.docx")))
    italic = ["".join(r.text for r in p.runs if r.italic) for p in doc.paragraphs]
    assert italic.count("50% of the money came from CONACYT") == 1
    md = evidence_markdown(df, tmp_path / "e.md").read_text(encoding="utf-8")
    assert md.count("50% of the money") == 1
    back = pd.read_csv(evidence_csv(df, tmp_path / "e.csv"))
    assert len(back) == 7 and back["page"].dropna().tolist() == [
        2,
        2,
        1,
        1,
        2,
    ]  # tables keep every coding
