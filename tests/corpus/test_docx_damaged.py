"""Regression (fuzzing, issue 8): a DOCX with a damaged styles.xml fails as 'corrupt', no crash."""

import io
import zipfile

import docx
import pytest

from corpus.formats import docx_to_document
from corpus.model import ParseError


def _docx_with_styles(styles_xml: bytes) -> bytes:
    d = docx.Document()
    d.add_heading("Consorcio (ficticio)", level=1)
    d.add_paragraph("Texto del consorcio de manufactura avanzada.")
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, styles_xml if info.filename == "word/styles.xml" else data)
    return out.getvalue()


def test_docx_damaged_styles_is_a_clear_corrupt_error():
    data = _docx_with_styles(b'<?xml version="1.0"?><nothing/>')
    try:
        doc = docx_to_document(data, "damaged.docx")
    except ParseError as exc:
        assert exc.code == "corrupt" and exc.filename == "damaged.docx"
    else:  # python-docx may cope with some damage: then the text must be intact
        assert "consorcio de manufactura" in doc.text


def test_docx_error_while_walking_content_is_corrupt(monkeypatch):
    """python-docx raises AttributeError deep in damaged parts (fuzzing found 'get_by_id').

    It becomes ParseError.
    """
    import corpus.formats as formats

    def broken(*args):
        raise AttributeError("'CT_Styles' object has no attribute 'get_by_id'")

    monkeypatch.setattr(formats, "_docx_blocks", broken)
    with pytest.raises(ParseError) as err:
        formats.docx_to_document(
            _docx_with_styles(docx.Document().styles.element.xml.encode()), "fuzzed.docx"
        )
    assert err.value.code == "corrupt" and "fuzzed.docx" in str(err.value)


def test_docx_intact_file_still_reads_headings_and_text():
    doc = docx_to_document(
        _docx_with_styles(docx.Document().styles.element.xml.encode()), "ok.docx"
    )
    assert "Texto del consorcio" in doc.text
