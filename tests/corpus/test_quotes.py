"""Quotes a researcher copies from the real PDFs in ../shared/corpus/pdf are in our text verbatim.

Each quote was taken by reading the page images (pypdfium2 renders at 115 dpi, read by eye, and
at 216 dpi where the small print was unclear), not from any extraction: line-end hyphens and
dashes as printed (``737–9`` broken as ``737–`` / ``9``, ``nose-down``), URLs and e-mail
addresses whole, footnote markers kept apart from the word they follow (written ``[1]``: the
superscript ¹ would glue the marker to the word for full-text search), running headers, page
numbers and transcript line numbers left out.
"""

from __future__ import annotations

import functools

import pytest

from corpus.pdf import pdf_to_document

FR = "federal-register-2020-17221.pdf"
CUSD = "cupertino_usd_4-6-16.pdf"
SCOTUS = "scotus-transcript-p1.pdf"
LOREM = "issue-33-lorem-ipsum.pdf"
LA = "la-precinct-bulletin-2014-p1.pdf"

QUOTES = [
    # Federal Register, page 1 (three columns)
    (
        FR,
        "This section of the FEDERAL REGISTER contains notices to the public of the proposed "
        "issuance of rules and regulations.",
    ),
    (
        FR,
        "The FAA proposes to supersede Airworthiness Directive (AD) 2018–23–51, which applies "
        "to all The Boeing Company Model 737–8 and 737–9 (737 MAX) airplanes.",
    ),
    (
        FR,
        "Since AD 2018–23–51 was issued, the agency has determined that final corrective "
        "action is necessary to address the unsafe condition.",
    ),
    (
        FR,
        "Federal eRulemaking Portal: Go to https://www.regulations.gov. Follow the "
        "instructions for submitting comments.",
    ),
    (
        FR,
        "Seal Beach, CA 90740–5600; telephone 562–797–1717; internet "
        "https://www.myboeingfleet.com.",
    ),
    (FR, "phone and fax: 206–231–3500; email: 9-FAA-SACO-AD-Inquiry@faa.gov."),
    (
        FR,
        "CBI is commercial or financial information that is both customarily and actually "
        "treated as private by its owner.",
    ),
    (FR, "AGENCY: Federal Aviation Administration (FAA), DOT."),
    # Federal Register, page 2 (footnote markers, a URL broken over four lines)
    (
        FR,
        "Reports [1] from the accident investigation indicate that the airplane’s flight "
        "control system [2] generated repeated airplane nose-down horizontal stabilizer "
        "trim [3] commands contributing to the accident.",
    ),
    (
        FR,
        "report (http://knkt.dephub.go.id/knkt/ntsc_aviation/baru/2018%20-%20035%20-%20PK-"
        "LQP%20Final%20Report.pdf), indicated that a single erroneously high angle of attack "
        "(AOA) sensor [4] input",
    ),
    (
        FR,
        "AD 2018–23–51, Amendment 39–19512 (83 FR 62697, December 6, 2018; corrected "
        "December 11, 2018 (83 FR 63561)), was published in the Federal Register as an "
        "amendment to 14 CFR 39.13.",
    ),
    (
        FR,
        "The data from the flight data recorders, as summarized in reports [7] of the "
        "Ethiopian Airlines Flight 302 accident and the Lion Air Flight 610 accident",
    ),
    (
        FR,
        "[4] The angle of attack (or AOA) is the angle at which the airplane wing meets the "
        "oncoming air.",
    ),
    # Cupertino USD agenda
    (
        CUSD,
        "The Board will not respond or take action on any non-agenda item comments at this "
        "time, although the item may be agendized at a later date (Ed. Code 35145.5).",
    ),
    (
        CUSD,
        "No action or discussion shall be undertaken on any item not appearing on the posted "
        "agenda.",
    ),
    (
        CUSD,
        "Individuals who require special accommodation should contact the Superintendent’s "
        "Office at (408) 252-3000, ext. 61200 at least two business days before the meeting "
        "date.",
    ),
    (CUSD, "As a courtesy to others, please turn off your cell phone upon entering the meeting."),
    (CUSD, "By law, closed sessions are not open to the public."),
    (CUSD, "Board President Josephine Lucey and Vice-President Anjali Kausar"),
    # Supreme Court transcript (line numbers 1-25 down the margin)
    (
        SCOTUS,
        "The above-entitled matter came on for oral argument before the Supreme Court of the "
        "United States at 1:01 p.m.",
    ),
    (
        SCOTUS,
        "STEVEN E. MERCER, ESQ., Deputy Attorney General, Los Angeles, Cal.; on behalf of the "
        "Petitioner.",
    ),
    # LaTeX lorem ipsum (a table, headings, justified paragraphs)
    (
        LOREM,
        "Labore ipsum sit est. Ipsum quisquam adipisci sed dolor sed. Non voluptatem "
        "voluptatem labore.",
    ),
    (
        LOREM,
        "Modi quisquam eius adipisci. Labore dolore amet quiquia est dolore. Tempora numquam "
        "consectetur voluptatem non.",
    ),
    (LOREM, "Consectetur consectetur ut modi. Amet voluptatem voluptatem est."),
    # LA County precinct bulletin (a four-column results sheet)
    (LA, "ANTELOPE VALLEY HEALTH BD"),
    (LA, "1100 REGISTERED VOTERS"),
]


@functools.cache
def _parse(path):
    return pdf_to_document(path)


def _segments(doc) -> list[str]:
    return [doc.text[s.start : s.end] for s in doc.segments]


@pytest.mark.parametrize(
    ("name", "quote"), QUOTES, ids=[f"{n[:8]}-{i}" for i, (n, _) in enumerate(QUOTES)]
)
def test_quote_is_in_the_text_verbatim(shared_pdfs, name, quote):
    text = _parse(shared_pdfs / name).text
    assert quote in text, f"{quote!r} not in {name}"


def test_quotes_suite_has_at_least_twenty_quotes():
    assert len(QUOTES) >= 20


def test_quotes_first_page_number_and_running_headers_are_out(shared_pdfs):
    doc = _parse(shared_pdfs / FR)
    first = doc.text[doc.pages[0].start : doc.pages[0].end]
    assert first.startswith("Proposed Rules")
    assert "47698" not in first and "47698" in doc.removed
    for page in doc.pages:
        body = doc.text[page.start : page.end]
        assert "Federal Register / Vol. 85" not in body
        assert str(47697 + page.number) not in body.split("\n")[0]


def test_quotes_footnotes_are_segments_of_their_own(shared_pdfs):
    segments = _segments(_parse(shared_pdfs / FR))
    footnote = [s for s in segments if "Preliminary KNKT.18.10.35.04 Aircraft Accident" in s]
    assert len(footnote) == 1
    assert "Reports [1] from" not in footnote[0]
    assert footnote[0].endswith("can be found in the AD docket.")
    body = [s for s in segments if "Reports [1] from the accident" in s]
    assert len(body) == 1 and "Preliminary KNKT" not in body[0]


def test_quotes_transcript_line_numbers_are_left_out(shared_pdfs):
    doc = _parse(shared_pdfs / SCOTUS)
    assert "13 argument" not in doc.text and "United States 14 at" not in doc.text
    assert " ".join(str(n) for n in range(1, 26)) in doc.removed


def test_quotes_headings_are_their_own_segment(shared_pdfs):
    assert "Quiquia adipisci numquam tempora dolore magnam." in _segments(
        _parse(shared_pdfs / LOREM)
    )
