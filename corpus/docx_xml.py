"""Read a DOCX's text by streaming its XML: memory follows the text kept, not the XML size.

``word/document.xml`` is read with ``lxml.etree.iterparse`` straight from the zip entry, each
paragraph cleared once its text is taken, so a DOCX holding 300 MB of markup around little text
costs little memory.  The text kept per document is capped (``MAX_DOCUMENT_CHARS``): a file
over it is refused with a message saying so, never half-read.  Entity declarations are refused
(no DTD, no network, no entity expansion).
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import datetime

from projectfile import DOCUMENT_PARAGRAPHS, DOCUMENT_TEXT, limit_reason

from .model import ParseError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_DOCUMENT_CHARS = DOCUMENT_TEXT.value  # about 50 MB of text: a 20,000-page book is 40 M chars
MAX_SMALL_PART_BYTES = 20 * 1024 * 1024  # styles.xml, core.xml: read whole, so capped


def _iterparse(stream, events, tag=None):
    from lxml import etree

    return etree.iterparse(
        stream,
        events=events,
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )


def _check_no_dtd(head: bytes, name: str, part: str) -> None:
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ParseError(name, f"{part} declares XML entities: refused", code="corrupt")


def style_names(zf: zipfile.ZipFile, name: str) -> dict[str, str]:
    """Return {style id: lower-case style name} from word/styles.xml ({} when absent/damaged)."""
    try:
        info = zf.getinfo("word/styles.xml")
    except KeyError:
        return {}
    if info.file_size > MAX_SMALL_PART_BYTES:
        return {}
    names: dict[str, str] = {}
    with zf.open(info) as fh:
        _check_no_dtd(fh.read(1024), name, "word/styles.xml")
    with zf.open(info) as fh:
        for _ev, el in _iterparse(fh, ("end",), tag=f"{W}style"):
            sid = el.get(f"{W}styleId")
            n = el.find(f"{W}name")
            if sid and n is not None and n.get(f"{W}val"):
                names[sid] = n.get(f"{W}val").lower()
            el.clear()
    return names


def document_blocks(
    zf: zipfile.ZipFile, name: str, styles: dict[str, str], max_chars: int = MAX_DOCUMENT_CHARS
) -> list[tuple[str, str]]:
    """Return (kind, text) blocks of word/document.xml in body order: paragraphs, table rows.

    Kinds: "heading" (styles named heading*/title*), "paragraph", "table" (one row, cells
    joined by " | ", a merged cell's repeated text kept once).  Raise ParseError when the text
    would exceed ``max_chars``.
    """
    try:
        info = zf.getinfo("word/document.xml")
    except KeyError as exc:
        raise ParseError(name, "not a DOCX: word/document.xml is missing", code="corrupt") from exc
    with zf.open(info) as fh:
        _check_no_dtd(fh.read(1024), name, "word/document.xml")
    blocks: list[tuple[str, str]] = []
    kept = 0
    table_depth = 0
    row: list[str] = []
    cell: list[str] = []
    para: list[str] = []
    style = ""
    skip = 0  # inside a text box: python-docx leaves those out too (and Word stores them twice)
    with zf.open(info) as fh:
        for ev, el in _iterparse(fh, ("start", "end"), tag=_TAGS):
            tag = el.tag
            if tag == f"{W}txbxContent":
                skip += 1 if ev == "start" else -1
                continue
            if skip:
                continue
            if ev == "start":
                if tag == f"{W}tbl":
                    table_depth += 1
                elif tag == f"{W}p":
                    para, style = [], ""
                continue
            if tag == f"{W}t":
                para.append(el.text or "")
            elif tag == f"{W}tab":
                para.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                para.append("\n")
            elif tag == f"{W}r":
                _free(el)  # a paragraph may hold millions of (empty) runs
            elif tag == f"{W}pStyle":
                style = styles.get(el.get(f"{W}val") or "", "")
            elif tag == f"{W}p":
                text = "".join(para)
                kept += len(text)
                if kept > max_chars:
                    raise ParseError(name, _too_much(max_chars), code="too_large")
                if table_depth:
                    cell.append(text)
                else:
                    kind = "heading" if style.startswith(("heading", "title")) else "paragraph"
                    blocks.append((kind, text))
                    if len(blocks) > DOCUMENT_PARAGRAPHS.value:
                        raise ParseError(name, _too_many(len(blocks)), code="too_large")
                para = []
                _free(el)
            elif tag == f"{W}tc" and table_depth == 1:
                t = "\n".join(cell).strip()
                if t and (not row or row[-1] != t):
                    row.append(t)
                cell = []
                _free(el)
            elif tag == f"{W}tr" and table_depth == 1:
                if row:
                    blocks.append(("table", " | ".join(row)))
                    if len(blocks) > DOCUMENT_PARAGRAPHS.value:
                        raise ParseError(name, _too_many(len(blocks)), code="too_large")
                row = []
                _free(el)
            elif tag == f"{W}tbl":
                table_depth -= 1
                _free(el)
            elif tag == f"{W}body":
                el.clear()
    return blocks


_TAGS = [
    f"{W}{t}"
    for t in ("body", "p", "r", "t", "tab", "br", "cr", "pStyle", "tbl", "tr", "tc", "txbxContent")
]


def _free(el) -> None:
    """Drop a finished element and the finished siblings before it (constant memory)."""
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _too_much(max_chars: int) -> str:
    return limit_reason(replace(DOCUMENT_TEXT, value=max_chars), "its text", None)


def _too_many(count: int) -> str:
    return limit_reason(DOCUMENT_PARAGRAPHS, "it", count, "has at least")


def core_properties(zf: zipfile.ZipFile) -> dict[str, str | None]:
    """Return title, author and date (ISO) from docProps/core.xml; {} when absent."""
    try:
        info = zf.getinfo("docProps/core.xml")
    except KeyError:
        return {}
    if info.file_size > MAX_SMALL_PART_BYTES:
        return {}
    with zf.open(info) as fh:
        head = fh.read(1024)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        return {}
    found: dict[str, str | None] = {}
    with zf.open(info) as fh:
        for _ev, el in _iterparse(fh, ("end",)):
            local = el.tag.rsplit("}", 1)[-1]
            if local in ("title", "creator", "created", "modified") and local not in found:
                found[local] = (el.text or "").strip() or None
    when = found.get("created") or found.get("modified")
    date = None
    if when:
        try:
            date = datetime.fromisoformat(when.replace("Z", "+00:00")).date().isoformat()
        except ValueError:
            date = None
    return {"title": found.get("title"), "author": found.get("creator"), "date": date}
