"""Paragraphs of a three-column PDF follow the reading order and end at sentence boundaries.

Issue 24: "Code all hits" at paragraph level on ``federal-register-2020-17221.pdf`` made codings of
5,298 and 4,086 characters that ended mid-sentence ("...the FAA also proposes to") or mixed
columns ("This service information is reasonably June 12, 2020."). The quotes below were read
from the page images (pypdfium2 at 115 dpi, by eye), not from an extraction: each is a whole
paragraph that runs from the foot of one column (past its footnotes) or page to the next, or the
paragraph beside such a boundary. Footnote markers are written ``[5]`` as in the quote suite.
"""

from __future__ import annotations

import functools
import re

import pytest

from corpus import ends_sentence, sentence_spans
from corpus.pdf import pdf_to_document
from corpus.pdf.flow import MAX_PARAGRAPH, split_long

FR = "federal-register-2020-17221.pdf"

# (page, whole paragraph as printed); pages 1-5 of the Federal Register notice.
PARAGRAPHS = [
    # page 1 col 3 -> page 2 col 1: a sentence broken at "Soekarno-" / "Hatta"
    (
        1,
        "Background\nOn October 29, 2018, a Boeing Model 737–8 airplane operated by Lion Air (Lion"
        " Air Flight 610) was involved in an accident after takeoff from Soekarno-Hatta"
        " International Airport in Jakarta, Indonesia, resulting in 189 fatalities. Investigation"
        " of the accident has been completed by the Indonesian authorities (Komite Nasional"
        " Keselamatan Transportasi (KNKT)) with assistance from the National Transportation Safety"
        " Board (NTSB) and the FAA of the United States, the manufacturer, and the operator."
        " Reports [1] from the accident investigation indicate that the airplane’s flight control"
        " system [2] generated repeated airplane nose-down horizontal stabilizer trim [3] commands"
        " contributing to the accident.",
    ),
    # page 2 col 1 foot (past footnotes 1-4) -> col 2 top
    (
        2,
        "These effects include stall warning activation, airspeed disagree alert, and altitude"
        " disagree alert, [5] and may affect the flightcrew’s ability to accomplish continued safe"
        " flight and landing.",
    ),
    # page 2 col 2 foot (past footnotes 5-6) -> col 3 top
    (
        2,
        "On March 10, 2019, a Boeing Model 737–8 airplane operated by Ethiopian Airlines (Ethiopian"
        " Airlines Flight 302) was involved in an accident after takeoff from Addis Ababa Bole"
        " International Airport in Addis Ababa, Ethiopia, resulting in 157 fatalities. The accident"
        " is under investigation by the Ethiopian Accident Investigation Bureau (EAIB) with"
        " assistance from the NTSB and the FAA of the United States, the French Bureau of Enquiry"
        " and Analysis for Civil Aviation Safety (BEA), the European Union Aviation Safety Agency"
        " (EASA), the manufacturer, the operator, and the Ethiopian Civil Aviation Authority"
        " (ECAA).",
    ),
    # page 2 col 3, after the continued paragraph
    (
        2,
        "The data from the flight data recorders, as summarized in reports [7] of the Ethiopian"
        " Airlines Flight 302 accident and the Lion Air Flight 610 accident, indicated that if a"
        " single erroneously high AOA sensor input is received by the flight control system, the"
        " maneuvering characteristics augmentation system (MCAS) [8] can command repeated airplane"
        " nose-down trim of the horizontal stabilizer. This unsafe condition, if not addressed,"
        " could cause the flightcrew to have difficulty controlling the airplane, and lead to"
        " excessive airplane nose-down attitude, significant altitude loss, and impact with"
        " terrain.",
    ),
    # page 2 col 3 foot (past footnotes 7-9) -> page 3 col 1 top
    (
        2,
        "In addition to these four design changes, the FAA also proposes to require operators to"
        " conduct an AOA sensor system test and perform an operational readiness flight prior to"
        " returning each airplane to service. Finally, operators with an existing FAA-approved MEL"
        " would be required to incorporate more restrictive provisions to dispatch the airplane"
        " with certain inoperative equipment. The new master minimum equipment list (MMEL),"
        " approved by the FAA, was published on April 10, 2020, after undergoing a public notice"
        " and comment process.",
    ),
    # page 5, the page whose columns were read as rows ("... reasonably June 12, 2020.")
    (
        5,
        "• Boeing Special Attention Service Bulletin 737–00–1028, dated July 20, 2020, describes"
        " procedures for an AOA sensor system test and an operational readiness flight.",
    ),
    (
        5,
        "This service information is reasonably available because the information is posted in"
        " the docket and because the interested parties otherwise have access to it through their"
        " normal course of business or by the means identified in the ADDRESSESsection.",
    ),
    (
        5,
        "Additionally, during the operational evaluation, the FAA will evaluate the operating"
        " procedures (checklists) proposed in this AD. If the FAA determines that the operational"
        " evaluation results necessitate additional changes to the checklists proposed in this AD,"
        " the FAA will post these changes as an addendum to the draft Boeing 737 Flight"
        " Standardization Board Report for public comment. If an addendum is posted, the FAA will"
        " announce the availability of it in the Federal Register. The FAA will consider the"
        " report and the comments submitted in finalizing the AD.",
    ),
]

