"""PDF to Document with pdfplumber: reading order, columns, de-hyphenation, headers/footers out.

Per page: characters (pdfminer's layout objects, which pdfplumber interprets; pdfplumber's
per-character dictionaries are skipped as they cost as much again) -> words -> lines (by
``top``, column by column: ``corpus/pdf_layout.py``) -> paragraphs.  Lines repeated at the top
or bottom of most pages (running headers, footers) and bare page numbers are kept out of the
canonical text and listed in ``Document.removed`` (and, with their page numbers, in
``metadata["removed_lines"]``), as are a few sideways characters in the margin (printer's
stamps) when most of the page is upright.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

from .model import Document, Page, ParseError, Segment, normalize_text
from .pdf_layout import EDGE_BAND, Line, lines_of_page

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:page|p[aá]gina|p\.|pág\.)?\s*\d{1,4}\s*(?:(?:of|de|/)\s*\d{1,4})?\s*(?:[-–—])?\s*$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")


def pdf_to_document(
    path: str | Path, password: str | None = None, name: str | None = None
) -> Document:
    """Return the Document of the PDF at ``path``; raise ParseError for unreadable PDFs."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    path = Path(path)
    name = name or path.name
    if path.stat().st_size == 0:
        raise ParseError(name, "empty file (0 bytes)", code="empty")
    pdf = None
    try:
        pdf = pdfplumber.open(path, password=password or "")
        pages = pdf.pages  # the page tree is read lazily: fail here, not half-way
    except Exception as exc:  # pdfminer raises many types on broken files
        if pdf is not None:
            _close_quietly(pdf)
        cause = (
            exc.args[0]
            if getattr(exc, "args", None) and isinstance(exc.args[0], BaseException)
            else exc
        )
        if isinstance(cause, PDFPasswordIncorrect) or isinstance(exc, PDFPasswordIncorrect):
            if password:
                raise ParseError(
                    name, "password-protected: the password given is wrong", code="password"
                ) from exc
            raise ParseError(
                name,
                "password-protected: give the password (--password) to ingest it",
                code="password",
            ) from exc
        raise ParseError(name, f"not a readable PDF ({_describe(cause)})", code="corrupt") from exc
    try:
        page_lines: list[list[Line]] = []
        margins: list[tuple[int, str]] = []
        heights: list[float] = []
        warnings: list[str] = []
        for i, page in enumerate(pages, start=1):
            try:
                heights.append(float(page.height))
                lines, margin = lines_of_page(page)
                page_lines.append(lines)
                if margin:
                    margins.append((i, margin))
            except Exception as exc:
                warnings.append(f"page {i}: text could not be read ({_describe(exc)})")
                page_lines.append([])
            finally:
                page.close()
        meta = dict(pdf.metadata or {})
    except ParseError:
        raise
    except RecursionError as exc:
        raise ParseError(
            name, "not a readable PDF (structure too deeply nested)", code="corrupt"
        ) from exc
    except Exception as exc:
        raise ParseError(name, f"not a readable PDF ({_describe(exc)})", code="corrupt") from exc
    finally:
        _close_quietly(pdf)
    if not page_lines:
        raise ParseError(name, "the PDF has no pages", code="empty")
    removed = margins + _remove_running_lines(page_lines, heights)
    removed.sort(key=lambda r: r[0])
    doc = _assemble(page_lines, name)
    doc.removed = [text for _, text in removed]
    doc.warnings.extend(warnings)
    doc.file_type = "pdf"
    doc.title = _clean_title(_meta_str(meta.get("Title"))) or path.stem.replace("_", " ")
    doc.author = _meta_str(meta.get("Author"))
    doc.date = _pdf_date(meta.get("CreationDate")) or _pdf_date(meta.get("ModDate"))
    doc.metadata = {k: _meta_str(v) for k, v in meta.items() if _meta_str(v)}
    if removed:
        doc.metadata["removed_lines"] = [[page, text] for page, text in removed]
    empty_pages = [p.number for p in doc.pages if p.end == p.start]
    if not doc.text.strip():
        doc.status = "no_text"
        doc.warnings.append("no text layer; OCR needed")
    elif empty_pages and len(empty_pages) < len(doc.pages):
        doc.warnings.append(f"pages without a text layer (OCR needed): {_ranges(empty_pages)}")
    return doc


def _close_quietly(pdf) -> None:
    """Close ``pdf``, ignoring errors.

    close() on a broken file can re-read the damaged page tree and raise again: the first error
    is the one to report.
    """
    try:
        pdf.close()
    except Exception:
        pass


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


