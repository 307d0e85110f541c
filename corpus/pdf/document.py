"""PDF to Document with pdfplumber: reading order, columns, de-hyphenation, headers/footers out.

Per page: characters (pdfminer's layout objects, which pdfplumber interprets; pdfplumber's
per-character dictionaries are skipped as they cost as much again) -> words -> lines (by
``top``, column by column: ``corpus/pdf/layout.py``) -> paragraphs.  Lines repeated at the top
or bottom of most pages (running headers, footers) and bare page numbers are kept out of the
canonical text and listed in ``Document.removed`` (and, with their page numbers, in
``metadata["removed_lines"]``), as are a few sideways characters in the margin (printer's
stamps) when most of the page is upright.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from pathlib import Path

from ..model import Document, Page, ParseError, Segment, normalize_text
from ..sentences import ends_sentence
from .flow import FLOW_VERSION, Flow, column_width, flow_paragraphs, runs_on, split_long
from .layout import EDGE_BAND, Line, lines_of_chars, lines_of_page
from .ocr import DEFAULT_LANGUAGES, PAGE_TIMEOUT_S, OcrUnavailable, is_garbage, ocr_pdf_pages
from .words import pdfium_chars

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:page|p[aá]gina|p\.|pág\.)?\s*\d{1,5}\s*(?:(?:of|de|/)\s*\d{1,4})?\s*(?:[-–—])?\s*$",
    re.IGNORECASE,
)


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
    """Return the letters of a line, case-folded: what a running header keeps from page to page
    (numbers change; OCR reads the spacing around punctuation its own way)."""
    return "".join(ch for ch in text.casefold() if ch.isalpha())


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


def _paragraphs(
    lines: list[Line], compounds: frozenset[str] = frozenset()
) -> list[tuple[str, list[Line]]]:
    """Group lines into paragraphs; return (text, lines) of each, wrapped prose reflowed.

    Paragraphs break at vertical gaps, font size changes and first-line indents (or, for OCR
    lines, where tesseract's blocks change); line ends are joined by ``join_lines``.
    """
    if not lines:
        return []
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if b.top > a.bottom]
    heights = [line.bottom - line.top for line in lines if line.bottom > line.top]
    # the lower quartile, not the median: on short pages paragraph gaps can be half of all gaps
    typical_gap = sorted(gaps)[len(gaps) // 4] if gaps else 0.0
    height = statistics.median(heights) if heights else 10.0
    column = column_width(lines)
    paras: list[list[Line]] = [[lines[0]]]
    for prev, line in zip(lines, lines[1:]):
        gap = line.top - prev.bottom
        if line.block is not None:
            # tesseract's blocks, except a block that goes on mid-sentence (lower-case start)
            new_para = line.block != prev.block and not (
                line.text[:1].islower() and prev.text.rstrip()[-1:] not in ".:;!?"
            )
        else:
            new_para = (
                gap > max(typical_gap * 1.6, height * 0.6)
                or (
                    len(gaps) < 3 and gap > height
                )  # too few lines to learn the spacing: a blank line's worth
                or (  # went back up: next column or block, unless a sentence runs on
                    line.top < prev.top - height and not runs_on(prev, line, column)
                )
                or (  # a new sentence, indented: a paragraph whose last line was short
                    line.x0 > prev.x0 + 4
                    and line.x0 - prev.x0 < 40
                    and line.top > prev.top
                    and ends_sentence(prev.text)
                    and line.text[:1].isupper()
                )
                or _FOOTNOTE_START.match(line.text) is not None  # "[7] Ethiopian Aircraft ..."
                or abs(line.size - prev.size) > 1.5
                or (  # a run-in head in small capitals ("FOR FURTHER INFORMATION CONTACT: Ian")
                    line.lead_size is not None
                    and line.lead_size < line.size - 1.5
                    and ends_sentence(prev.text)
                )
                or (
                    line.x0 > prev.x0 + 4
                    and line.x0 - prev.x0 < 40
                    and (prev.x1 - prev.x0) > 100
                    and not _hanging(prev, lines)
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
            text = join_lines(text, line.text, (prev.x1 - prev.x0) >= 0.6 * full, compounds)
        out.append((text, para))
    return out


def _hanging(prev: Line, lines: list[Line]) -> bool:
    """Return True when the line after ``prev`` continues it under a hanging indent.

    ``prev`` runs (nearly) as wide as the widest line starting where it starts and stops
    without closing punctuation, so the indented line below is its continuation.
    """
    if prev.text.rstrip()[-1:] in '.:;!?”")':
        return False
    widest = max(ln.x1 - ln.x0 for ln in lines if abs(ln.x0 - prev.x0) < 4)
    return prev.x1 - prev.x0 >= 0.85 * widest


_FOOTNOTE_START = re.compile(r"^\[[0-9*†‡§]{1,3}\] ")
_URL_START = re.compile(r"(?:https?://|ftp://|www\.)\S*$|[\w.+-]+@[\w.-]*$", re.IGNORECASE)
_URL_PART = re.compile(r"^[\w%./?=&#~+:@-]+")
_URL_END = "/.-_=?&#%:~@+"
_HYPHENS = ("-", "\u2010")
_DASHES = ("\u2013", "\u2014")
_TAIL_WORD = re.compile(r"(\w+)[-\u2010]$")
_HEAD_WORD = re.compile(r"^(\w+)")
_COMPOUND = re.compile(r"\b(\w+)[-\u2010](\w+)\b")


def hyphenated_compounds(texts) -> frozenset[str]:
    """Return the hyphenated compounds (``well-known``, case-folded) written within lines."""
    found: set[str] = set()
    for text in texts:
        if "-" in text or "\u2010" in text:
            found.update(f"{a}-{b}".casefold() for a, b in _COMPOUND.findall(text))
    return frozenset(found)


def join_lines(text: str, nxt: str, wrapped: bool, compounds: frozenset[str] = frozenset()) -> str:
    """Return ``text`` with the next line ``nxt`` of its paragraph appended as a person reads it.

    A URL or e-mail address broken at the line end is joined without a space; a line-end
    hyphen is kept when the compound occurs elsewhere with its hyphen (``well-known``) or the
    next line starts with a capital or digit, and dropped otherwise (``manufac-`` ``turing``);
    a dash between words at the line end joins them without a space; wrapped prose joins with a
    space, a short (not wrapped) line keeps its line break.
    """
    if not nxt:
        return text
    tail = text.rsplit(None, 1)[-1] if text.strip() else ""
    head = _URL_PART.match(nxt)
    if tail and head and _is_url_break(tail, nxt):
        return text + nxt
    if text.endswith(_HYPHENS) and len(text) > 1 and text[-2].isalpha():
        first, second = _TAIL_WORD.search(text), _HEAD_WORD.match(nxt)
        if nxt[:1].islower() and first and second:
            if f"{first.group(1)}-{second.group(1)}".casefold() in compounds:
                return text + nxt  # a compound the document writes with its hyphen
            return text[:-1] + nxt  # a word broken at the line end
        if nxt[:1].islower():
            return text[:-1] + nxt
        return text + nxt  # a real hyphenated compound split at line end (pre-War, 2019-NM)
    if text.endswith(_DASHES) and len(text) > 1 and text[-2].isalnum() and nxt[:1].isalnum():
        return text + nxt  # 737\u2013 / 9: a range or compound with a dash broken at line end
    return text + (" " if wrapped else "\n") + nxt


def _is_url_break(tail: str, nxt: str) -> bool:
    """Return True when ``tail`` (last token of a line) and ``nxt`` are one broken URL/e-mail."""
    first = nxt.split(None, 1)[0]
    if _URL_START.search(tail) and not tail.endswith((".", ",", ";", ")")):
        # https://www.faa.gov/ | regulations  -- but not "www.x.org." | "The ..."
        return (
            bool(_URL_PART.match(first))
            and (tail.endswith(tuple(_URL_END)) or not first[:1].isupper())
            and not (tail.endswith("//") and first[:1].isupper())
        )
    if tail.endswith(tuple("-._@")) and "@" in first and not first[:1].isupper():
        return True  # 9-FAA-SACO-AD- | Inquiries@faa.gov
    if "@" in tail and tail.endswith(tuple("-.")) and _URL_PART.match(first):
        return True  # Techsupport@pilatus- | aircraft.com
    return False


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