# Sentences that cross a column's foot on page 5 (col 1 -> col 2), read from the page image.
SENTENCES = [
    (
        5,
        "• Installing revised MDS software, doing a software installation verification, and"
        " removing INOP markers if applicable, by accomplishing the applicable actions identified"
        " as ‘‘RC’’ in the Accomplishment Instructions of Boeing Special Attention Service Bulletin"
        " 737–31–1860, dated June 12, 2020.",
    ),
    (
        5,
        "• Performing an AOA sensor system test, by accomplishing the applicable actions"
        " identified as ‘‘RC’’ in the Accomplishment Instructions of Boeing Special Attention"
        " Service Bulletin 737–00–1028, dated July 20, 2020.",
    ),
    (5, "AD 2018–23–51 applies to all 737 MAX airplanes."),
    # page 1 col 2 foot -> col 3 under the masthead ("Federal Register / Vol. 85 ..."), set a
    # point smaller than the text
    (
        1,
        "The most helpful comments reference a specific portion of the proposal, explain the"
        " reason for any recommended change, and include supporting data.",
    ),
    # page 1 col 3: a line of small capitals in the middle of the sentence
    (
        1,
        "Submissions containing CBI should be sent to the person identified in the FOR FURTHER"
        " INFORMATION CONTACTsection.",
    ),
    # page 5 col 2 foot, past the title of the table across the page's foot, -> col 3 top
    (
        5,
        "The FAA will post the draft Boeing 737 Flight Standardization Board Report at"
        " https://www.faa.gov/aircraft/draft_docs/fsb/ for public comment.",
    ),
    (
        2,
        "The FAA sent Emergency AD 2018–23–51 to all affected civil aviation authorities (CAAs)"
        " at the same time.",
    ),
]


@functools.cache
def _read(path: str):
    return pdf_to_document(path)


@pytest.fixture
def fr(shared_pdfs):
    return _read(str(shared_pdfs / FR))


def _segments(doc):
    return [(s, doc.text[s.start : s.end]) for s in doc.segments if s.kind == "paragraph"]


@pytest.mark.parametrize(("page", "paragraph"), PARAGRAPHS, ids=lambda v: str(v)[:40])
def test_pdf_paragraph_runs_on_across_columns_and_pages(fr, page, paragraph):
    found = [(s, t) for s, t in _segments(fr) if t == paragraph]
    assert len(found) == 1, f"not one whole paragraph: {paragraph[:60]}..."
    seg = found[0][0]
    assert seg.page == page
    assert fr.pages[page - 1].start <= seg.start < fr.pages[page - 1].end


@pytest.mark.parametrize(("page", "sentence"), SENTENCES, ids=lambda v: str(v)[:40])
def test_pdf_sentence_stays_in_one_paragraph(fr, page, sentence):
    holders = [s for s, t in _segments(fr) if sentence in t]
    assert [s.page for s in holders] == [page]


