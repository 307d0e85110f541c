"""The real public PDFs in ../shared/corpus/pdf agree with pdfplumber's own per-page text.

Agreement is measured per page as multiset overlap against ``page.extract_text()`` after taking
out the running header/footer lines we removed on purpose:
- characters (letters and digits, case-folded): robust to word splitting and rotated text;
- words, on the prose documents (de-hyphenation joins a few words, so slightly lower).
Figures measured when this test was written (min over pages): chars recall and precision 1.000
on every page of every document; words (upright text) recall >= 0.95 on prose documents.
"""

from __future__ import annotations

import re
from collections import Counter

import pdfplumber
import pytest

from corpus.ingest import ingest
from corpus.model import ParseError
from corpus.pdf import pdf_to_document
from corpus.store import get_pages, get_text, list_documents

PLAIN = [
    "federal-register-2020-17221.pdf",
    "WARN-Report-for-7-1-2015-to-03-25-2016.pdf",
    "scotus-transcript-p1.pdf",
    "cupertino_usd_4-6-16.pdf",
    "la-precinct-bulletin-2014-p1.pdf",
    "issue-848.pdf",
    "issue-33-lorem-ipsum.pdf",
]
PROSE = [
    "federal-register-2020-17221.pdf",
    "issue-33-lorem-ipsum.pdf",
    "cupertino_usd_4-6-16.pdf",
    "scotus-transcript-p1.pdf",
]
PAGES = {
    "federal-register-2020-17221.pdf": 15,
    "WARN-Report-for-7-1-2015-to-03-25-2016.pdf": 16,
    "issue-848.pdf": 8,
    "cupertino_usd_4-6-16.pdf": 1,
    "scotus-transcript-p1.pdf": 1,
    "issue-33-lorem-ipsum.pdf": 2,
    "la-precinct-bulletin-2014-p1.pdf": 1,
}
_WORD = re.compile(r"\w+")


def _chars(text: str) -> Counter:
    return Counter(c.casefold() for c in text if c.isalnum())


def _words(text: str) -> Counter:
    return Counter(w.casefold() for w in _WORD.findall(text))


def _upright(page):
    return page.filter(lambda o: o.get("object_type") != "char" or o.get("upright", True))


def _agreement(
    path, bag, min_size: int = 1, upright_only: bool = False
) -> list[tuple[float, float]]:
    """Return (recall, precision) per page of our text against pdfplumber's, removed lines excluded.

    Pages whose reference has fewer than ``min_size`` items left (no body text) are not scored.
    """
    doc = pdf_to_document(path)
    with pdfplumber.open(path) as pdf:
        reference = [
            (_upright(page) if upright_only else page).extract_text() or "" for page in pdf.pages
        ]
    assert len(doc.pages) == len(reference)
    removed = doc.metadata.get("removed_lines", [])
    out = []
    for page, ref_text in zip(doc.pages, reference):
        if page.source == "ocr":  # a figure page read by OCR: more text than the text layer has
            continue
        ours, ref = bag(doc.text[page.start : page.end]), bag(ref_text)
        for number, line in removed:
            if number == page.number:
                ref = ref - bag(line)
        if sum(ref.values()) < min_size:
            continue
        common = sum((ours & ref).values())
        out.append((common / sum(ref.values()), common / max(1, sum(ours.values()))))
    return out


@pytest.mark.parametrize("name", PLAIN)
def test_shared_pdf_chars_agree_with_pdfplumber(shared_pdfs, name):
    scores = _agreement(shared_pdfs / name, _chars)
    print(name, "chars", [tuple(round(x, 3) for x in s) for s in scores])
    assert scores
    assert min(r for r, _ in scores) >= 0.99, scores
    assert min(p for _, p in scores) >= 0.99, scores


@pytest.mark.parametrize("name", PROSE)
def test_shared_pdf_words_agree_with_pdfplumber(shared_pdfs, name):
    # sideways margin stamps are grouped into words differently: compare upright text here
    scores = _agreement(shared_pdfs / name, _words, min_size=20, upright_only=True)
    print(name, "words", [tuple(round(x, 3) for x in s) for s in scores])
    assert min(r for r, _ in scores) >= 0.93, scores
    assert min(p for _, p in scores) >= 0.93, scores


def test_shared_pdfs_page_counts_and_headers(shared_pdfs):
    for name, pages in PAGES.items():
        assert len(pdf_to_document(shared_pdfs / name).pages) == pages, name
    fr = pdf_to_document(shared_pdfs / "federal-register-2020-17221.pdf")
    # running header (spaced around the slashes, as printed) out of the canonical text
    assert "Federal Register / Vol. 85" not in fr.text
    assert "VerDate" not in fr.text  # printer's footer out too
    # 14 pages carry it (page 8's is read by OCR, which prints it without the spaces)
    assert sum("FederalRegister/Vol.85" in r.replace(" ", "") for r in fr.removed) >= 14
    assert fr.text.startswith("Proposed Rules")  # the first page's page number too
    assert "47698" in fr.removed


def test_shared_pdfs_bad_ones_fail_cleanly(shared_pdfs):
    with pytest.raises(ParseError) as e:
        pdf_to_document(shared_pdfs / "empty.pdf")
    assert "empty" in e.value.reason
    with pytest.raises(ParseError) as e:
        pdf_to_document(shared_pdfs / "password-example.pdf")
    assert "password-protected" in e.value.reason
    doc = pdf_to_document(shared_pdfs / "password-example.pdf", password="test")
    assert len(doc.pages) == 4 and doc.text.strip()
    with pytest.raises(ParseError) as e:
        pdf_to_document(shared_pdfs / "password-example.pdf", password="wrong")
    assert "wrong" in e.value.reason
    # the malformed PDF yields the text it has
    doc = pdf_to_document(shared_pdfs / "malformed-from-issue-932.pdf")
    doc.check()
    assert len(doc.pages) == 1


def test_shared_pdfs_ingest_folder(shared_pdfs, db):
    outcomes = ingest([str(shared_pdfs)], db, workers=2, password=None)
    by_name = {o.path.rsplit("/", 1)[-1]: o for o in outcomes}
    assert by_name["empty.pdf"].status == "failed" and "empty" in by_name["empty.pdf"].reason
    assert by_name["password-example.pdf"].status == "failed"
    assert "password-protected" in by_name["password-example.pdf"].reason
    assert all(by_name[n].status == "ok" for n in PLAIN)
    docs = list_documents(db)
    assert len(docs) == len(PLAIN) + 1  # plus the malformed one
    fr = docs[docs.title == "federal-register-2020-17221"].iloc[0]
    assert fr.page_count == 15 and fr.language == "en"
    pages = get_pages(db, int(fr.id))
    assert len(get_text(db, int(fr.id))) == pages.char_end.max()
