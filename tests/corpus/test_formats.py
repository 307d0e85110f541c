"""Text encodings, DOCX (with tables), HTML (scripts dropped) and Markdown."""

from __future__ import annotations

import codecs

import pytest
from corpus_fixtures import make_docx

from corpus.decode import bytes_to_text
from corpus.model import ParseError
from corpus.parse import parse_path

SPANISH = "La tecnología y la innovación en Querétaro: Peña Nieto firmó el acuerdo — «año» 2014."


@pytest.mark.parametrize(
    "data, encoding",
    [
        (SPANISH.encode("cp1252"), "cp1252"),
        (codecs.BOM_UTF8 + SPANISH.encode("utf-8"), "utf-8"),
        (SPANISH.encode("utf-16"), "utf-16"),  # with BOM
        (SPANISH.encode("utf-16-le"), "utf-16-le"),  # without BOM
        (SPANISH.encode("utf-8"), "utf-8"),
    ],
)
def test_decode_text_encodings(data, encoding):
    text, used = bytes_to_text(data, "f.txt")
    assert text == SPANISH
    assert used.replace("_", "-").lower().startswith(encoding.split("-")[0]) or used == encoding
    assert not text.startswith("\ufeff")


def test_decode_cp1252_file_parsed_as_document(tmp_path):
    path = tmp_path / "acta.txt"
    path.write_bytes((SPANISH + "\r\n\r\nSegundo párrafo sobre el CONACYT.\r\n").encode("cp1252"))
    doc = parse_path(str(path))
    assert doc.text.startswith("La tecnología")
    assert "\r" not in doc.text
    assert [doc.text[s.start : s.end] for s in doc.segments][
        1
    ] == "Segundo párrafo sobre el CONACYT."
    assert doc.language == "es"


def test_decode_binary_refused(tmp_path):
    path = tmp_path / "binary.txt"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(ParseError) as e:
        parse_path(str(path))
    assert "binary" in e.value.reason


def test_docx_paragraphs_headings_and_tables_in_order(tmp_path):
    path = make_docx(
        tmp_path / "charter.docx",
        "Consortium Charter",
        ["The members agree to share laboratories.", "Signed in Monterrey."],
        table=[
            ["Member", "Role"],
            ["CONACYT", "Funding"],
            ["Universidad de Querétaro", "Training"],
        ],
    )
    doc = parse_path(str(path))
    kinds = [s.kind for s in doc.segments]
    texts = [doc.text[s.start : s.end] for s in doc.segments]
    assert kinds == ["heading", "paragraph", "table", "table", "table", "paragraph"]
    assert texts[0] == "Consortium Charter"
    assert texts[3] == "CONACYT | Funding"
    assert texts[-1] == "Signed in Monterrey."
    assert doc.title == "Consortium Charter" and doc.author == "Test Author"
    assert doc.file_type == "docx" and doc.date
    doc.check()


def test_html_drops_scripts_styles_and_navigation(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Council Brief</title><style>p{color:red}</style>"
        "<script>alert('x')</script></head><body><nav>Home | About</nav>"
        "<h1>US–Mexico Innovation Council</h1><p>The council met in <b>Querétaro</b>.</p>"
        "<script>var secret = 1;</script><ul><li>Shared labs</li><li>Training</li></ul>"
        "<footer>© site</footer></body></html>",
        encoding="utf-8",
    )
    doc = parse_path(str(path))
    assert doc.title == "Council Brief"
    for gone in ("alert", "secret", "color:red", "Home | About", "© site"):
        assert gone not in doc.text
    texts = [doc.text[s.start : s.end] for s in doc.segments]
    assert texts == [
        "US–Mexico Innovation Council",
        "The council met in Querétaro .",
        "Shared labs",
        "Training",
    ] or texts == [
        "US–Mexico Innovation Council",
        "The council met in Querétaro.",
        "Shared labs",
        "Training",
    ]
    assert doc.segments[0].kind == "heading"


def test_markdown_title_and_paragraphs(tmp_path):
    path = tmp_path / "memo.md"
    path.write_text(
        "# Memo on NAFTA\n\nFirst paragraph\nwraps here.\n\n\n## Section\n\nSecond paragraph.\n",
        encoding="utf-8",
    )
    doc = parse_path(str(path))
    assert doc.title == "Memo on NAFTA" and doc.file_type == "md"
    texts = [doc.text[s.start : s.end] for s in doc.segments]
    assert texts == [
        "# Memo on NAFTA",
        "First paragraph\nwraps here.",
        "## Section",
        "Second paragraph.",
    ]
    doc.check()


def test_model_trim_span_keeps_exact_offsets():
    from corpus.model import trim_span

    text = "  Querétaro 🚀 \n"
    s, e = trim_span(text, 0, len(text))
    assert text[s:e] == "Querétaro 🚀"
    assert trim_span("   ", 0, 3)[0] == trim_span("   ", 0, 3)[1]
