"""Reading REFI-QDA sources into ``RefiSource``: text sources and the text of PDF sources (audio and
video sources are read by ``refi.media_parse``; pictures are listed as not imported).

Also the small element helpers the project parser shares (``kids``, ``kid``, ``note_refs``, ...).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from corpus import ParseError, bytes_to_text
from projectfile import REFI_SOURCE_TEXT, limit_reason

from ..errors import ImportFileError
from .model import (
    DOC_KIND_VARIABLE,
    RefiCoding,
    RefiProject,
    RefiSelection,
    RefiSource,
    guid_of,
)
from .positions import Converted, convert_positions
from .safezip import SafeZip, local


def kids(el: Element, name: str) -> list[Element]:
    return [c for c in el if local(c.tag) == name]


def kid(el: Element, name: str) -> Element | None:
    found = kids(el, name)
    return found[0] if found else None


def text_of(el: Element | None) -> str:
    return (el.text or "") if el is not None else ""


def note_refs(el: Element) -> list[str]:
    return [guid_of(n.get("targetGUID")) for n in kids(el, "NoteRef")]


def codings_of(el: Element) -> list[RefiCoding]:
    out = []
    for c in kids(el, "Coding"):
        ref = kid(c, "CodeRef")
        out.append(
            RefiCoding(
                guid_of(ref.get("targetGUID")) if ref is not None else "",
                guid_of(c.get("creatingUser")) or None,
                note_refs(c),
            )
        )
    return out


class SourceReader:
    """Reads one archive's project XML and its internal source files."""

    def __init__(self, archive: SafeZip | None, label: str):
        self.archive = archive
        self.label = label

    def source_text(self, el: Element, what: str, skipped: list[str]) -> str | None:
        content = kid(el, "PlainTextContent")
        if content is not None:  # text inside the XML: held to the same caps as a text file
            text = content.text or ""
            if self.archive is not None:
                self.archive.keep_text(f"<PlainTextContent> of {what}", len(text))
            elif len(text) > REFI_SOURCE_TEXT.value:
                raise ImportFileError(
                    self.label,
                    limit_reason(
                        REFI_SOURCE_TEXT, f"<PlainTextContent> of {what}", len(text), "holds"
                    ),
                )
            return text
        path = el.get("plainTextPath") or ""
        if not path:
            skipped.append(
                f"{what}: no plain text (only rich text '{el.get('richTextPath') or '?'}'); "
                "not imported"
            )
            return None
        if not path.lower().startswith("internal://"):
            skipped.append(f"{what}: text is outside the archive ({path}); not imported")
            return None
        entry = self.archive.find("sources/" + path[len("internal://") :]) if self.archive else None
        if entry is None:
            skipped.append(
                f"{what}: its text file {path} is missing from the archive; not imported"
            )
            return None
        try:
            text, _ = bytes_to_text(self.archive.read(entry), entry)
        except ParseError as exc:
            skipped.append(f"{what}: {exc.reason}; not imported")
            return None
        return text


def _parse_text_source(
    reader: SourceReader,
    el: Element,
    name: str,
    guid: str,
    file_type: str,
    origin: str,
    project: RefiProject,
    variables: dict[str, tuple[str, str]],
) -> RefiSource | None:
    what = f"source '{name}'"
    raw = reader.source_text(el, what, project.skipped)
    if raw is None:
        return None
    sel_els = kids(el, "PlainTextSelection")
    positions = []
    for s in sel_els:
        try:
            positions.append((int(s.get("startPosition")), int(s.get("endPosition"))))
        except (TypeError, ValueError):
            positions.append((-1, -1))
    conv = convert_positions(raw, positions, origin)
    src = RefiSource(
        guid,
        name,
        conv.text,
        file_type,
        selections=[],
        whole=codings_of(el),
        notes=note_refs(el),
        reading=conv.reading.describe(),
    )
    add_selections(src, sel_els, positions, conv, what, project)
    read_variables(el, src, what, project, variables)
    return src


def add_selections(
    src: RefiSource,
    sel_els: list[Element],
    positions: list[tuple[int, int]],
    conv: Converted,
    what: str,
    project: RefiProject,
) -> None:
    """Add a selection per element to ``src`` at its converted position (one outside the text is
    listed as skipped) and say when positions were read otherwise than the file's origin says."""
    if conv.switched:
        project.notices.append(
            f"{what}: positions read as {conv.reading.describe()} (the file's origin suggested "
            f"{conv.declared.describe()}, but that put fewer selections on word boundaries)"
        )
    for s_el, raw_pos, span in zip(sel_els, positions, conv.spans):
        sel = RefiSelection(
            span[0] if span else None,
            span[1] if span else None,
            raw_pos,
            codings_of(s_el),
            note_refs(s_el),
        )
        if span is None:
            project.skipped.append(
                f"{what}: selection {raw_pos[0]}-{raw_pos[1]} falls outside its text "
                f"({len(conv.text)} characters); {len(sel.codings)} coding(s) skipped"
            )
        src.selections.append(sel)


def read_variables(
    el: Element,
    src: RefiSource,
    what: str,
    project: RefiProject,
    variables: dict[str, tuple[str, str]],
) -> None:
    """Take a source's document kind from its variables; list the other variables as skipped."""
    for vv in kids(el, "VariableValue"):
        ref = kid(vv, "VariableRef")
        var = variables.get(
            guid_of(ref.get("targetGUID")) if ref is not None else "", ("?", "Text")
        )
        value = next((c.text for c in vv if local(c.tag) != "VariableRef"), None)
        if var[0] == DOC_KIND_VARIABLE and value in ("policy", "interview", "other"):
            src.kind = value
        else:
            project.skipped.append(
                f"{what}: source variable '{var[0]}' = {value!r} not imported "
                "(no source attributes here)"
            )


def parse_source(
    reader: SourceReader, el: Element, project: RefiProject, variables: dict[str, tuple[str, str]]
) -> RefiSource | None:
    """Return the text source of a ``TextSource``, ``PDFSource`` or ``PictureSource`` (listed as
    not imported: None); audio and video sources are read by ``refi.media_parse``."""
    tag, name, guid = (
        local(el.tag),
        el.get("name") or guid_of(el.get("guid")),
        guid_of(el.get("guid")),
    )
    if tag == "TextSource":
        return _parse_text_source(reader, el, name, guid, "txt", project.origin, project, variables)
    if tag == "PDFSource":
        return _parse_pdf_source(reader, el, name, guid, project, variables)
    sels = len(kids(el, "PictureSelection"))
    project.skipped.append(
        f"picture source '{name}' with {sels} selection(s) not imported (pictures are not"
        " supported)"
    )
    return None


def _parse_pdf_source(
    reader: SourceReader,
    el: Element,
    name: str,
    guid: str,
    project: RefiProject,
    variables: dict[str, tuple[str, str]],
) -> RefiSource | None:
    regions = kids(el, "PDFSelection")
    if regions:
        project.skipped.append(
            f"PDF source '{name}': {len(regions)} region selection(s) on the page image "
            "not imported"
        )
    rep = kid(el, "Representation")
    if rep is None:
        project.skipped.append(f"PDF source '{name}': no text representation; not imported")
        return None
    src = _parse_text_source(reader, rep, name, guid, "pdf", project.origin, project, variables)
    if src is not None:
        src.whole += codings_of(el)
        src.notes += note_refs(el)
    return src
