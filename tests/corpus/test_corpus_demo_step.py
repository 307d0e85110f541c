"""The corpus demo step: fictional policy documents as PDF, DOCX (table), MD and TXT.

The PDF's running header is removed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from corpus import search
from corpus.store import get_document, get_segments, get_text, list_documents
from demo import step_corpus

DEMO = Path(__file__).resolve().parents[2] / "demo"


def test_demo_step_corpus_builds_labelled_policy_documents(tmp_path, db):
    shutil.copytree(DEMO / "texts" / "policy", tmp_path / "texts" / "policy")
    step_corpus.build(db, tmp_path)
    docs = list_documents(db)
    assert sorted(docs.file_type) == ["docx", "md", "pdf", "txt"]
    assert set(docs.kind) == {"policy"} and set(docs.language) == {"en", "es"}
    assert docs.date.notna().all()
    for doc_id in docs.id:
        head = get_text(db, int(doc_id))[:400]
        assert "Fictional demo document" in head or "Documento ficticio de demostración" in head
    pdf = docs[docs.file_type == "pdf"].iloc[0]
    assert pdf.page_count >= 3
    assert "Fictional demo document · US–Mexico" not in get_text(
        db, int(pdf.id)
    )  # running header out
    assert len(get_document(db, int(pdf.id))["metadata"]["removed_lines"]) == 2 * pdf.page_count
    docx = docs[docs.file_type == "docx"].iloc[0]
    assert (get_segments(db, int(docx.id)).kind == "table").sum() == 6
    assert len(search(db, "Pena Nieto")) == 2 and len(search(db, "tecnologia")) >= 2
    assert (tmp_path / "build" / "files" / "policy" / "council-brief.pdf").exists()
