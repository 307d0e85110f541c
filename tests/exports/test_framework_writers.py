"""Framework matrix writers on the bilingual demo project: DOCX (landscape, a table row per case,
quotes as an appendix or as real footnotes, each quote the coded text), XLSX (two sheets, strings
only, formulas stay text), Markdown and LaTeX (special characters escaped); opened back and
checked. With LibreOffice present the DOCX is also rendered to PDF."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from demo_data import demo_copy
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from lxml import etree

from cli import main
from coding import Scope, add_code, set_cell_summary
from corpus import get_text, list_documents
from exports import (
    framework_docx,
    framework_file,
    framework_latex,
    framework_markdown,
    framework_table,
    framework_xlsx,
)
from interviews import cases_frame
from projectfile import open_project

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TRICKY = '=HYPERLINK("x") costs 50% & $3 #1 {a_b} ~ ^ \\ | *bold* <b>'


@pytest.fixture(scope="session")
def demo_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-cache")


@pytest.fixture
def demo(tmp_path, demo_cache):
    db = open_project(demo_copy(tmp_path, demo_cache))
    cases = cases_frame(db).set_index("name")["case_id"]
    set_cell_summary(
        db, f"case:{cases['Héctor Valdivia']}", "Talent", "Forma técnicos; pide más cupo.", "ana"
    )
    set_cell_summary(db, f"case:{cases['Rebecca Langford']}", "Barriers", TRICKY, "ben")
    yield db
    db.conn.close()


def _texts(db) -> dict[str, str]:
    docs = list_documents(db)
    return {t: get_text(db, int(i)) for i, t in zip(docs["id"], docs["title"])}


def test_framework_docx_landscape_and_appendix(demo, tmp_path):
    table = framework_table(demo, Scope(children=True), rows="case")
    out = framework_docx(table, tmp_path / "fw.docx")
    doc = Document(out)
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    grid = doc.tables[0]
    assert len(grid.rows) == len(table.rows) + 1
    assert [c.text for c in grid.rows[0].cells] == ["Case", *table.columns["code_path"]]
    # the header repeats on every page, no row splits across pages, row labels get more room
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in grid.rows[1:])
    widths = [c.width for c in grid.columns]
    assert widths[0] > widths[1] and len(set(widths[1:])) == 1
    labels = [r.cells[0].text for r in grid.rows[1:]]
    assert labels == table.rows["row_label"].tolist()
    talent = 1 + table.columns["code_path"].tolist().index("Talent")
    hector = grid.rows[1 + labels.index("Héctor Valdivia")].cells[talent].text
    assert hector.startswith("Forma técnicos; pide más cupo.")
    n, _, refs = table.cell(
        table.rows.set_index("row_label").loc["Héctor Valdivia", "row_key"],
        int(table.columns.set_index("code_path").loc["Talent", "code_id"]),
    )
    assert f"{n} codings" in hector and "".join(f"[{r}]" for r in refs) in hector
    # the appendix: every quote numbered, each the exact coded text of a document
    texts = "\n".join(_texts(demo).values())
    appendix = [p for p in doc.paragraphs if re.match(r"\[\d+\] ", p.text)]
    assert len(appendix) == len(table.quotes) > 20
    for p, q in zip(appendix, table.quotes.itertuples()):
        italic = "".join(r.text for r in p.runs if r.italic)
        assert italic == q.quote and q.quote in texts
        assert p.text.startswith(f"[{q.n}] ") and p.text.endswith(q.citation)


def test_framework_docx_footnotes_are_word_footnotes(demo, tmp_path):
    table = framework_table(demo, Scope(children=True), rows="attribute:sector", quotes=1)
    out = framework_docx(table, tmp_path / "foot.docx", quotes_as="footnotes")
    with zipfile.ZipFile(out) as z:
        notes = etree.fromstring(z.read("word/footnotes.xml"))
        body = etree.fromstring(z.read("word/document.xml"))
        rels = z.read("word/_rels/document.xml.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    assert "relationships/footnotes" in rels and "footnotes+xml" in types
    refs = [int(r.get(f"{W}id")) for r in body.iter(f"{W}footnoteReference")]
    assert refs == table.quotes["n"].tolist()
    by_id = {
        int(n.get(f"{W}id")): "".join(t.text or "" for t in n.iter(f"{W}t"))
        for n in notes.iter(f"{W}footnote")
    }
    assert by_id[-1] == by_id[0] == ""  # the separators Word expects
    for q in table.quotes.itertuples():
        assert q.quote in by_id[q.n] and by_id[q.n].endswith(q.citation)
    assert Document(out).tables[0].rows[0].cells[0].text == "sector"


def test_framework_xlsx_two_sheets(demo, tmp_path):
    table = framework_table(demo, Scope(children=True), rows="case")
    out = framework_xlsx(table, tmp_path / "fw.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["Framework", "Quotes"]
    fw, qs = wb["Framework"], wb["Quotes"]
    header = [c.value for c in fw[1]]
    assert header == ["Case", *table.columns["code_path"]]
    rows = {r[0].value: r for r in fw.iter_rows(min_row=2)}
    assert list(rows) == table.rows["row_label"].tolist()
    barriers = header.index("Barriers")
    cell = rows["Rebecca Langford"][barriers]
    assert cell.data_type == "s" and cell.value.startswith(TRICKY)  # text, never a formula
    for row in fw.iter_rows():
        for c in row:
            assert c.value is None or c.data_type == "s"
    q_header = [c.value for c in qs[1]]
    assert q_header == ["n", "row_key", "Case", "code_path", "quote", "citation"]
    quotes = [[c.value for c in r] for r in qs.iter_rows(min_row=2)]
    assert [r[4] for r in quotes] == table.quotes["quote"].tolist()
    assert all(isinstance(v, str) for r in quotes for v in r)


def test_framework_markdown_and_latex_escape(demo, tmp_path):
    table = framework_table(demo, Scope(children=True), rows="case")
    md = framework_markdown(table, tmp_path / "fw.md").read_text()
    assert r"\*bold\*" in md and r"\<b\>" in md and r"\| " in md
    assert "| Case | Governance |" in md
    table_lines = [ln for ln in md.splitlines() if ln.startswith("| ")]
    bars = {len(re.findall(r"(?<!\\)\|", ln)) for ln in table_lines}
    assert bars == {len(table.columns) + 2}, "an escaped | must not split a table cell"
    tex = framework_latex(table, tmp_path / "fw.tex", standalone=True).read_text()
    assert r"50\% \& \$3 \#1 \{a\_b\} \textasciitilde{} \textasciicircum{} \textbackslash{}" in tex
    assert "\\usepackage[landscape" in tex and tex.count(r"\item[") == len(table.quotes)
    assert "Forma técnicos; pide más cupo." in tex


def test_framework_file_formats_and_empty_project(db):
    add_code(db, "Talent", coder="ana")
    table = framework_table(db, Scope(), rows="case")
    assert table.rows.empty and table.quotes.empty
    for fmt in ("docx", "xlsx", "md", "tex"):
        data, name, mime = framework_file(table, fmt)
        assert name == f"framework.{fmt}" and data
    assert (
        Document(io.BytesIO(framework_file(table, "docx")[0])).tables[0].rows[0].cells[1].text
        == "Talent"
    )
    with pytest.raises(Exception, match="format"):
        framework_file(table, "pdf")


def test_framework_docx_renders_with_libreoffice(demo, tmp_path):
    if shutil.which("soffice") is None:
        if os.environ.get("CI"):  # .ci/run installs LibreOffice Writer
            pytest.fail("soffice is missing on CI")
        pytest.skip("LibreOffice is not installed")
    table = framework_table(demo, Scope(children=True), rows="case")
    out = framework_docx(table, tmp_path / "render.docx", quotes_as="footnotes")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "render.pdf"
    assert pdf.exists() and pdf.stat().st_size > 5000


def test_export_framework_cli(demo, tmp_path, capsys):
    path = demo.execute("PRAGMA database_list").fetchone()[2]
    out = tmp_path / "cli.xlsx"
    args = ["export", "framework", "--project", path, "--rows", "attribute:sector"]
    assert main([*args, "--children", "--format", "xlsx", "--out", str(out)]) == 0
    sheet = openpyxl.load_workbook(out)["Framework"]
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == [
        "academia",
        "government",
        "industry",
        "(none)",
    ]
    assert main([*args, "--format", "md", "--quotes", "0", "--coders", "nobody"]) == 0
    assert "| sector |" in capsys.readouterr().out
    assert main(["export", "framework", "--project", path, "--rows", "team"]) == 2
    assert "rows must be" in capsys.readouterr().err
