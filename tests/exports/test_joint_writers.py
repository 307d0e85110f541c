"""Mixed-methods files on the bilingual demo project: the joint display by sector as CSV, XLSX
and DOCX, the comparison of two groups and the crosstab; each opened back and checked against
the query it renders; the CLI's ``export joint``."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from demo_data import demo_copy
from docx import Document

from cli import main
from coding import Scope, attribute_crosstab, codings_frame
from exports import compare_table, joint_grid, joint_table, mixed_file
from projectfile import open_project


@pytest.fixture(scope="session")
def demo_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-cache")


@pytest.fixture
def demo(tmp_path, demo_cache):
    db = open_project(demo_copy(tmp_path, demo_cache))
    yield db
    db.conn.close()


def test_joint_display_files_open_back(demo):
    scope = Scope(children=True, count="codings")
    table = joint_table(demo, scope, "sector")
    texts = dict(zip(codings_frame(demo)["coding_id"], codings_frame(demo)["text"]))
    for ids, quotes in table[["quote_coding_ids", "quotes"]].values:
        lines = [q for q in quotes.split("\n") if q]
        assert len(lines) == len(ids)
        for i, line in zip(ids, lines):
            assert line.startswith(f"“{texts[i]}” — ")

    data, name, _ = mixed_file(table, "csv", "joint-sector", "joint", "sector")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert name == "joint-sector.csv" and len(rows) == len(table)
    assert "quote_coding_ids" not in rows[0]
    got = {(r["code_path"], r["group"]): (int(r["cases_with"]), r["quotes"]) for r in rows}
    for r in table.itertuples():
        assert got[(r.code_path, r.group)] == (r.cases_with, r.quotes)

    wb = openpyxl.load_workbook(io.BytesIO(mixed_file(table, "xlsx", "j", "joint", "sector")[0]))
    assert wb.sheetnames == ["Joint display", "Cells"]
    grid = [[c.value for c in r] for r in wb["Joint display"].iter_rows()]
    assert grid[0] == ["code", "academia", "government", "industry", "(none)"]
    expected = joint_grid(table).set_index("code")
    talent = next(r for r in grid if r[0] == "Talent")
    assert talent[1:] == expected.loc["Talent"].tolist()
    assert talent[3].startswith("2 of 2 cases (100%)")

    doc = Document(io.BytesIO(mixed_file(table, "docx", "j", "joint", "sector", "all")[0]))
    assert doc.sections[0].page_width > doc.sections[0].page_height
    cells = doc.tables[0]
    assert [c.text for c in cells.rows[0].cells] == [
        "Code",
        "sector: academia",
        "sector: government",
        "sector: industry",
        "sector: (none)",
    ]
    paths = [r.cells[0].text for r in cells.rows[1:]]
    gov = cells.rows[1 + paths.index("Governance")].cells[2]
    row = table.set_index(["code_path", "group"]).loc[("Governance", "government")]
    assert gov.paragraphs[0].text.startswith(f"{row.cases_with} of 2 cases")
    assert [p.text for p in gov.paragraphs[1:]] == row.quotes.split("\n")


def test_compare_and_crosstab_files(demo):
    scope = Scope(codes=("Funding",), children=True)
    cmp = compare_table(demo, scope, {"sector": "industry"}, {"sector": "government"})
    assert cmp["code_path"].tolist() == ["Funding", "Funding > Public", "Funding > Private"]
    data = mixed_file(cmp, "xlsx", "compare")[0]
    sheet = openpyxl.load_workbook(io.BytesIO(data))["compare"]
    header = [c.value for c in sheet[1]]
    assert "a_quotes" in header and "a_quote_ids" not in header
    doc = Document(io.BytesIO(mixed_file(cmp, "docx", "compare")[0]))
    assert [r.cells[1].text for r in doc.tables[0].rows[1:]] == cmp["code_path"].tolist()
    xt = attribute_crosstab(demo, "sector", "country")
    data = mixed_file(xt, "csv", "crosstab")[0].decode("utf-8")
    lines = data.strip().splitlines()
    assert lines[0] == "sector,Mexico,United States,(none)"
    assert "industry,2,0,0" in lines
    with pytest.raises(Exception, match="format"):
        mixed_file(xt, "pdf", "crosstab")


def test_export_joint_cli(demo, tmp_path, capsys):
    path = demo.execute("PRAGMA database_list").fetchone()[2]
    out = tmp_path / "joint.docx"
    args = ["export", "joint", "--project", path, "--attribute", "years_experience"]
    assert main([*args, "--bins", "0,10,20,40", "--children", "--out", str(out)]) == 0
    header = [c.text for c in Document(out).tables[0].rows[0].cells]
    assert header == [
        "Code",
        "years_experience: 0–9",
        "years_experience: 10–19",
        "years_experience: 20–39",
        "years_experience: (none)",
    ]
    assert main([*args, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("code_id,code_path,group")
    assert main([*args, "--bins", "ten", "--format", "csv"]) == 2
