"""Word (DOCX) writers: evidence grouped by code then case, and the codebook as a tree.

Quotes are italic runs followed by their citation, e.g. *"…we signed with the council…"* (Expert 3, 00:12:31).
Characters that XML 1.0 cannot hold (control characters other than tab and line breaks) become U+FFFD.
"""
from __future__ import annotations

import re
from copy import deepcopy

import pandas as pd
from docx import Document as WordDocument
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from .tables import Out, _open

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
GREY = RGBColor(0x59, 0x59, 0x59)


def xml_safe(text) -> str:
    """Return ``text`` as a string XML can hold (illegal control characters replaced by U+FFFD)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return _XML_ILLEGAL.sub("\ufffd", str(text))


def _note(doc, label: str, text: str) -> None:
    p = doc.add_paragraph()
    head = p.add_run(f"{label}: ")
    head.bold = True
    head.font.size = Pt(9)
    body = p.add_run(xml_safe(text))
    body.font.size = Pt(9)
    body.font.color.rgb = GREY


def quote_paragraph(doc, quote: str, cite: str) -> None:
    """Append a paragraph: the quote as an italic run, then the citation.

    One-line quotes copy a prepared paragraph element (much faster than building runs through python-docx's
    API for 100,000 quotes); quotes with line breaks or tabs go through the API, which turns them into breaks.
    """
    if "\n" in quote or "\t" in quote or "\r" in quote:
        p = doc.add_paragraph()
        p.add_run(quote).italic = True
        p.add_run(cite)
        return
    template = getattr(doc, "_qda_quote_template", None)
    if template is None:
        p = doc.add_paragraph()
        p.add_run("q").italic = True
        p.add_run("c")
        template = p._p
        template.getparent().remove(template)
        doc._qda_quote_template = template
        doc._qda_sect = doc.element.body.sectPr
    el = deepcopy(template)
    first, second = el.iter(qn("w:t"))
    first.text, second.text = quote, cite
    for t in (first, second):
        t.set(qn("xml:space"), "preserve")
    if doc._qda_sect is not None:
        doc._qda_sect.addprevious(el)
    else:
        doc.element.body.append(el)


def _case_key(value) -> str:
    return "No case" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def evidence_docx(
    df: pd.DataFrame, out: Out, codebook: pd.DataFrame | None = None, title: str = "Coded evidence"
) -> Out:
    """Write the evidence as DOCX: a heading per code (with its definition as a note), per case, italic quotes."""
    doc = WordDocument()
    doc.add_heading(xml_safe(title), level=0)
    definitions = {}
    if codebook is not None and not codebook.empty:
        definitions = dict(zip(codebook["path"], codebook["definition"].fillna("")))
    for path, by_code in df.groupby("code_path", sort=False):
        doc.add_heading(xml_safe(path), level=1)
        if definitions.get(path):
            _note(doc, "Definition", definitions[path])
        doc.add_paragraph(f"{len(by_code)} quotes from {by_code['document_id'].nunique()} documents")
        for case, rows in by_code.groupby(by_code["case_name"].map(_case_key), sort=False):
            doc.add_heading(xml_safe(case), level=2)
            for quote, cite, memo in rows[["quote", "citation", "memo"]].itertuples(index=False):
                quote_paragraph(doc, xml_safe(quote), " " + xml_safe(cite))
                if isinstance(memo, str) and memo:
                    _note(doc, "Memo", memo)
    with _open(out) as fh:
        doc.save(fh)
    return out


def codebook_docx(codes: pd.DataFrame, out: Out, title: str = "Codebook") -> Out:
    """Write the codebook (a codes_frame) as DOCX: the tree as nested headings with definitions, criteria, examples, counts."""
    doc = WordDocument()
    doc.add_heading(xml_safe(title), level=0)
    if codes.empty:
        doc.add_paragraph("The codebook is empty.")
    for row in codes.itertuples(index=False):
        depth = str(row.path).count(" > ")
        doc.add_heading(xml_safe(row.name), level=min(depth + 1, 9))
        p = doc.add_paragraph()
        p.add_run(xml_safe(row.path)).font.color.rgb = GREY
        p.add_run(f"  ·  colour {row.color}  ·  {int(row.codings)} codings, {int(row.documents)} documents, "
                  f"{int(getattr(row, 'cases', 0) or 0)} cases")
        for label, field in (("Definition", "definition"), ("Include when", "inclusion"),
                             ("Exclude when", "exclusion"), ("Example", "example")):
            value = getattr(row, field, "")
            if isinstance(value, str) and value.strip():
                _note(doc, label, value)
    with _open(out) as fh:
        doc.save(fh)
    return out
