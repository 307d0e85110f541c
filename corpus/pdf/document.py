"""PDF to Document: reading order, columns, de-hyphenation, headers/footers out.

Per page: characters (read with pdfium, ``words.py``; pdfplumber's reading of pdfminer's layout
objects when pdfium cannot parse the file) -> words -> lines (by
``top``, column by column: ``corpus/pdf/layout.py``) -> paragraphs (``paragraphs.py``,
flowing across columns and pages: ``flow.py``).  Lines repeated at the top or bottom of most
pages (running headers, footers) and bare page numbers (``running.py``) are kept out of the
canonical text and listed in ``Document.removed`` (and, with their page numbers, in
``metadata["removed_lines"]``), as are a few sideways characters in the margin (printer's
stamps) when most of the page is upright. Title, author and date come from the PDF's
information dictionary (``metadata.py``); pages without a text layer are read by OCR
(``ocr.py``).
"""

from __future__ import annotations

import time
from pathlib import Path

from ..model import Document, Page, ParseError, Segment, normalize_text
from .flow import FLOW_VERSION, Flow, column_width, flow_paragraphs, split_long
from .layout import Line, lines_of_chars, lines_of_page
from .metadata import _clean_title, _meta_str, _pdf_date
from .ocr import DEFAULT_LANGUAGES, PAGE_TIMEOUT_S, OcrUnavailable, is_garbage, ocr_pdf_pages
from .paragraphs import _paragraphs, hyphenated_compounds, join_lines
from .running import _remove_running_lines
from .words import pdfium_chars


def pdf_to_document(
    path: str | Path,
    password: str | None = None,
    name: str | None = None,
    ocr_languages: str | None = DEFAULT_LANGUAGES,
    ocr_page_timeout_s: float = PAGE_TIMEOUT_S,
    ocr_budget_s: float | None = None,
) -> Document:
    """Return the Document of the PDF at ``path``; raise ParseError for unreadable PDFs.

    Pages without a usable text layer are read by OCR in ``ocr_languages`` (None: not read),
    each within ``ocr_page_timeout_s`` and all within ``ocr_budget_s`` seconds; pages left
    unread are marked ``ocr_needed`` with a warning saying why.
    """
    started = time.monotonic()
    path = Path(path)
    name = name or path.name
    if path.stat().st_size == 0:
        raise ParseError(name, "empty file (0 bytes)", code="empty")
    read = _read_with_pdfium(path, password, name)
    if read is None:  # pdfium cannot open it: pdfminer is more forgiving with damaged files
        read = _read_with_pdfplumber(path, password, name)
    page_lines, margins, heights, warnings, meta = read
    if not page_lines:
        raise ParseError(name, "the PDF has no pages", code="empty")
    budget = None if ocr_budget_s is None else started + ocr_budget_s
    marks = _read_scanned_pages(
        path, page_lines, heights, password, ocr_languages, ocr_page_timeout_s, budget, warnings
    )
    removed = margins + _remove_running_lines(page_lines, heights)
    removed.sort(key=lambda r: r[0])
    doc = _assemble(page_lines, name, marks)
    doc.removed = [text for _, text in removed]
    doc.warnings.extend(warnings)
    doc.file_type = "pdf"
    doc.title = _clean_title(_meta_str(meta.get("Title"))) or path.stem.replace("_", " ")
    doc.author = _meta_str(meta.get("Author"))
    doc.date = _pdf_date(meta.get("CreationDate")) or _pdf_date(meta.get("ModDate"))
    doc.metadata = {
        **{k: _meta_str(v) for k, v in meta.items() if _meta_str(v)},
        **doc.metadata,  # the layout's own notes (pdf_layout, split_paragraphs)
    }
    if removed:
        doc.metadata["removed_lines"] = [[page, text] for page, text in removed]
    ocr_pages = [p.number for p in doc.pages if p.source == "ocr"]
    if ocr_pages:
        doc.metadata["ocr"] = {
            "engine": "tesseract",
            "languages": ocr_languages,
            "pages": {str(p.number): p.confidence for p in doc.pages if p.source == "ocr"},
        }
    if not doc.text.strip():
        doc.status = "no_text"
    return doc


Read = tuple[list[list[Line]], list[tuple[int, str]], list[float], list[str], dict]


def _read_with_pdfium(path: Path, password: str | None, name: str) -> Read | None:
    """Return lines, margin stamps, page heights, warnings and metadata read with pdfium.

    None when pdfium cannot parse the file (a wrong or missing password is reported here).
    """
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(str(path), password=password or None)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            if password:
                raise ParseError(
                    name, "password-protected: the password given is wrong", code="password"
                ) from exc
            raise ParseError(
                name,
                "password-protected: give the password (--password) to ingest it",
                code="password",
            ) from exc
        return None
    try:
        page_lines: list[list[Line]] = []
        margins: list[tuple[int, str]] = []
        heights: list[float] = []
        warnings: list[str] = []
        for i in range(len(pdf)):
            try:
                page = pdf[i]
            except pypdfium2.PdfiumError:
                return None  # a page pdfium cannot load: let pdfminer try the whole file
            try:
                left, bottom, right, top = page.get_bbox()
                heights.append(top - bottom)
                lines, margin = lines_of_chars(pdfium_chars(page), right - left, top - bottom)
                page_lines.append(lines)
                if margin:
                    margins.append((i + 1, margin))
            except Exception as exc:
                warnings.append(f"page {i + 1}: text could not be read ({_describe(exc)})")
                page_lines.append([])
            finally:
                page.close()
        meta = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    return page_lines, margins, heights, warnings, meta