def test_pdf_paragraph_across_pages_keeps_both_pages(fr):
    seg = next(s for s, t in _segments(fr) if t.startswith("In addition to these four design"))
    assert seg.data["page_end"] == 3
    p2, p3 = fr.pages[1], fr.pages[2]
    assert p2.start <= seg.start < p2.end < p3.start < seg.end <= p3.end
    assert fr.text[p3.start :].startswith("require operators to conduct")
    starts = [p.start for p in fr.pages]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(fr.pages, fr.pages[1:]))


def test_pdf_issue_24_codings_no_longer_mix_columns_or_stop_mid_sentence(fr):
    texts = [t for _, t in _segments(fr)]
    assert max(len(t) for t in texts) <= MAX_PARAGRAPH
    assert not any("reasonably June 12" in t for t in texts)
    assert not any(t.rstrip().endswith("the FAA also proposes to") for t in texts)
    # body paragraphs (over 200 characters) end a sentence, also where the sentence runs on past
    # the masthead (page 1), a centred table title (page 5) or small capitals (page 1)
    cut = [t[-60:] for t in texts if len(t) > 200 and not ends_sentence(t)]
    assert cut == []
    assert fr.metadata["pdf_layout"] == 2


def test_pdf_masthead_title_and_run_in_heads_stay_out_of_the_paragraphs_they_interrupt(fr):
    texts = [t for _, t in _segments(fr)]
    for block in ("Federal Register", "Vol. 85, No. 152", "ESTIMATED COSTS"):
        assert block in texts  # a paragraph of its own, after the one it interrupted
    # a run-in head in small capitals after a sentence's end opens a paragraph
    assert any(t.startswith("FOR FURTHER INFORMATION CONTACT: Ian Won, Manager") for t in texts)
    assert (
        "DATES: The FAA must receive comments on this proposed AD by September 21, 2020." in texts
    )


def _norm(text: str) -> str:
    return re.sub(r"[\W_]", "", re.sub(r"\[\d+\]", "", text)).casefold()


def test_pdf_paragraph_sentences_come_from_one_column_stream(fr, shared_pdfs):
    """Every sentence of pages 2-5 is a run of the printed body text read column by column
    (columns at the gutters x=216 and x=392, page after page): a line made of two columns' rows
    would not be."""
    import pdfplumber

    body, notes = [], []
    with pdfplumber.open(shared_pdfs / FR) as pdf:
        for number in (2, 3, 4, 5):
            page = pdf.pages[number - 1]
            top, bottom = page.height * 0.07, page.height * 0.95
            for lo, hi in ((0, 216), (216, 392), (392, page.width)):
                chars = [
                    c
                    for c in page.chars
                    if lo <= c["x0"] < hi and top < c["top"] < bottom and c["upright"]
                ]
                chars.sort(key=lambda c: (round(c["top"] / 3), c["x0"]))
                body.append("".join(c["text"] for c in chars if 8.5 <= c["size"] <= 9.5))
                notes.append("".join(c["text"] for c in chars if 6.5 <= c["size"] <= 7.5))
    body_stream, note_stream = _norm("".join(body)), _norm("".join(notes))
    checked, missing = 0, []
    for seg, text in _segments(fr):
        if seg.page not in (2, 3, 4, 5) or "\n" in text or "...." in text:
            continue  # headings and lists keep their line breaks; table rows have leaders
        for s, e in sentence_spans(text):
            sentence = _norm(text[s:e])
            if len(sentence) < 40 or "ADDRESSES" in text[s:e]:
                continue  # ADDRESSES is set in small capitals of another size
            checked += 1
            if sentence not in body_stream and sentence not in note_stream:
                missing.append(text[s:e][:80])
    assert checked >= 100
    assert missing == []


def test_split_long_cuts_at_the_sentence_nearest_the_middle():
    text = " ".join(f"Sentence number {i} is here." for i in range(400))
    pieces = split_long(text, 0, len(text), limit=3000)
    assert all(e - s <= 3000 for s, e in pieces)
    assert all(ends_sentence(text[s:e]) for s, e in pieces)
    assert " ".join(text[s:e] for s, e in pieces) == text
    assert split_long("no sentence end " * 300, 0, 4800) == [(0, 4800)]
