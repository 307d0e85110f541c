"""The HTML report's agreement says what it compared and left out, shows n/a and undefined, and
never prints '-0' (issue 20 §2: the report printed alpha '-0')."""

from __future__ import annotations

import hashlib
import re

import coding as C
from corpus.model import Document
from corpus.store import store_document
from exports import evidence_table
from exports.report import evidence_report


def _doc(db, text: str, title: str) -> int:
    sha = hashlib.sha256(text.encode()).hexdigest()
    doc = Document(text=text, title=title, source_name=title + ".txt", sha256=sha)
    return store_document(db, doc, segment_language=False)


def test_report_agreement_names_documents_and_never_prints_negative_zero(db, tmp_path):
    n = 10_000  # kappa -0.0004 and alpha -0.00035: both round to zero
    chance = _doc(db, "j" * n, "Chance")
    notes = _doc(db, "Notes on the second visit.", "Ana's <notes>")
    for code in ("K", "Everywhere", "Council"):
        C.add_code(db, code)
    C.code_span(db, chance, 0, n // 2, "K", "ana")
    C.code_span(db, chance, n // 4 + 1, 3 * n // 4 + 1, "K", "ben")
    for coder in ("ana", "ben"):
        C.code_span(db, chance, 0, n, "Everywhere", coder)
    C.code_span(db, notes, 0, 5, "Council", "ana")
    page = evidence_report(db, evidence_table(db), tmp_path / "r.html").read_text("utf-8")
    assert not re.search(r"-0(?:\.0*)?(?![0-9.])", page)
    assert "Agreement between coders" in page
    assert "Compared 1 document: Chance." in page
    assert "Ana&#x27;s &lt;notes&gt; (ana only)" in page
    assert "<td>n/a (not applied)</td>" in page and "<td>undefined</td>" in page
    assert "<td>0.000</td>" in page
