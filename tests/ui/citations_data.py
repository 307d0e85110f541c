"""A project for the citations / cases / tables browser tests (fictional demo text): an
interview in the shape of the real interview-3 (two interviewers and an interviewee), coded by two
coders, a plain-text note (no pages) and a PDF-like brief with pages, a date and a scanned page."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

TRANSCRIPT = """Interviewer 2: So you can go ahead.

Interviewer 1: Okay, perfect. We are building a catalogue of quality issues in machine learning.

Interviewee: Sure. Data drift was our main quality issue last year, it hit the forecasts.

Interviewer 1: How did you notice the drift in production?

Interviewee: Our dashboards showed the accuracy falling week after week, so we retrained \
the models every Monday, compared them with the shadow model, and wrote a report for the \
product owners that nobody read until the quarterly review came round again.
"""

LOWER_TRANSCRIPT = """interviewer: thanks for joining us. how did the project start?
interviewee: it started in 2019 with a small grant from the state.
interviewee: then the council joined, a year later.
interviewer: and the firms?
interviewee: they came later, in 2021, when the first technicians graduated.
"""


def fill_citations_project(db, folder: Path) -> dict:
    """Fill ``db``; return ids and the transcript's text positions used by the tests."""
    import coding as C
    import interviews
    from corpus import Document, Segment, get_text, store_document
    from corpus.model import Page

    path = folder / "interview-3.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    (outcome,) = interviews.import_transcripts([str(path)], db)
    doc = int(outcome.document_id)
    text = get_text(db, doc)
    C.add_code(db, "Detection", color="#1f77b4")
    C.ensure_code_path(db, "Data quality > Drift with a rather long code name to wrap")
    s = text.index("How did you notice")
    C.code_span(db, doc, s, s + len("How did you notice the drift"), "Detection", "ana")
    d = text.index("Data drift")
    for coder in ("ana", "ben"):
        C.code_span(
            db,
            doc,
            d,
            d + len("Data drift was our main quality issue"),
            "Data quality > Drift with a rather long code name to wrap",
            coder,
        )
    a = text.index("Our dashboards")
    C.code_span(db, doc, a, text.index("round again.") + len("round again."), "Detection", "ben")

    note = "A plain note without pages.\n\nIt has two paragraphs."
    store_document(
        db,
        Document(
            text=note,
            title="Field note",
            source_name="note.txt",
            kind="other",
            segments=[Segment(0, 27, "paragraph"), Segment(29, len(note), "paragraph")],
            sha256=hashlib.sha256(note.encode()).hexdigest(),
        ),
        segment_language=False,
    )
    brief = "Policy brief page one.\n\nPage two says training was the barrier."
    p2 = brief.index("Page two")
    brief_id = store_document(
        db,
        Document(
            text=brief,
            title="Policy brief",
            source_name="brief.pdf",
            kind="policy",
            file_type="pdf",
            pages=[Page(1, 0, p2 - 2), Page(2, p2, len(brief))],
            segments=[Segment(0, p2 - 2, "paragraph"), Segment(p2, len(brief), "paragraph")],
            sha256=hashlib.sha256(brief.encode()).hexdigest(),
            date="2021-03-04",
            warnings=["pages without a text layer (OCR needed): 8"],
        ),
        segment_language=False,
    )
    t = brief.index("training was the barrier")
    C.code_span(db, brief_id, t, t + len("training was the barrier"), "Detection", "ana")
    return {"interview": doc, "brief": brief_id}


@contextlib.contextmanager
def citations_app(tmp_path_factory, name: str):
    """Run the app on a new citations project called ``name``; yield ``(url, path, ids)``."""
    from browser_helpers import app_on_new_project
    from ui_data import ROOT

    folder = tmp_path_factory.mktemp(name)
    log = ROOT / "test-artifacts" / "ui" / f"{name}-server.log"
    fill = lambda db: fill_citations_project(db, folder)  # noqa: E731
    with app_on_new_project(folder / f"{name}.qda.sqlite", fill, log) as app:
        yield app
