"""Issue 20: one correction of a coded document changes no count, in the CLI and every view."""

from __future__ import annotations

import json

import cli
from coding import Scope, code_span, codes_frame, ensure_code_path, frequencies, retrieve
from corpus import get_text, list_documents
from exports import evidence_table
from projectfile import open_project

TEXT = "The consortium started in 2019.\n\nThe funding came late. We waited a year.\n"


def _run(capsys, *args) -> tuple[int, str]:
    code = cli.main([*args])
    return code, capsys.readouterr().out


def test_issue_20_an_edit_changes_no_count(tmp_path, capsys):
    project = tmp_path / "p.qda.sqlite"
    src = tmp_path / "brief.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert _run(capsys, "ingest", str(src), "--project", str(project), "--quiet")[0] == 0
    db = open_project(project)
    doc = int(list_documents(db)["id"].iloc[0])
    ensure_code_path(db, "Funding", coder="ana")
    s = get_text(db, doc).index("The funding came late.")
    code_span(db, doc, s, s + len("The funding came late."), "Funding", "ana")
    fixed = tmp_path / "fixed.txt"
    fixed.write_text(TEXT.replace("2019", "2018").replace(" We waited a year.", ""), "utf-8")
    code, _ = _run(
        capsys, "edit", "--document", str(doc), "--from-file", str(fixed), "--project", str(project)
    )
    assert code == 0
    code, out = _run(capsys, "codings", "--project", str(project), "--format", "json")
    assert code == 0 and len(json.loads(out)) == 1
    code, out = _run(
        capsys, "codings", "--all-versions", "--project", str(project), "--format", "json"
    )
    assert code == 0 and len(json.loads(out)) == 2  # the history stays, out of every count
    code, out = _run(capsys, "codes", "list", "--project", str(project), "--format", "json")
    (row,) = json.loads(out)
    assert row["codings"] == 1 and row["documents"] == 1
    db = open_project(project)
    assert int(codes_frame(db)["codings"].sum()) == 1
    assert int(frequencies(db)["codings"].sum()) == 1
    assert len(retrieve(db, Scope(codes=("Funding",)))) == 1
    assert len(evidence_table(db)) == 1
    assert len(retrieve(db, Scope(codes=("Funding",), versions="all"))) == 2
