"""PDF reading: columns, de-hyphenation, running headers/footers, page numbers, metadata."""

from __future__ import annotations

from corpus_fixtures import LOREM, make_pdf, make_two_column_pdf

from corpus.pdf import pdf_to_document

LEFT = [
    "Alpha column opens the left side. " + LOREM,
    "Alpha column second paragraph about supplier development programmes in Queretaro.",
]
RIGHT = [
    "Beta column opens the right side. The council reviews export rules under the trade agreement.",
    "Beta column closing paragraph on technician training in Monterrey and Saltillo.",
]


def test_pdf_two_columns_read_column_by_column(tmp_path):
    path = make_two_column_pdf(
        tmp_path / "two.pdf", LEFT, RIGHT, title="Consortium Bulletin Number Four"
    )
    doc = pdf_to_document(path)
    text = doc.text
    # the full-width title comes first, then all of the left column, then the right column
    assert text.index("Consortium Bulletin") < text.index("Alpha column opens")
    assert text.index("Alpha column second") < text.index("Beta column opens")
    assert text.index("Beta column opens") < text.index("Beta column closing")
    # lines of the two columns are never interleaved into one line
    assert not any("Alpha" in line and "Beta" in line for line in text.split("\n"))
    assert "supplier development programmes in Queretaro." in " ".join(text.split())


def test_pdf_dehyphenates_line_end_hyphens(tmp_path):
    lines = [
        "The consortium will strengthen the manufac-",
        "turing capacity of small suppliers and their",
        "state-owned partners through well-",
        "known training programmes.",
    ]
    doc = pdf_to_document(make_pdf(tmp_path / "hyph.pdf", [[lines]], numbers=False))
    flat = " ".join(doc.text.split())
    assert "manufacturing capacity" in flat
    assert "manufac-" not in flat
    assert "state-owned" in flat  # a real hyphen inside a line stays


def test_pdf_removes_running_headers_footers_and_page_numbers(tmp_path):
    header = "Consortium Charter - Draft for Consultation"
    topics = ["suppliers", "training", "laboratories", "export rules", "governance"]
    pages = [
        [f"Section {i} covers {t}. Unique marker page{i}. " + LOREM]
        for i, t in enumerate(topics, start=1)
    ]
    doc = pdf_to_document(make_pdf(tmp_path / "hdr.pdf", pages, header=header))
    assert len(doc.pages) == 5
    assert "Draft for Consultation" not in doc.text
    for p in doc.pages:
        page_text = doc.text[p.start : p.end]
        assert f"page{p.number}" in page_text
        assert not any(line.strip().isdigit() for line in page_text.split("\n")), page_text
    assert sum(header in r for r in doc.removed) == 5
    assert sum(r.strip().isdigit() for r in doc.removed) == 5


def test_pdf_keeps_repeated_body_lines_that_are_not_at_page_edges(tmp_path):
    pages = [
        [
            f"Intro {i}: " + LOREM * 3,
            "Recommendation: fund the shared laboratory.",
            f"Closing {i}: " + LOREM,
        ]
        for i in ("one", "two", "three", "four")
    ]
    doc = pdf_to_document(make_pdf(tmp_path / "rep.pdf", pages, numbers=False))
    assert doc.text.count("Recommendation: fund the shared laboratory.") == 4


def test_pdf_pages_and_paragraphs_are_ranges_into_the_text(tmp_path):
    pages = [
        ["First paragraph on page one. " + LOREM, "Second paragraph on page one."],
        ["Only paragraph of page two."],
    ]
    doc = pdf_to_document(make_pdf(tmp_path / "r.pdf", pages, title="Charter of the Consortium"))
    doc.check()
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.text[doc.pages[1].start : doc.pages[1].end] == "Only paragraph of page two."
    paras = [doc.text[s.start : s.end] for s in doc.segments]
    assert paras[1] == "Second paragraph on page one."
    assert [s.page for s in doc.segments] == [1, 1, 2]
    assert doc.title == "Charter of the Consortium"
    assert doc.date == "2016-03-04"
    assert doc.file_type == "pdf"


