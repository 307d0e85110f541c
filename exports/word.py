"""Word (DOCX) writers: evidence grouped by code then case, and the codebook as a tree.

Quotes are italic runs followed by a dash and their citation (the project's citation template),
e.g. *…we signed with the council…* — Expert 3, interview 2, turn 14, 00:12:31.
Characters that XML 1.0 cannot hold (control characters other than tab and line breaks)
become U+FFFD.
"""

from __future__ import annotations

import re
from copy import deepcopy

import pandas as pd
from docx import Document as WordDocument
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.run import Run

from .evidence import unique_quotes
from .report_html import plural
from .tables import Out, _open

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
GREY = RGBColor(0x59, 0x59, 0x59)


def xml_safe(text) -> str:
    """Return ``text`` as a string XML can hold (illegal control characters replaced by U+FFFD)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return _XML_ILLEGAL.sub("\ufffd", str(text))


class _Builder:
    """Appends paragraphs by copying prepared ones: python-docx's own ``add_paragraph`` looks for
    the section properties among all body children each time, which makes 100,000 paragraphs
    quadratic."""

    def __init__(self, doc):
        self.doc = doc
        self.sect = doc.element.body.sectPr
        self.templates: dict = {}

    def _template(self, key):
        if key not in self.templates:
            doc = self.doc
            if key[0] == "heading":
                p = doc.add_heading("x", level=key[1])
            elif key[0] == "note":
                p = doc.add_paragraph()
                head = p.add_run("x")
                head.bold = True
                head.font.size = Pt(9)
                body = p.add_run("x")
                body.font.size = Pt(9)
                body.font.color.rgb = GREY
            elif key[0] == "quote":
                p = doc.add_paragraph()
                p.add_run("x").italic = True
                p.add_run("x")
            else:
                p = doc.add_paragraph()
                p.add_run("x")
            el = p._p
            el.getparent().remove(el)
            self.templates[key] = el
        return self.templates[key]

    def add(self, key, *texts: str) -> None:
        """Append a paragraph of kind ``key`` whose runs hold ``texts`` (line breaks and tabs
        kept)."""
        el = deepcopy(self._template(key))
        for r, text in zip(el.iter(qn("w:r")), texts):
            Run(r, None).text = text
        if self.sect is not None:
            self.sect.addprevious(el)
        else:
            self.doc.element.body.append(el)

    def heading(self, text: str, level: int) -> None:
        self.add(("heading", level), xml_safe(text))

    def note(self, label: str, text: str) -> None:
        self.add(("note",), f"{label}: ", xml_safe(text))

    def quote(self, quote: str, cite: str) -> None:
        """The quote as an italic run, then the citation."""
        self.add(("quote",), xml_safe(quote), " — " + xml_safe(cite) if cite else "")

    def para(self, text: str) -> None:
        self.add(("para",), xml_safe(text))


def _case_key(value) -> str:
    return (
        "No case" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    )


def evidence_docx(
    df: pd.DataFrame, out: Out, codebook: pd.DataFrame | None = None, title: str = "Coded evidence"
) -> Out:
    """Write the evidence as DOCX: a heading per code (with its definition as a note), per case,
    italic quotes."""
    df = unique_quotes(df)
    doc = WordDocument()
    b = _Builder(doc)
    b.heading(title, 0)
    definitions = {}
    if codebook is not None and not codebook.empty:
        definitions = dict(zip(codebook["path"], codebook["definition"].fillna("")))
    for path, by_code in df.groupby("code_path", sort=False):
        b.heading(path, 1)
        if definitions.get(path):
            b.note("Definition", definitions[path])
        b.para(
            f"{plural(len(by_code), 'quote')} from "
            f"{plural(by_code['document_id'].nunique(), 'document')}"
        )
        for case, rows in by_code.groupby(by_code["case_name"].map(_case_key), sort=False):
            b.heading(case, 2)
            for quote, cite, memo in rows[["quote", "citation", "memo"]].itertuples(index=False):
                b.quote(quote, cite)
                if isinstance(memo, str) and memo:
                    b.note("Memo", memo)
    with _open(out) as fh:
        doc.save(fh)
    return out


def codebook_docx(codes: pd.DataFrame, out: Out, title: str = "Codebook") -> Out:
    """Write the codebook (a codes_frame) as DOCX: the tree as nested headings with definitions,
    criteria, examples, counts."""
    doc = WordDocument()
    b = _Builder(doc)
    b.heading(title, 0)
    if codes.empty:
        b.para("The codebook is empty.")
    for row in codes.itertuples(index=False):
        depth = str(row.path).count(" > ")
        b.heading(row.name, min(depth + 1, 9))
        b.para(
            f"{row.path}  ·  colour {row.color}  ·  {int(row.codings)} codings, "
            f"{int(row.documents)} documents, "
            f"{int(getattr(row, 'cases', 0) or 0)} cases"
        )
        for label, field in (
            ("Definition", "definition"),
            ("Include when", "inclusion"),
            ("Exclude when", "exclusion"),
            ("Example", "example"),
        ):
            value = getattr(row, field, "")
            if isinstance(value, str) and value.strip():
                b.note(label, value)
    with _open(out) as fh:
        doc.save(fh)
    return out
