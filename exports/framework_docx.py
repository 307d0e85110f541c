"""The framework matrix as DOCX: a landscape section with one table (a row per case, document or
attribute value, a column per code; a cell holds the summary, its count and its quotes' numbers)
and the quotes as an appendix (numbered, with citations) or as real Word footnotes.

python-docx has no footnote API, so ``quotes_as='footnotes'`` writes the footnotes part
(``word/footnotes.xml``) itself with lxml: the two separator notes Word expects, then one note per
quote, referenced from its cell by a ``w:footnoteReference``.
"""

from __future__ import annotations

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from lxml import etree

from .tables import Out, _open
from .word import GREY, xml_safe

QUOTES_AS = ("appendix", "footnotes")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def count_text(n: int) -> str:
    """Return '1 coding' / '3 codings'."""
    return f"{n} coding{'' if n == 1 else 's'}"


def refs_text(numbers: list[int]) -> str:
    """Return '[1][2]' for quote numbers."""
    return "".join(f"[{n}]" for n in numbers)


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _text_runs(parent, text: str, size: int | None = None) -> None:
    """Append runs holding ``text`` (line breaks as w:br) to a w:p element."""
    for i, line in enumerate(xml_safe(text).split("\n")):
        r = etree.SubElement(parent, _w("r"))
        if size:
            rpr = etree.SubElement(r, _w("rPr"))
            etree.SubElement(rpr, _w("sz"), {_w("val"): str(size)})
        if i:
            etree.SubElement(r, _w("br"))
        t = etree.SubElement(r, _w("t"))
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _footnotes_part(doc, notes: list[tuple[int, str]]) -> None:
    """Add word/footnotes.xml with the separators and ``notes`` (id, text) to ``doc``."""
    root = etree.Element(_w("footnotes"), nsmap={"w": W_NS})
    for kind, nid in (("separator", "-1"), ("continuationSeparator", "0")):
        note = etree.SubElement(root, _w("footnote"), {_w("type"): kind, _w("id"): nid})
        r = etree.SubElement(etree.SubElement(note, _w("p")), _w("r"))
        etree.SubElement(r, _w(kind))
    for nid, text in notes:
        note = etree.SubElement(root, _w("footnote"), {_w("id"): str(nid)})
        p = etree.SubElement(note, _w("p"))
        r = etree.SubElement(p, _w("r"))
        rpr = etree.SubElement(r, _w("rPr"))
        etree.SubElement(rpr, _w("vertAlign"), {_w("val"): "superscript"})
        etree.SubElement(r, _w("footnoteRef"))
        _text_runs(p, " " + text, size=18)
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)


def _footnote_reference(paragraph, nid: int) -> None:
    run = paragraph.add_run()
    rpr = run._r.get_or_add_rPr()
    valign = rpr.makeelement(qn("w:vertAlign"), {qn("w:val"): "superscript"})
    rpr.append(valign)
    run._r.append(run._r.makeelement(qn("w:footnoteReference"), {qn("w:id"): str(nid)}))


def _lay_out(grid, section) -> None:
    """Give the row labels a wider first column and the codes the rest alike; repeat the header
    row on every page and keep each row on one page (a long matrix spans pages)."""
    usable = section.page_width - section.left_margin - section.right_margin
    k = len(grid.columns) - 1
    first = min(Inches(1.3), usable // 4) if k else usable
    rest = (usable - first) // k if k else 0
    grid.autofit = False
    for col_no, column in enumerate(grid.columns):  # the grid's widths (LibreOffice reads these)
        column.width = first if col_no == 0 else rest
    for row_no, row in enumerate(grid.rows):
        props = row._tr.get_or_add_trPr()
        flag = etree.SubElement(props, qn("w:tblHeader" if row_no == 0 else "w:cantSplit"))
        flag.set(qn("w:val"), "true")
        for col_no, cell in enumerate(row.cells):
            cell.width = first if col_no == 0 else rest


def framework_docx(
    table, out: Out, quotes_as: str = "appendix", title: str = "Framework matrix"
) -> Out:
    """Write ``table`` (an ``exports.FrameworkTable``) as DOCX in landscape; quotes as a numbered
    appendix or as footnotes."""
    if quotes_as not in QUOTES_AS:
        raise ValueError(f"quotes_as must be one of {', '.join(QUOTES_AS)}")
    doc = WordDocument()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.add_heading(xml_safe(title), 0)
    note = doc.add_paragraph().add_run(f"Scope: {xml_safe(table.scope)}")
    note.font.size, note.font.color.rgb = Pt(9), GREY
    codes = table.columns[["code_id", "code_path"]].values.tolist()
    grid = doc.add_table(rows=1 + len(table.rows), cols=1 + len(codes))
    grid.style = "Table Grid"
    header = grid.rows[0].cells
    header[0].text = xml_safe(table.row_title or "Row")
    for cell, (_, path) in zip(header[1:], codes):
        cell.text = xml_safe(path)
    for cell in header:
        for run in cell.paragraphs[0].runs:
            run.bold = True
            run.font.size = Pt(9)
    quotes = {int(q.n): q for q in table.quotes.itertuples(index=False)}
    for i, (key, label) in enumerate(table.rows[["row_key", "row_label"]].values.tolist(), 1):
        cells = grid.rows[i].cells
        cells[0].text = xml_safe(label)
        for cell, (code_id, _) in zip(cells[1:], codes):
            n, summary, refs = table.cell(key, int(code_id))
            p = cell.paragraphs[0]
            if summary:
                p.add_run(xml_safe(summary))
                p = cell.add_paragraph()
            if n:
                run = p.add_run(count_text(n) + (" " if refs else ""))
                run.font.size, run.font.color.rgb = Pt(8), GREY
                if quotes_as == "footnotes":
                    for j, number in enumerate(refs):
                        if j:  # 3,4,5 rather than 345
                            p.add_run(",").font.superscript = True
                        _footnote_reference(p, number)
                elif refs:
                    ref = p.add_run(refs_text(refs))
                    ref.font.size = Pt(8)
    _lay_out(grid, section)
    if quotes and quotes_as == "footnotes":
        _footnotes_part(
            doc,
            [
                (n, f"{q.row_label} × {q.code_path}: “{q.quote}” — {q.citation}")
                for n, q in quotes.items()
            ],
        )
    elif quotes:
        doc.add_heading("Quotes", 1)
        for n, q in quotes.items():
            p = doc.add_paragraph()
            p.add_run(f"[{n}] ").bold = True
            p.add_run(xml_safe(f"{q.row_label} × {q.code_path}: "))
            p.add_run(xml_safe(q.quote)).italic = True
            p.add_run(xml_safe(f" — {q.citation}"))
    with _open(out) as fh:
        doc.save(fh)
    return out