def _meta_str(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        for enc in ("utf-16", "utf-8", "cp1252"):
            try:
                value = value.decode(enc)
                break
            except UnicodeDecodeError:
                continue
    if not isinstance(value, str):
        value = str(value)
    value = value.strip().strip("\x00")
    return value or None


def _clean_title(title: str | None) -> str | None:
    """Return a usable title from PDF metadata, or None when it is a file name or tool noise."""
    if not title:
        return None
    title = re.sub(r"^(Microsoft (Word|PowerPoint|Excel) - )", "", title).strip()
    title = re.sub(
        r"\.(docx?|pdf|exe|tmp|indd|pptx?|xlsx?|rtf)$", "", title, flags=re.IGNORECASE
    ).strip()
    if len(title) < 3 or re.fullmatch(r"[\w.-]*\d[\w.-]*", title) and " " not in title:
        return None
    return title


def _pdf_date(value) -> str | None:
    value = _meta_str(value)
    if not value:
        return None
    m = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", value)
    if not m:
        return None
    year, month, day = m.group(1), m.group(2) or "01", m.group(3) or "01"
    if not ("1900" <= year <= "2100" and "01" <= month <= "12" and "01" <= day <= "31"):
        return None
    return f"{year}-{month}-{day}"


def _norm_running(text: str) -> str:
    return " ".join(_DIGITS.sub(" ", text.lower()).split())


def _in_band(line: Line, height: float | None) -> bool:
    return height is None or line.top < height * EDGE_BAND or line.bottom > height * (1 - EDGE_BAND)


def _remove_running_lines(
    page_lines: list[list[Line]], heights: list[float] | None = None
) -> list[tuple[int, str]]:
    """Drop running headers/footers and page numbers in place; return (page, text) of each.

    A running line is among the first or last three lines of a page, lies in the page's top or
    bottom band, has at least three letters, and recurs (digits ignored) on 40% of pages (min 3).
    """
    n = len(page_lines)
    edge = 3
    heights = heights if heights and len(heights) == n else [None] * n
    counts: Counter[str] = Counter()
    for lines, height in zip(page_lines, heights):
        seen = {
            _norm_running(line.text)
            for line in lines[:edge] + lines[-edge:]
            if _in_band(line, height)
        }
        counts.update(seen)
    threshold = max(3, int(n * 0.4 + 0.5)) if n >= 3 else n + 1
    running = {
        t for t, c in counts.items() if c >= threshold and sum(ch.isalpha() for ch in t) >= 3
    }
    removed: list[tuple[int, str]] = []
    for number, (lines, height) in enumerate(zip(page_lines, heights), start=1):
        keep = []
        k = len(lines)
        for idx, line in enumerate(lines):
            at_edge = (idx < edge or idx >= k - edge) and _in_band(line, height)
            if at_edge and (_norm_running(line.text) in running or _PAGE_NUMBER.match(line.text)):
                removed.append((number, line.text))
                continue
            keep.append(line)
        lines[:] = keep
    return removed


def _assemble(page_lines: list[list[Line]], name: str) -> Document:
    parts: list[str] = []
    pages: list[Page] = []
    segments: list[Segment] = []
    pos = 0
    for number, lines in enumerate(page_lines, start=1):
        if parts:
            parts.append("\n\n")
            pos += 2
        page_start = pos
        for para in _paragraphs(lines):
            text = normalize_text(para)
            if pos > page_start:
                parts.append("\n\n")
                pos += 2
            parts.append(text)
            segments.append(Segment(start=pos, end=pos + len(text), kind="paragraph", page=number))
            pos += len(text)
        pages.append(Page(number=number, start=page_start, end=pos))
    text = "".join(parts)
    doc = Document(text=text, title=name, source_name=name, pages=pages, segments=segments)
    doc.check()
    return doc


def _paragraphs(lines: list[Line]) -> list[str]:
    """Group lines into paragraphs by vertical gaps; reflow wrapped prose, de-hyphenate."""
    if not lines:
        return []
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if b.top > a.bottom]
    heights = [line.bottom - line.top for line in lines if line.bottom > line.top]
    # the lower quartile, not the median: on short pages paragraph gaps can be half of all gaps
    typical_gap = sorted(gaps)[len(gaps) // 4] if gaps else 0.0
    height = statistics.median(heights) if heights else 10.0
    paras: list[list[Line]] = [[lines[0]]]
    for prev, line in zip(lines, lines[1:]):
        gap = line.top - prev.bottom
        new_para = (
            gap > max(typical_gap * 1.6, height * 0.6)
            or (
                len(gaps) < 3 and gap > height * 1.2
            )  # too few lines to learn the spacing: a blank line's worth
            or line.top < prev.top - height  # went back up: next column or block
            or abs(line.size - prev.size) > 1.5
            or (
                line.x0 > prev.x0 + 4 and line.x0 - prev.x0 < 40 and (prev.x1 - prev.x0) > 100
            )  # first-line indent
        )
        if new_para:
            paras.append([line])
        else:
            paras[-1].append(line)
    out = []
    for para in paras:
        full = max(line.x1 - line.x0 for line in para)
        text = para[0].text
        for prev, line in zip(para, para[1:]):
            wrapped = (prev.x1 - prev.x0) >= 0.6 * full
            if (
                text.endswith("-")
                and len(text) > 1
                and text[-2].isalpha()
                and line.text[:1].islower()
            ):
                text = text[:-1] + line.text  # de-hyphenate a word broken at line end
            elif text.endswith(("-", "‐")) and len(text) > 1 and text[-2].isalpha():
                text = text + line.text  # a real hyphenated compound split at line end
            else:
                text += (" " if wrapped else "\n") + line.text
        out.append(text)
    return out


def _ranges(numbers: list[int]) -> str:
    out, start, prev = [], None, None
    for n in numbers:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}-{prev}" if start != prev else str(start))
            start = prev = n
    if start is not None:
        out.append(f"{start}-{prev}" if start != prev else str(start))
    return ", ".join(out)