def test_pdf_words_from_characters_split_at_gaps_spaces_and_lines():
    from corpus.pdf.words import chars_to_words

    def ch(t, x0, top, size=10.0):
        return (t, x0, x0 + 5, top, top + 10, size, True)

    chars = [
        ch("o", 15, 100.5),
        ch("N", 10, 100),
        ch(" ", 20, 100),
        ch("ﬁ".replace("ﬁ", "fi"), 25, 100),
        ch("x", 40, 100),
        ch("T", 10, 118, size=14),  # a larger capital on the same line: one word
        ch("o", 15, 120),
        ch("R", 10, 140),
        ch("s", 15, 140),
        ("1", 20, 23, 139, 145, 6.0, True),  # a raised, smaller footnote marker
        ("2", 23, 26, 139, 145, 6.0, True),
        ch("f", 30, 140),
    ]
    words = chars_to_words(chars)
    assert [w["text"] for w in words] == ["No", "fi", "x", "To", "Rs", "[12]", "f"]
    assert words[0]["x0"] == 10 and words[0]["top"] == 100


def test_pdf_paragraph_languages_detected_when_parsing(tmp_path):
    from corpus.parse import parse_path

    pages = [
        [
            "La tecnología del consorcio de Querétaro apoya a los proveedores aeroespaciales"
            " de la región.",
            "The council met in Monterrey to discuss advanced manufacturing and the training"
            " of technicians.",
        ]
    ]
    doc = parse_path(str(make_pdf(tmp_path / "mixed.pdf", pages, numbers=False)))
    assert [s.data["language"] for s in doc.segments] == ["es", "en"]


def test_pdf_line_joins_keep_compounds_urls_emails_and_dash_ranges():
    from corpus.pdf.paragraphs import hyphenated_compounds, join_lines

    compounds = hyphenated_compounds(["a well-known supplier", "the state-owned firm"])
    assert compounds == {"well-known", "state-owned"}
    # a compound written with its hyphen elsewhere keeps it at a line end; other words join
    assert join_lines("a well-", "known programme", True, compounds) == "a well-known programme"
    assert join_lines("the manufac-", "turing base", True, compounds) == "the manufacturing base"
    assert join_lines("pre-", "War rules", True, compounds) == "pre-War rules"
    # URLs and e-mail addresses broken at a line end join without a space
    assert (
        join_lines("see https://www.faa.gov/", "documents here.", True)
        == "see https://www.faa.gov/documents here."
    )
    assert join_lines("at https://", "www.regulations.gov by", True) == (
        "at https://www.regulations.gov by"
    )
    assert join_lines("email: 9-FAA-SACO-AD-", "Inquiry@faa.gov.", True) == (
        "email: 9-FAA-SACO-AD-Inquiry@faa.gov."
    )
    assert join_lines("write to Techsupport@pilatus-", "aircraft.com; internet", True) == (
        "write to Techsupport@pilatus-aircraft.com; internet"
    )
    # a URL that ends a sentence is not glued to the next one
    assert join_lines("visit www.example.org.", "The council", True) == (
        "visit www.example.org. The council"
    )
    # a dash range broken at the line end: 737– / 9
    assert join_lines("Model 737–", "9 airplanes", True) == "Model 737–9 airplanes"
    assert join_lines("short line", "Next", False) == "short line\nNext"


def test_pdf_well_known_split_at_a_line_end_keeps_its_hyphen(tmp_path):
    lines = [
        "This is a well-known problem for small suppliers in the",
        "region, and the council has long known it: a well-",
        "known remedy is shared testing and training for all.",
    ]
    doc = pdf_to_document(make_pdf(tmp_path / "wk.pdf", [[lines]], numbers=False))
    flat = " ".join(doc.text.split())
    assert "a well-known remedy" in flat and "wellknown" not in flat
