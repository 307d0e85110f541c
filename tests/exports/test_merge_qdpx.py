"""``import qdpx --into``: a REFI-QDA project merges like a project file (issue 16 §2)."""

from __future__ import annotations

import shutil

import cli
from coding import code_span, codings_frame, ensure_code_path
from corpus import Document, get_text, paragraphs_from_text, sha256_bytes, store_document
from exports import export_qdpx
from projectfile import open_project

TEXT = "The council met in March.\n\nSuppliers waited for certification for two years."


def test_import_qdpx_into_merges_coders_and_is_idempotent(tmp_path, capsys):
    ours = tmp_path / "ours.qda.sqlite"
    db = open_project(ours)
    doc = store_document(
        db,
        Document(
            TEXT,
            "brief",
            "brief.txt",
            segments=paragraphs_from_text(TEXT),
            sha256=sha256_bytes(TEXT.encode()),
            size=len(TEXT),
        ),
    )
    ensure_code_path(db, "Suppliers", coder="ana")
    s = TEXT.index("Suppliers waited")
    code_span(db, doc, s, s + 16, "Suppliers", "ana")
    db.conn.close()
    theirs = tmp_path / "theirs.qda.sqlite"
    shutil.copyfile(ours, theirs)
    tdb = open_project(theirs)
    s = get_text(tdb, doc).index("waited for certification")
    code_span(tdb, doc, s, s + 24, "Suppliers", "ben")
    qdpx = export_qdpx(tdb, tmp_path / "theirs.qdpx")
    tdb.conn.close()

    assert cli.main(["import", "qdpx", str(qdpx), "--into", str(ours)]) == 0
    out = capsys.readouterr().out
    assert "coding added: 1" in out
    db = open_project(ours)
    frame = codings_frame(db)
    assert sorted(frame["coder"]) == ["ana", "ben"]
    assert len(frame) == 2 and len(db.execute("SELECT id FROM documents").fetchall()) == 1
    assert cli.main(["import", "qdpx", str(qdpx), "--into", str(ours)]) == 0
    assert "added" not in capsys.readouterr().out
    assert len(codings_frame(db)) == 2
