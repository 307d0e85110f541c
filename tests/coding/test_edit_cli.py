"""``cli.py edit``, ``review`` and ``merge``, and ingest carrying codings to a corrected file."""

from __future__ import annotations

import json

import cli
from coding import code_span, codings_frame, ensure_code_path
from corpus import get_text, list_documents
from projectfile import copy_project, open_project

TEXT = (
    "Interviewer: How did teh consortium start?\n\n"
    "Maria Lopez: It started in 2019. The funding came late. We waited a year.\n\n"
    "Interviewer: Thank you."
)


def _run(capsys, *args):
    code = cli.main([*args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _project(tmp_path, capsys):
    project = tmp_path / "p.qda.sqlite"
    src = tmp_path / "maria.txt"
    src.write_text(TEXT, encoding="utf-8")
    code, _, err = _run(capsys, "interviews", "import", str(src), "--project", str(project))
    assert code == 0, err
    db = open_project(project)
    doc = int(list_documents(db)["id"].iloc[0])
    ensure_code_path(db, "Funding", coder="ana")
    text = get_text(db, doc)
    for needle in ("teh consortium", "The funding came late."):
        s = text.index(needle)
        code_span(db, doc, s, s + len(needle), "Funding", "ana")
    return project, db, doc, text, src


def test_cli_edit_review_and_reingest(tmp_path, capsys):
    project, db, doc, text, src = _project(tmp_path, capsys)
    same = tmp_path / "same.txt"
    same.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    code, out, _ = _run(
        capsys, "edit", "--document", str(doc), "--from-file", str(same), "--project", str(project)
    )
    assert code == 0 and "no change" in out
    fixed = tmp_path / "fixed.txt"
    fixed.write_text(
        text.replace("teh", "the").replace(" The funding came late.", ""), encoding="utf-8"
    )
    code, out, _ = _run(
        capsys, "edit", "--document", str(doc), "--from-file", str(fixed), "--project", str(project)
    )
    assert code == 0 and "1 codings need a new place" in out
    code, out, _ = _run(capsys, "review", "list", "--format", "json", "--project", str(project))
    [row] = json.loads(out)
    assert row["text"] == "The funding came late."
    code, out, _ = _run(
        capsys, "review", "discard", str(row["review_id"]), "--project", str(project)
    )
    assert code == 0
    code, out, _ = _run(capsys, "review", "list", "--project", str(project))
    assert "0 codings need a new place" in out
    new_id = int(list_documents(db)["id"].iloc[0])
    assert list(codings_frame(db, documents=[new_id])["text"]) == ["the consortium"]


def test_cli_reingest_of_corrected_transcript_carries_codings(tmp_path, capsys):
    project, db, doc, text, src = _project(tmp_path, capsys)
    src.write_text(TEXT.replace("teh", "the"), encoding="utf-8")
    code, out, err = _run(capsys, "interviews", "import", str(src), "--project", str(project))
    assert code == 0, err
    assert "2 codings moved" in out
    new_id = int(list_documents(db)["id"].iloc[0])
    assert new_id != doc
    assert sorted(codings_frame(db, documents=[new_id])["text"]) == [
        "The funding came late.",
        "the consortium",
    ]


def test_cli_merge_preview_merge_twice(tmp_path, capsys):
    project, db, doc, text, _ = _project(tmp_path, capsys)
    other = tmp_path / "other.qda.sqlite"
    copy_project(db, other)
    odb = open_project(other)
    ensure_code_path(odb, "Training", coder="ben")
    s = text.index("We waited a year.")
    code_span(odb, doc, s, s + 17, "Funding", "ben")
    odb.conn.close()
    code, out, _ = _run(capsys, "merge", str(other), "--preview", "--project", str(project))
    assert code == 0 and "Training" in out and "new" in out
    code, out, _ = _run(capsys, "merge", str(other), "--format", "json", "--project", str(project))
    rows = json.loads(out)
    assert {(r["item"], r["outcome"]) for r in rows if r["outcome"] == "added"} == {
        ("coder", "added"),
        ("code", "added"),
        ("coding", "added"),
    }
    code, out, _ = _run(capsys, "merge", str(other), "--format", "json", "--project", str(project))
    assert not [r for r in json.loads(out) if r["outcome"] == "added"]
    db = open_project(project)
    assert set(codings_frame(db)["coder"]) == {"ana", "ben"}