def _read_with_pdfplumber(path: Path, password: str | None, name: str) -> Read:
    """Return lines, margin stamps, page heights, warnings and metadata read with pdfminer."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

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
    return page_lines, margins, heights, warnings, meta


def _read_scanned_pages(
    path: Path,
    page_lines: list[list[Line]],
    heights: list[float],
    password: str | None,
    languages: str | None,
    page_timeout_s: float,
    deadline: float | None,
    warnings: list[str],
) -> dict[int, tuple[str, float | None]]:
    """OCR the pages without a usable text layer, replacing their lines in ``page_lines``.

    Return {page number: (source, confidence)} for those pages: ``ocr`` when read, else
    ``ocr_needed`` (a warning in ``warnings`` says why).  A page whose only text is a running
    header, footer or page number (a scan under a stamped footer) counts as without text; pages
    with no image at all are blank and skipped.
    """
    bodies = [list(lines) for lines in page_lines]
    _remove_running_lines(bodies, heights)
    scanned = [
        i
        for i, (lines, body) in enumerate(zip(page_lines, bodies), start=1)
        if not body or is_garbage(" ".join(line.text for line in lines))
    ]
    if not scanned:
        return {}
    marks: dict[int, tuple[str, float | None]] = {n: ("ocr_needed", None) for n in scanned}
    if not languages:
        warnings.append(f"pages without a usable text layer, OCR turned off: {_ranges(scanned)}")
        return marks
    failed: list[str] = []
    try:
        results = ocr_pdf_pages(path, scanned, password, languages, page_timeout_s)
        for number, page, problem in results:
            if page is None:
                failed.append(f"page {number}: {problem}")
            elif page.blank:
                del marks[number]  # nothing scanned: a blank page, or only its running lines
            elif page.words:
                page_lines[number - 1] = page.lines
                marks[number] = ("ocr", page.confidence)
            else:  # read, and no words found: nothing to wait for
                marks[number] = ("ocr", None)
            if deadline is not None and time.monotonic() > deadline:
                results.close()
                left = [n for n, (source, _) in marks.items() if source == "ocr_needed"]
                left = [n for n in left if n > number]
                if left:
                    failed.append(
                        f"pages {_ranges(left)}: OCR stopped at the file's time limit"
                        " (ingest again with a longer --timeout)"
                    )
                break
    except (OcrUnavailable, ValueError) as exc:  # ValueError: languages not like "eng+spa"
        warnings.append(f"pages without a text layer ({_ranges(scanned)}): {exc}")
        return marks
    if failed:
        warnings.append("OCR incomplete: " + "; ".join(failed))
    return marks


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


def _assemble(
    page_lines: list[list[Line]], name: str, marks: dict[int, tuple[str, float | None]]
) -> Document:
    """Return the Document of the pages' lines: paragraphs in reading order, one that runs on
    from the foot of a column or page to the next kept whole (``flow_paragraphs``), none longer
    than ``MAX_PARAGRAPH`` (split at the sentence nearest its middle)."""
    compounds = hyphenated_compounds(line.text for lines in page_lines for line in lines)
    items: list[Flow] = []
    for number, lines in enumerate(page_lines, start=1):
        column = column_width(lines)
        for para, para_lines in _paragraphs(lines, compounds):
            items.append(Flow([[number, "", normalize_text(para)]], para_lines, column))
    items = flow_paragraphs(items, lambda a, b: join_lines(a, b, True, compounds))
    parts: list[str] = []
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    segments: list[Segment] = []
    pos = 0
    for item in items:
        if parts:
            parts.append("\n\n")
            pos += 2
        seg_start = pos
        for number, joiner, text in item.pieces:
            parts.append(joiner + text)
            starts.setdefault(number, pos + len(joiner))
            pos += len(joiner) + len(text)
            ends[number] = pos
        seg = Segment(start=seg_start, end=pos, kind="paragraph", page=item.pieces[0][0])
        if item.page != seg.page:
            seg.data["page_end"] = item.page
        if marks.get(seg.page, ("text",))[0] == "ocr":
            confs = [line.confidence for line in item.lines if line.confidence is not None]
            seg.data["ocr"] = True
            seg.data["ocr_confidence"] = round(sum(confs) / len(confs), 1) if confs else None
        segments.append(seg)
    pages: list[Page] = []
    for number in range(1, len(page_lines) + 1):
        source, confidence = marks.get(number, ("text", None))
        start = starts.get(number, pages[-1].end if pages else 0)
        pages.append(
            Page(number, start, ends.get(number, start), source=source, confidence=confidence)
        )
    text = "".join(parts)
    out, split = _capped(text, segments, pages)
    doc = Document(text=text, title=name, source_name=name, pages=pages, segments=out)
    doc.metadata["pdf_layout"] = FLOW_VERSION
    if split:
        doc.metadata["split_paragraphs"] = split
    doc.check()
    return doc


def _capped(text: str, segments: list[Segment], pages: list[Page]) -> tuple[list[Segment], int]:
    """Return the segments with each longer than MAX_PARAGRAPH split at sentences, and how many
    cuts were made."""
    out: list[Segment] = []
    split = 0
    for seg in segments:
        pieces = split_long(text, seg.start, seg.end)
        if len(pieces) == 1:
            out.append(seg)
            continue
        split += len(pieces) - 1
        for s, e in pieces:
            piece = Segment(start=s, end=e, kind=seg.kind, page=_page_at(pages, s))
            piece.data = {k: v for k, v in seg.data.items() if k != "page_end"}
            page_end = _page_at(pages, e - 1)
            if page_end != piece.page:
                piece.data["page_end"] = page_end
            out.append(piece)
    return out, split


def _page_at(pages: list[Page], offset: int) -> int | None:
    """Return the number of the page holding ``offset`` (the last page starting at or before)."""
    found = None
    for page in pages:
        if page.start <= offset:
            found = page.number
    return found


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
