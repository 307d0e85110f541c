"""UI test data: a project with data (multi-page report, accented and emoji text, hostile text
and names, two coders, a transcript)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import coding
from corpus import Document, Segment, store_document
from corpus.model import Page  # only tests build pages by hand: not in the front door
from interviews import parse_transcript, store_transcript

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
PAGES = sorted((ROOT / "ui" / "pages").glob("*.py"))

XSS = "<script>alert(1)</script> and <img src=x onerror=alert(2)> are just text here."
HOSTILE_TRANSCRIPT = (
    "Interviewer: What happened at the <script>alert(6)</script> council?\n\n"
    "María <img src=x onerror=alert(7)>: Nothing, sí, the consortium met.\n\n"
    "Interviewer: Thank you.\n"
)
MD_TRAP = "A second paragraph: [clickme](javascript:alert(10)) and ![img](x) with **stars**."
ACCENTED = (
    "Señora Muñoz dijo: «la innovación 🚀 llegó tarde» — café, niño, über. "
    "Then the council met again."
)


def app_as(path, monkeypatch, coder: str):
    """Return an AppTest of the app at a local desk on ``path``, run once as ``coder``."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("QDA_PROJECT", str(path))
    monkeypatch.delenv("QDA_EXPOSED", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["coder"] = coder
    at.run()
    assert not at.exception, at.exception
    return at


def make_document(
    db, title: str, paragraphs: list[str], pages: int = 1, kind: str = "policy"
) -> int:
    """Store a document of ``paragraphs`` (split evenly over ``pages``); return its id."""
    text, segs = "", []
    for p in paragraphs:
        start = len(text)
        text += p
        segs.append(Segment(start, len(text), "paragraph"))
        text += "\n\n"
    text = text.rstrip("\n")
    per = max(1, len(segs) // pages)
    page_list = []
    for n in range(pages):
        chunk = segs[n * per : (n + 1) * per] if n < pages - 1 else segs[n * per :]
        if chunk:
            page_list.append(Page(n + 1, chunk[0].start, chunk[-1].end))
            for s in chunk:
                s.page = n + 1
    doc = Document(
        text=text,
        title=title,
        source_name=f"{title}.txt",
        kind=kind,
        pages=page_list,
        segments=segs,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        size=len(text.encode()),
    )
    return store_document(db, doc)


def fill_project(db) -> dict:
    """Put documents, codes and two coders' codings into ``db``; return their ids."""
    report = [
        f"Section {i}. The US–Mexico innovation council reviewed consortium {i} "
        "of the fictional programme."
        for i in range(1, 61)
    ]
    ids = {
        "report": make_document(db, "Consortium report (fictional)", report, pages=6),
        "accented": make_document(
            db,
            "Entrevista ficticia",
            [ACCENTED, "Segunda parte de la entrevista."],
            kind="interview",
        ),
        "xss": make_document(db, "Hostile document", [XSS, MD_TRAP]),
    }
    ids["policy"] = coding.add_code(db, "Policy", color="#4e79a7")
    ids["council"] = coding.add_code(db, "Councils", parent="Policy", color="#e15759")
    ids["trust"] = coding.add_code(db, "Trust <i onmouseover=alert(4) & co", color="#59a14f")
    coding.code_span(db, ids["report"], 0, 40, "Policy", "alice", memo="first memo")
    coding.code_span(db, ids["report"], 20, 60, "Policy > Councils", "bob")
    coding.code_span(db, ids["accented"], 0, 12, ids["trust"], "alice")
    coding.code_span(db, ids["xss"], 0, 26, ids["trust"], "alice", memo="<script>alert(3)</script>")
    ids["mdlink"] = coding.add_code(db, "[link](javascript:alert(5)) *x*", color="#b07aa1")
    coding.code_span(db, ids["xss"], 30, 40, ids["mdlink"], "**bob** <b onclick=alert(8)>")
    data = HOSTILE_TRANSCRIPT.encode("utf-8")
    ids["transcript"] = store_transcript(
        db, parse_transcript("hostile.txt", data=data, name="hostile.txt"), data
    )
    return ids
