"""One code-name validator for the Code page, the Codebook page, the CSV import and the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import coding as C

CLI = str(Path(__file__).resolve().parents[2] / "cli.py")
XSS = "<img src=x onerror=alert(1)>"


def test_check_code_name_cleans_and_refuses():
    assert C.check_code_name("  Trust \t in\n institutions ") == "Trust in institutions"
    assert C.check_code_name("cafe\u0301") == "caf\u00e9"  # NFC: one name however it is typed
    assert C.check_code_name("<3 & 'quotes'") == "<3 & 'quotes'"  # shown escaped, so allowed
    assert C.check_code_name("می\u200cخواهم") == "می\u200cخواهم"  # ZWNJ is needed by Persian
    for bad, words in [
        ("", "needs a name"),
        ("   ", "needs a name"),
        (XSS, "cannot contain '>'"),
        ("A > B", "cannot contain '>'"),
        ("evil\u202etxt.exe", "invisible or control"),
        ("bell\x07", "invisible or control"),
        ("zero\u200bwidth", "invisible or control"),
        ("x" * (C.MAX_NAME_LENGTH + 1), f"at most {C.MAX_NAME_LENGTH}"),
    ]:
        with pytest.raises(C.CodingError, match=words):
            C.check_code_name(bad)
    assert C.check_code_name("x" * C.MAX_NAME_LENGTH) == "x" * C.MAX_NAME_LENGTH


def test_split_code_path_refuses_empty_levels_instead_of_dropping_them():
    assert C.split_code_path(" Funding >  Public ") == ["Funding", "Public"]
    assert C.split_code_path("Funding") == ["Funding"]
    for bad in [XSS, "A >> B", "> A", "A >", ">"]:
        with pytest.raises(C.CodingError, match="a code name cannot contain '>'"):
            C.split_code_path(bad)
    with pytest.raises(C.CodingError, match="at most 12 levels"):
        C.split_code_path(" > ".join("abcdefghijklm"))


def test_the_same_message_from_add_code_ensure_path_and_rename(db):
    with pytest.raises(C.CodingError) as by_path:
        C.ensure_code_path(db, XSS)
    with pytest.raises(C.CodingError) as by_name:
        C.add_code(db, XSS)
    assert str(by_path.value) == str(by_name.value)  # one message, whichever field
    assert "'>' separates the levels of a code path" in str(by_name.value)
    assert C.codes_frame(db).empty  # nothing half-created, nothing cut
    cid = C.add_code(db, "Trust")
    with pytest.raises(C.CodingError, match="cannot contain '>'"):
        C.update_code(db, cid, name="Trust > x")


def test_duplicates_among_siblings_fold_case_beyond_ascii(db):
    top = C.add_code(db, "Ärger")
    with pytest.raises(C.CodingError, match="already exists under the top level") as exc:
        C.add_code(db, "ärger")
    assert "without regard to case" in str(exc.value)
    assert C.ensure_code_path(db, "ÄRGER") == top  # a path finds the existing code
    other = C.add_code(db, "Freude")
    with pytest.raises(C.CodingError, match="already exists under the top level"):
        C.update_code(db, other, name="ärger")
    C.add_code(db, "ärger", parent=top)  # the same name under another parent is fine


def test_codebook_csv_refuses_a_bad_path_naming_the_line(db, tmp_path):
    f = tmp_path / "codes.csv"
    f.write_text(f'path,definition\nFunding,ok\n"{XSS}",bad\n', encoding="utf-8")
    with pytest.raises(C.CodingError, match=r"codes.csv, line 3: .*cannot contain '>'"):
        C.import_codebook_csv(db, f)
    assert C.codes_frame(db).empty  # a failed import writes nothing


def test_cli_refuses_the_name_with_the_same_message(db, project_path):
    r = subprocess.run(
        [sys.executable, CLI, "codes", "add", XSS, "--project", str(project_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2
    assert "'>' separates the levels of a code path" in r.stderr
    assert C.codes_frame(db).empty


def test_clean_code_name_for_importers():
    assert C.clean_code_name("A > B\u202e") == "A \u203a B"
    assert C.check_code_name(C.clean_code_name(XSS)) == "<img src=x onerror=alert(1)\u203a"
    assert C.clean_code_name("\x00\x01") == "(unnamed code)"
    assert len(C.clean_code_name("y" * 500)) == C.MAX_NAME_LENGTH
