"""Demo step for ``corpus``: the fictional policy documents in demo/texts/policy, as PDF, DOCX,
Markdown and TXT.

Everything here is fictional demo content (see demo/README.md).  The English council brief becomes a
multi-page PDF with a running header and page numbers (so header removal shows), the charter a DOCX
with a table; the Spanish memo (Markdown) and note (TXT) are ingested as they are.  Generated files
go to demo/build/files/policy (gitignored).  Deterministic: fixed dates, files in name order.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
HEADER = "Fictional demo document · US–Mexico Innovation Council · Brief on the Bajío consortium"
DATES = {  # what each file's own metadata (or, for text files, the project) says
    "council-brief.pdf": "2016-03-04",
    "consortium-charter.docx": "2014-11-20",
    "memo-politica-industrial.md": "2014-07-15",
    "nota-laboratorio.txt": "2016-10-14",
}


def markdown_blocks(text: str) -> list[tuple[str, str | list[list[str]]]]:
    """Return (kind, content) blocks of our small Markdown: title, heading, note, table (rows),
    item, paragraph."""
    blocks: list[tuple[str, str | list[list[str]]]] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = chunk.strip().split("\n")
        if lines[0].startswith("|"):
            rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
            blocks.append(("table", [r for r in rows if not all(set(c) <= set("-: ") for c in r)]))
        elif lines[0].startswith("# "):
            blocks.append(("title", lines[0][2:].strip()))
        elif lines[0].startswith("## "):
            blocks.append(("heading", lines[0][3:].strip()))
        elif chunk.startswith("*") and chunk.endswith("*"):
            blocks.append(("note", chunk.strip("*").strip()))
        elif re.match(r"\d+\. ", lines[0]):
            blocks.extend(("item", line.strip()) for line in lines)
        else:
            blocks.append(("paragraph", " ".join(line.strip() for line in lines)))
    return blocks


def write_pdf(blocks, path: Path, header: str) -> Path:
    """Write blocks as a PDF: a new page per section, running header, 'Page N' footer."""
    from fpdf import FPDF

    unicode_font = (FONT_DIR / "DejaVuSans.ttf").exists() and (
        FONT_DIR / "DejaVuSans-Bold.ttf"
    ).exists()

    def clean(s: str) -> str:  # core fonts are Latin-1 only
        if unicode_font:
            return s
        s = (
            s.replace("–", "-")
            .replace("—", "-")
            .replace("·", "-")
            .replace("’", "'")
            .replace("“", '"')
            .replace("”", '"')
        )
        return s.encode("latin-1", "replace").decode("latin-1")

    class Brief(FPDF):
        def header(self):
            self.set_font(family, "", 8)
            self.cell(0, 6, clean(header), align="C")
            self.ln(12)

        def footer(self):
            self.set_y(-15)
            self.set_font(family, "", 8)
            self.cell(0, 10, f"Page {self.page_no()}", align="C")

    pdf = Brief()
    if unicode_font:
        pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        family = "DejaVu"
    else:
        family = "Helvetica"
    title = next((b[1] for b in blocks if b[0] == "title"), path.stem)
    pdf.set_title(clean(title))
    pdf.set_author("Fictional demo author")
    pdf.set_creation_date(datetime(2016, 3, 4, tzinfo=UTC))
    pdf.add_page()
    sections = 0
    for kind, content in blocks:
        if kind == "heading":
            sections += 1
            if sections > 1:
                pdf.add_page()
            pdf.set_font(family, "B", 13)
            pdf.multi_cell(0, 7, clean(content))
        elif kind == "title":
            pdf.set_font(family, "B", 16)
            pdf.multi_cell(0, 8, clean(content))
        else:
            pdf.set_font(family, "", 11)
            pdf.multi_cell(0, 5.5, clean(content))
        pdf.ln(4)
    pdf.output(str(path))
    return path


def write_docx(blocks, path: Path) -> Path:
    """Write blocks as a DOCX: headings, italic note, a real table, paragraphs."""
    import docx

    d = docx.Document()
    props = d.core_properties
    props.author = "Fictional demo author"
    props.created = props.modified = datetime(2014, 11, 20, tzinfo=UTC)
    for kind, content in blocks:
        if kind == "title":
            props.title = content
            d.add_heading(content, level=1)
        elif kind == "heading":
            d.add_heading(content, level=2)
        elif kind == "note":
            d.add_paragraph().add_run(content).italic = True
        elif kind == "table":
            table = d.add_table(rows=len(content), cols=len(content[0]))
            table.style = "Table Grid"
            for i, row in enumerate(content):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
        else:
            d.add_paragraph(content)
    d.save(str(path))
    return path


def build(db: sqlite_utils.Database, root: Path) -> None:
    """Write the demo policy files and ingest them into ``db``."""
    from corpus import set_document_fields
    from corpus.ingest import ingest

    texts = root / "texts" / "policy"
    out = root / "build" / "files" / "policy"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    write_pdf(
        markdown_blocks((texts / "council-brief.md").read_text(encoding="utf-8")),
        out / "council-brief.pdf",
        HEADER,
    )
    write_docx(
        markdown_blocks((texts / "consortium-charter.md").read_text(encoding="utf-8")),
        out / "consortium-charter.docx",
    )
    for name in ("memo-politica-industrial.md", "nota-laboratorio.txt"):
        shutil.copyfile(texts / name, out / name)
    outcomes = ingest([str(out)], db, workers=1, kind="policy", backup=False)
    failed = [f"{o.path}: {o.reason}" for o in outcomes if o.status != "ok"]
    if failed:
        raise RuntimeError("demo policy documents did not ingest: " + "; ".join(failed))
    for o in outcomes:
        name = Path(o.path).name
        if name == "memo-politica-industrial.md":
            set_document_fields(db, o.document_id, date=DATES[name], author="Fictional demo author")
        elif name == "nota-laboratorio.txt":
            title = (texts / name).read_text(encoding="utf-8").split("\n", 1)[0].strip()
            set_document_fields(
                db, o.document_id, title=title, date=DATES[name], author="Fictional demo author"
            )
