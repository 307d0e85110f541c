"""CLI: export evidence/matrix/codebook/qdpx/qdc and import qdpx/qdc, with errors on stderr."""

from __future__ import annotations

import openpyxl
import pandas as pd
from docx import Document as WordDocument

from cli import main


def _project(coded) -> str:
    return coded["db"].conn.execute("PRAGMA database_list").fetchone()[2]


def test_cli_export_evidence_formats(coded, tmp_path, capsysbinary):
    project = _project(coded)
    assert (
        main(
            [
                "export",
                "evidence",
                "--project",
                project,
                "--codes",
                "Funding",
                "--format",
                "docx",
                "--out",
                str(tmp_path / "e.docx"),
            ]
        )
        == 0
    )
    heads = [
        p.text
        for p in WordDocument(str(tmp_path / "e.docx")).paragraphs
        if p.style.name == "Heading 1"
    ]
    assert heads == ["Funding", "Funding > Public"]
    assert (
        main(
            [
                "export",
                "evidence",
                "--project",
                project,
                "--format",
                "xlsx",
                "--sheet-per-code",
                "--out",
                str(tmp_path / "e.xlsx"),
            ]
        )
        == 0
    )
    assert "Codebook" in openpyxl.load_workbook(tmp_path / "e.xlsx").sheetnames
    capsysbinary.readouterr()
    assert (
        main(["export", "evidence", "--project", project, "--coders", "ben", "--context", "5"]) == 0
    )
    out = capsysbinary.readouterr().out.decode("utf-8")
    df = pd.read_csv(__import__("io").StringIO(out))
    assert set(df["coder"]) == {"ben"} and df["context"].notna().all()


def test_cli_errors_go_to_stderr_with_nonzero_exit(coded, tmp_path, capsys):
    project = _project(coded)
    assert main(["export", "evidence", "--project", project, "--format", "docx"]) == 2
    assert "--out FILE is needed" in capsys.readouterr().err
    bad = tmp_path / "bad.qdpx"
    bad.write_text("not a zip")
    assert (
        main(["import", "qdpx", str(bad), "--project", str(tmp_path / "n.qda.sqlite"), "--quiet"])
        == 2
    )
    err = capsys.readouterr().err
    assert "bad.qdpx: not a zip archive" in err and "not changed" in err
    assert not (tmp_path / "n.qda.sqlite").exists()


def test_cli_qdpx_round_trip_and_report(coded, tmp_path, capsys):
    project = _project(coded)
    assert main(["export", "qdpx", "--project", project, "--out", str(tmp_path / "p.qdpx")]) == 0
    assert main(["export", "qdc", "--project", project, "--out", str(tmp_path / "p.qdc")]) == 0
    capsys.readouterr()
    assert (
        main(
            [
                "import",
                "qdpx",
                str(tmp_path / "p.qdpx"),
                "--project",
                str(tmp_path / "n.qda.sqlite"),
                "--quiet",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "codings: 6" in out and "not imported: nothing" in out
    assert (
        main(
            ["import", "qdc", str(tmp_path / "p.qdc"), "--project", str(tmp_path / "c.qda.sqlite")]
        )
        == 0
    )
    assert "codes: 4" in capsys.readouterr().out


def test_cli_matrix_and_codebook(coded, tmp_path, capsys):
    project = _project(coded)
    assert (
        main(
            [
                "export",
                "matrix",
                "--project",
                project,
                "--kind",
                "cooccurrence",
                "--format",
                "xlsx",
                "--out",
                str(tmp_path / "m.xlsx"),
            ]
        )
        == 0
    )
    assert openpyxl.load_workbook(tmp_path / "m.xlsx").sheetnames == ["cooccurrence"]
    assert (
        main(
            [
                "export",
                "codebook",
                "--project",
                project,
                "--format",
                "csv",
                "--out",
                str(tmp_path / "cb.csv"),
            ]
        )
        == 0
    )
    assert pd.read_csv(tmp_path / "cb.csv")["path"].tolist()[:2] == ["Funding", "Funding > Public"]
