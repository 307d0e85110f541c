"""CLI ``interviews import-survey`` and oversize/zip-bomb XLSX refusal (nothing stored)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

import cli
import interviews as I
from corpus import ParseError
from projectfile import open_project
from workflows import import_survey

ROWS = [
    ["id", "Sector", "Age", "Why did you join?", "What held you back?"],
    ["R1", "Industry", "41", "Talent was scarce and the consortium trained people.", "Funding."],
    ["R2", "Academia", "29", "We wanted industry partners for our students.", ""],
    ["", "Industry", "55", "A row without an id is left out.", "Paperwork."],
]


def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bomb() -> bytes:
    """A real XLSX plus one entry of 20 MB of zeros (packs ~1000:1): a zip bomb's shape."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_xlsx(ROWS))) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/media/padding.bin", b"\0" * (20 * 1024 * 1024))
    return out.getvalue()


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _stored(path) -> tuple[int, int, int]:
    db = open_project(path, create=False)
    return tuple(
        db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("surveys", "cases", "documents")
    )


def test_cli_import_survey_stores_cases_attributes_and_answers(capsys, project_path, tmp_path):
    f = tmp_path / "consortium survey.xlsx"
    f.write_bytes(_xlsx(ROWS))
    code, out, err = run(
        capsys,
        "interviews",
        "import-survey",
        str(f),
        "--id-column",
        "id",
        "--attribute-columns",
        "Sector:category,Age",
        "--open-columns",
        "Why did you join?,What held you back?",
        "--per",
        "answer",
        "--project",
        str(project_path),
        "--quiet",
    )
    assert code == 0, err
    assert "2 new cases" in out and "3 answers in 3 documents" in out
    assert "row 4 left out" in out
    db = open_project(project_path, create=False)
    attrs = dict(db.execute("SELECT name, type FROM attributes").fetchall())
    assert attrs == {"Sector": "category", "Age": "number"}  # Age's type guessed from values
    answers = I.survey_answers(db, 1, "Why did you join?")
    assert list(answers.respondent) == ["R1", "R2"]
    assert answers.text[1] == "We wanted industry partners for our students."


def test_cli_import_survey_bad_file_exit_2_names_it(capsys, project_path, tmp_path):
    code, _, err = run(
        capsys,
        "interviews",
        "import-survey",
        str(tmp_path / "missing.csv"),
        "--id-column",
        "id",
        "--project",
        str(project_path),
    )
    assert code == 2 and "missing.csv: no such file" in err
    bad = tmp_path / "answers.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    code, _, err = run(
        capsys,
        "interviews",
        "import-survey",
        str(bad),
        "--id-column",
        "id",
        "--open-columns",
        "Why did you join?",
        "--project",
        str(project_path),
        "--quiet",
    )
    assert code == 2 and "answers.xlsx" in err and "nothing was imported" in err


def test_zip_bomb_xlsx_refused_nothing_stored(capsys, project_path, tmp_path, db):
    data = _bomb()
    assert len(data) < 200_000  # small on disk, 20 MB unpacked
    with pytest.raises(ParseError) as exc:
        import_survey(db, data, "id", {"Sector": "category"}, ["Why did you join?"], name="b.xlsx")
    assert exc.value.code == "too_large"
    assert "b.xlsx" in str(exc.value) and "zip bomb" in str(exc.value)
    assert db.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 0
    f = tmp_path / "bomb.xlsx"
    f.write_bytes(data)
    code, _, err = run(
        capsys,
        "interviews",
        "import-survey",
        str(f),
        "--id-column",
        "id",
        "--open-columns",
        "Why did you join?",
        "--project",
        str(project_path),
        "--quiet",
    )
    assert code == 2
    assert "bomb.xlsx" in err and "zip bomb" in err and "nothing was imported" in err
    assert _stored(project_path) == (0, 0, 0)
