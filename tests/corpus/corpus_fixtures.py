"""Small realistic input files the tests write themselves (PDF: fpdf2, DOCX: python-docx)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from raw_pdf import raw_pdf

LOREM = (
    "The consortium brings together manufacturers, universities and state agencies to share"
    " testing "
    "laboratories and train technicians for advanced manufacturing in the region."
)


def make_pdf(
    path: Path,
    pages: list[list[str | list[str]]],
    header: str | None = None,
    numbers: bool = True,
    title: str | None = None,
) -> Path:
    """Write a text PDF: per page a list of paragraphs (a str fpdf2 wraps, or a list of lines)."""
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self):
            if header:
                self.set_font("Helvetica", "I", 8)
                self.cell(0, 6, header, align="C")
                self.ln(10)

        def footer(self):
            if numbers:
                self.set_y(-15)
                self.set_font("Helvetica", "", 8)
                self.cell(0, 10, str(self.page_no()), align="C")

    pdf = Doc()
    pdf.set_auto_page_break(False)
    if title:
        pdf.set_title(title)
    pdf.set_creation_date(datetime(2016, 3, 4, tzinfo=UTC))
    for paras in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", "", 11)
        for para in paras:
            if isinstance(para, list):
                for line in para:
                    pdf.cell(0, 5.5, line)
                    pdf.ln(5.5)
            else:
                pdf.multi_cell(0, 5.5, para)
            pdf.ln(4)
    pdf.output(str(path))
    return path


def make_two_column_pdf(
    path: Path, left: list[str], right: list[str], title: str | None = None
) -> Path:
    """Write a one-page PDF with an optional full-width title and two text columns."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if title:
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 10, title, align="C")
        pdf.ln(14)
    pdf.set_font("Helvetica", "", 10)
    top = pdf.get_y()
    width = (pdf.w - pdf.l_margin - pdf.r_margin - 10) / 2
    for x, paras in ((pdf.l_margin, left), (pdf.l_margin + width + 10, right)):
        pdf.set_xy(x, top)
        for para in paras:
            pdf.set_x(x)
            pdf.multi_cell(width, 5, para)
            pdf.ln(3)
    pdf.output(str(path))
    return path


def make_long_pdf(path: Path, pages: int, lines: int = 50) -> Path:
    """Write a long text PDF fast (raw PDF objects, no layout engine): ``pages`` pages of
    ``lines`` numbered lines each.  600 pages take pdfplumber several seconds on any machine we
    know, and the file is written in milliseconds."""
    objs: list[bytes | None] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        None,  # the page tree, once the pages are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for page in range(1, pages + 1):
        ops = [b"BT /F1 10 Tf 50 760 Td 12 TL"]
        ops += [b"(%s Page %d, line %d.) '" % (LOREM[:90].encode(), page, i) for i in range(lines)]
        stream = b"\n".join([*ops, b"ET"])
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
            b" /Resources << /Font << /F1 3 0 R >> >> >>" % len(objs)
        )
        kids.append(len(objs))
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    objs[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, pages)
    path.write_bytes(raw_pdf(objs))
    return path


def make_image_pdf(path: Path, pages: int = 2) -> Path:
    """Write a 'scanned' PDF: each page holds only an image, no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(img).text((20, 80), "scanned page, no text layer", fill="black")
    img_path = path.with_suffix(".png")
    img.save(img_path)
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(str(img_path), x=20, y=20, w=160)
    pdf.output(str(path))
    img_path.unlink()
    return path


def make_encrypted_pdf(path: Path, password: str, text: str) -> Path:
    """Write a PDF that needs ``password`` to open."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner-" + password, user_password=password)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def make_docx(
    path: Path,
    title: str,
    paragraphs: list[str],
    table: list[list[str]] | None = None,
    author: str = "Test Author",
) -> Path:
    """Write a DOCX with a heading, paragraphs and an optional table."""
    import docx

    d = docx.Document()
    d.core_properties.title = title
    d.core_properties.author = author
    d.add_heading(title, level=1)
    for p in paragraphs[:1]:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
    for p in paragraphs[1:]:
        d.add_paragraph(p)
    d.save(str(path))
    return path


def crashing_parse(path: str, options):
    """Worker task for tests: kill the worker process on files named 'crash*', parse the rest."""
    import os

    from corpus.ingest import timed_parse

    if Path(path).name.startswith("crash"):
        os._exit(3)
    return timed_parse(path, options)
