"""Parsers for DOCX, plain text / Markdown and HTML files: bytes in, Document out."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from projectfile import DOCUMENT_PARAGRAPHS, limit_reason

from .decode import bytes_to_text
from .docx_xml import core_properties, document_blocks, style_names
from .model import Document, ParseError, Segment, normalize_text, paragraphs_from_text

# Zip-based inputs are checked before they are opened (zip bombs, absurd entry counts).
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_UNCOMPRESSED = 500 * 1024 * 1024
MAX_ZIP_RATIO = 200


def check_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """Return an open ZipFile after checking entry count, sizes and compression ratio."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ParseError(
            name, "not a valid zip-based file (damaged or not really this format)", code="corrupt"
        ) from exc
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ParseError(name, f"too many entries in the archive ({len(infos)})", code="too_large")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_ZIP_UNCOMPRESSED or (
        total > 10 * 1024 * 1024 and total / packed > MAX_ZIP_RATIO
    ):
        raise ParseError(
            name,
            f"archive expands to {total // (1024 * 1024)} MB: refused as a possible zip bomb",
            code="too_large",
        )
    return zf


def _blocks_to_document(blocks: list[tuple[str, str]], name: str, file_type: str) -> Document:
    """Join (kind, text) blocks with blank lines into a Document with one segment each."""
    parts, segs, pos = [], [], 0
    for kind, text in blocks:
        text = normalize_text(text).strip()
        if not text:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(text)
        segs.append(Segment(start=pos, end=pos + len(text), kind=kind))
        pos += len(text)
    doc = Document(
        text="".join(parts),
        title=Path(name).stem,
        source_name=name,
        file_type=file_type,
        segments=segs,
    )
    doc.check()
    return doc


def docx_to_document(data: bytes, name: str) -> Document:
    """Return the Document of a DOCX: paragraphs and tables in body order, core properties.

    The XML is streamed (``docx_xml``): memory follows the text kept, not the markup.
    """
    zf = check_zip(data, name)
    try:
        styles = style_names(zf, name)
    except ParseError:
        raise
    except Exception:  # a damaged styles.xml loses only the heading kinds
        styles = {}
    try:
        blocks = _docx_blocks(zf, name, styles)
    except ParseError:
        raise
    except Exception as exc:  # damaged XML surfaces only while reading
        if _xml_parser_limit(exc):
            raise ParseError(name, _xml_parser_limit(exc), code="too_large") from exc
        raise ParseError(
            name, f"not a readable DOCX: damaged content ({type(exc).__name__})", code="corrupt"
        ) from exc
    doc = _blocks_to_document(blocks, name, "docx")
    try:
        props = core_properties(zf)
        doc.title = (props.get("title") or "").strip() or doc.title
        doc.author = (props.get("author") or "").strip() or None
        doc.date = props.get("date")
    except Exception:  # damaged core properties: keep the text, lose only the metadata
        doc.warnings.append("document properties (title, author, date) could not be read")
    return doc


def _xml_parser_limit(exc: Exception) -> str | None:
    """The message for lxml's own safety limits (a text run over 10 MB, elements nested over 256
    deep), which it reports as a syntax error; None for other errors."""
    text = str(exc)
    if (
        "huge" not in text.lower()
        and "Excessive depth" not in text
        and "XML_PARSE_HUGE" not in text
    ):
        return None
    return (
        "its XML is over the XML reader's safety limits (one run of text over 10 MB, or elements"
        " nested more than 256 deep), which Word does not write: save it again from Word, or"
        " as .txt, and ingest that"
    )


def _docx_blocks(zf: zipfile.ZipFile, name: str, styles: dict[str, str]) -> list[tuple[str, str]]:
    return document_blocks(zf, name, styles)


def text_to_document(data: bytes, name: str) -> Document:
    """Return the Document of a TXT or Markdown file (paragraphs split by blank lines)."""
    text, encoding = bytes_to_text(data, name)
    text = normalize_text(text)
    file_type = "md" if name.lower().endswith((".md", ".markdown")) else "txt"
    doc = Document(text=text, title=Path(name).stem, source_name=name, file_type=file_type)
    if text.count("\n\n") > DOCUMENT_PARAGRAPHS.value:  # an upper bound, counted before building
        blocks = sum(1 for b in re.finditer(r"(?:^|\n\n)[ \t\r\f\v]*[^\s]", text))
        if blocks > DOCUMENT_PARAGRAPHS.value:
            reason = limit_reason(DOCUMENT_PARAGRAPHS, "it", blocks, "has")
            raise ParseError(name, reason, code="too_large")
    doc.segments = paragraphs_from_text(text)
    doc.metadata["encoding"] = encoding
    if file_type == "md":
        m = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
        if m:
            doc.title = m.group(1).strip()
    if encoding == "cp1252" and "\ufffd" in text:
        doc.warnings.append("some characters could not be decoded and show as �")
    return doc


def html_to_document(data: bytes, name: str) -> Document:
    """Return the Document of an HTML page: visible block text only, no scripts or styles."""
    from bs4 import BeautifulSoup

    text, _enc = bytes_to_text(data, name)
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head", "nav", "footer"]):
        tag.decompose()
    title_tag = BeautifulSoup(text, "html.parser").title
    blocks: list[tuple[str, str]] = []
    block_tags = [
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "li",
        "blockquote",
        "pre",
        "td",
        "th",
        "dd",
        "dt",
        "caption",
    ]
    for el in soup.find_all(block_tags):
        if el.find(block_tags):
            continue  # a container: its children are read on their own
        kind = "heading" if el.name.startswith("h") and len(el.name) == 2 else "paragraph"
        blocks.append((kind, " ".join(el.get_text(" ").split())))
    if not blocks:
        body = soup.body or soup
        blocks = [("paragraph", p) for p in body.get_text("\n").split("\n\n")]
    doc = _blocks_to_document(blocks, name, "html")
    if title_tag and title_tag.get_text(strip=True):
        doc.title = title_tag.get_text(strip=True)
    return doc
