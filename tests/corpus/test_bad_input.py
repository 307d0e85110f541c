"""Bad input: each kind fails (or is flagged) with a reason; a batch goes on; nothing half-done."""

from __future__ import annotations

import sqlite3

import pytest
from corpus_fixtures import LOREM, make_encrypted_pdf, make_image_pdf, make_pdf

from corpus.ingest import ingest
from corpus.model import Document, Page, ParseError, Segment
from corpus.parse import ParseOptions, parse_path
from corpus.store import get_segments, ingest_log, list_documents, store_document


def _parse_error(path, **kw) -> ParseError:
    with pytest.raises(ParseError) as e:
        parse_path(str(path), ParseOptions(**kw))
    assert e.value.filename == path.name
    assert path.name in str(e.value)
    return e.value


def test_bad_input_empty_file(tmp_path):
    for name in ("empty.pdf", "empty.txt", "empty.docx"):
        (tmp_path / name).write_bytes(b"")
        err = _parse_error(tmp_path / name)
        assert err.code == "empty" and "empty file" in err.reason


def test_bad_input_corrupt_pdf(tmp_path):
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage \x00\xff" * 3
    )
    err = _parse_error(path)
    assert err.code == "corrupt" and "not a readable PDF" in err.reason
    trunc = tmp_path / "truncated.pdf"
    whole = make_pdf(tmp_path / "whole.pdf", [[LOREM]]).read_bytes()
    trunc.write_bytes(whole[: len(whole) // 3])
    try:
        doc = parse_path(str(trunc))  # pdfminer may recover some text; then it must be consistent
        doc.check()
    except ParseError as exc:
        assert exc.code in {"corrupt", "empty"}


def test_bad_input_corrupt_docx(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip file")
    err = _parse_error(path)
    assert err.code == "corrupt"


def test_bad_input_encrypted_pdf_needs_password(tmp_path):
    path = make_encrypted_pdf(
        tmp_path / "secret.pdf", "s3cret", "Confidential consortium budget for Queretaro."
    )
    err = _parse_error(path)
    assert err.code == "password" and "password-protected" in err.reason
    err = _parse_error(path, password="wrong")
    assert "password-protected" in err.reason and "wrong" in err.reason
    doc = parse_path(str(path), ParseOptions(password="s3cret"))
    assert "consortium budget" in doc.text


def test_bad_input_encrypted_pdf_ingest_with_password(tmp_path, db):
    path = make_encrypted_pdf(
        tmp_path / "secret.pdf", "s3cret", "Confidential consortium budget for Queretaro."
    )
    [failed] = ingest([str(path)], db)
    assert failed.status == "failed" and "password-protected" in failed.reason
    [ok] = ingest([str(path)], db, password="s3cret")
    assert ok.status == "ok" and ok.document_id


def test_bad_input_scanned_pdf_flagged_and_listed(tmp_path, db):
    # OCR turned off (or tesseract missing: tests/corpus/test_ocr.py): the scan is flagged
    path = make_image_pdf(tmp_path / "scan.pdf", pages=2)
    doc = parse_path(str(path), ParseOptions(ocr_languages=None))
    assert doc.status == "no_text"
    flagged = "pages without a usable text layer, OCR turned off: 1-2"
    assert flagged in doc.warnings
    assert len(doc.pages) == 2 and {p.source for p in doc.pages} == {"ocr_needed"}
    [out] = ingest([str(path)], db, ocr_languages=None)
    assert out.status == "ok" and flagged in out.reason
    docs = list_documents(db)
    row = docs.iloc[0]
    assert row.status == "no_text" and row.page_count == 2
    assert "OCR turned off" in row.warnings


def test_bad_input_unsupported_extension(tmp_path, db):
    path = tmp_path / "slides.pptx"
    path.write_bytes(b"not supported")
    err = _parse_error(path)
    assert err.code == "unsupported" and "unsupported file type '.pptx'" in err.reason
    [out] = ingest([str(path)], db)
    assert out.status == "failed" and "unsupported" in out.reason


def test_bad_input_file_over_size_limit(tmp_path, db):
    path = tmp_path / "big.txt"
    path.write_text("word " * 50_000)
    err = _parse_error(path, max_bytes=100_000)
    assert err.code == "too_large" and "over the limit" in err.reason
    [out] = ingest([str(path)], db, max_bytes=100_000)
    assert out.status == "failed" and "over the limit" in out.reason
    [out] = ingest([str(path)], db)  # default limit lets it in
    assert out.status == "ok"


def test_bad_input_batch_goes_on_and_logs_every_file(tmp_path, db):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a_empty.txt").write_bytes(b"")
    (folder / "b_good.txt").write_text(
        "The innovation council met in Monterrey.\n\nIt agreed on a shared laboratory."
    )
    (folder / "c_bad.pdf").write_bytes(b"%PDF-1.4 nonsense")
    (folder / "d_notes.xyz").write_text("x")
    make_pdf(folder / "sub" / "e_good.pdf", [[LOREM]])
    (folder / ".hidden.txt").write_text("hidden files are skipped")
    outcomes = ingest([str(folder)], db, workers=2)
    status = {o.path.rsplit("/", 1)[-1]: o.status for o in outcomes}
    assert status == {
        "a_empty.txt": "failed",
        "b_good.txt": "ok",
        "c_bad.pdf": "failed",
        "d_notes.xyz": "failed",
        "e_good.pdf": "ok",
    }
    assert all(o.reason for o in outcomes if o.status == "failed")
    assert len(list_documents(db)) == 2
    log = ingest_log(db)
    assert len(log) == 5 and len(set(log.run_id)) == 1
    assert set(log[log.status == "failed"].path.map(lambda p: p.rsplit("/", 1)[-1])) == {
        "a_empty.txt",
        "c_bad.pdf",
        "d_notes.xyz",
    }
    assert log[log.path.str.endswith("c_bad.pdf")].reason.iloc[0].startswith("c_bad.pdf: ")


def test_bad_input_store_failure_leaves_nothing_half_written(db):
    good = Document(
        text="One paragraph.",
        title="t",
        source_name="t.txt",
        sha256="a" * 64,
        pages=[Page(1, 0, 14)],
        segments=[Segment(0, 14)],
    )
    store_document(db, good)
    bad = Document(
        text="Two paragraphs here.",
        title="u",
        source_name="u.txt",
        sha256="b" * 64,
        segments=[Segment(0, 3), Segment(4, 99)],
    )  # second range outside the text
    with pytest.raises(ValueError):
        store_document(db, bad)
    # a failure inside the transaction (NOT NULL violation on a segment) rolls everything back
    bad2 = Document(
        text="Three.",
        title="v",
        source_name="v.txt",
        sha256="c" * 64,
        segments=[Segment(0, 6, kind=None)],
    )
    with pytest.raises(sqlite3.IntegrityError):
        store_document(db, bad2)
    assert list(list_documents(db).title) == ["t"]
    assert db.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM document_texts").fetchone()[0] == 1
    assert len(get_segments(db, 1)) == 1
